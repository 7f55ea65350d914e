#include "query/fact_table.h"

#include <algorithm>
#include <limits>

#include "query/expression.h"

namespace quipu::query {

Result<std::shared_ptr<const FactTable>> FactTable::Read(storage::ReadView* view,
                                                         uint64_t predicate) {
  auto table = std::make_shared<FactTable>();
  table->predicate_ = predicate;
  table->first_instance_.push_back(0);
  table->first_pair_.push_back(0);
  std::unique_ptr<storage::TripleCursor> cursor = view->Scan({0, predicate, 0});
  std::vector<storage::Triple> batch;
  std::vector<uint8_t> annotated;
  std::vector<storage::FactInstance> instances;
  constexpr size_t kBatch = 2048;
  for (;;) {
    batch.clear();
    annotated.clear();
    if (cursor->Next(&batch, kBatch, &annotated) == 0) break;
    for (size_t k = 0; k < batch.size(); ++k) {
      const storage::Triple& t = batch[k];
      table->objects_.push_back(t.o);
      table->subjects_.push_back(t.s);
      if (annotated[k] != storage::kBare) {
        if (Status s = view->GetInstances(t, &instances, storage::kAnnotated); !s.ok()) return s;
        for (const storage::FactInstance& instance : instances) {
          table->hashes_.push_back(instance.hash);
          table->pairs_.insert(table->pairs_.end(), instance.annotations.begin(),
                               instance.annotations.end());
          table->first_pair_.push_back(static_cast<uint32_t>(table->pairs_.size()));
        }
      }
      table->first_instance_.push_back(static_cast<uint32_t>(table->hashes_.size()));
    }
    if (table->pairs_.size() > std::numeric_limits<uint32_t>::max() / 2) {
      return Status::NotSupported("a predicate with too many annotations for a fact table");
    }
  }
  if (!cursor->status().ok()) return cursor->status();
  return std::shared_ptr<const FactTable>(std::move(table));
}

size_t FactTable::Find(uint64_t s, uint64_t o, size_t near) const {
  for (size_t i = near; i < size() && i <= near + 1; ++i) {
    if (subjects_[i] == s && objects_[i] == o) return i;
  }
  const auto [first, last] = std::equal_range(objects_.begin(), objects_.end(), o);
  const auto from = subjects_.begin() + (first - objects_.begin());
  const auto to = subjects_.begin() + (last - objects_.begin());
  const auto it = std::lower_bound(from, to, s);
  if (it == to || *it != s) return kNone;
  return static_cast<size_t>(it - subjects_.begin());
}

void FactTable::CopyInstances(size_t i, std::vector<storage::FactInstance>* out,
                              bool annotations) const {
  const uint32_t first = first_instance_[i], last = first_instance_[i + 1];
  if (first == last) {
    out->resize(1);
    out->front().hash = 0;
    out->front().annotations.clear();
    return;
  }
  out->resize(last - first);
  for (uint32_t j = first; j < last; ++j) {
    storage::FactInstance& instance = (*out)[j - first];
    instance.hash = hashes_[j];
    if (!annotations) {
      instance.annotations.clear();
      continue;
    }
    instance.annotations.assign(pairs_.begin() + first_pair_[j],
                                pairs_.begin() + first_pair_[j + 1]);
  }
}

uint64_t FactTable::Annotation(size_t i, uint64_t hash, uint64_t key) const {
  for (uint32_t j = first_instance_[i]; j < first_instance_[i + 1]; ++j) {
    if (hashes_[j] == hash) return InstanceAnnotation(j, key);
  }
  return 0;
}

uint64_t FactTable::InstanceAnnotation(uint32_t j, uint64_t key) const {
  for (uint32_t k = first_pair_[j]; k < first_pair_[j + 1]; ++k) {
    if (pairs_[k].first == key) return pairs_[k].second;
  }
  return 0;
}

std::shared_ptr<const std::vector<uint64_t>> FactTable::Column(uint64_t key) const {
  {
    std::lock_guard<std::mutex> lock(columns_mutex_);
    for (const auto& [k, column] : columns_) {
      if (k == key) return column;
    }
  }
  auto column = std::make_shared<std::vector<uint64_t>>();
  column->reserve(size() + hashes_.size());
  for (size_t i = 0; i < size(); ++i) {
    const uint32_t first = first_instance_[i], last = first_instance_[i + 1];
    if (first == last) column->push_back(0);
    for (uint32_t j = first; j < last; ++j) column->push_back(InstanceAnnotation(j, key));
  }
  std::lock_guard<std::mutex> lock(columns_mutex_);
  for (const auto& [k, kept] : columns_) {
    if (k == key) return kept;  // made meanwhile by another statement
  }
  if (columns_.size() < kMaxColumns) columns_.emplace_back(key, column);
  return column;
}

uint64_t FactTable::bytes() const {
  uint64_t columns = 0;
  {
    std::lock_guard<std::mutex> lock(columns_mutex_);
    for (const auto& [k, column] : columns_) columns += column->capacity() * sizeof(uint64_t);
  }
  return columns +
         (objects_.capacity() + subjects_.capacity() + hashes_.capacity()) * sizeof(uint64_t) +
         (first_instance_.capacity() + first_pair_.capacity()) * sizeof(uint32_t) +
         pairs_.capacity() * sizeof(pairs_[0]);
}

std::shared_ptr<const FactTable> KeptFactTable(const StatementEnv& env, storage::ReadView* view,
                                               uint64_t predicate, MemoryCharge* charge) {
  if (env.fact_tables == nullptr) return nullptr;
  std::shared_ptr<const FactTable> table = env.fact_tables->Find(predicate, env.snapshot_version);
  if (table != nullptr) return table;
  const uint64_t facts = ValueOrThrow(view->GetStats(predicate)).facts;
  const uint64_t bytes = FactTable::BytesFor(facts);
  if (bytes > env.fact_tables->max_bytes() || !charge->TryAdd(bytes, facts)) return nullptr;
  table = ValueOrThrow(FactTable::Read(view, predicate));
  env.fact_tables->Put(predicate, env.snapshot_version, table);
  return table;
}

}  // namespace quipu::query
