#include "query/fact_table.h"

#include <algorithm>
#include <limits>

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
    if (hashes_[j] != hash) continue;
    for (uint32_t k = first_pair_[j]; k < first_pair_[j + 1]; ++k) {
      if (pairs_[k].first == key) return pairs_[k].second;
    }
    return 0;
  }
  return 0;
}

uint64_t FactTable::bytes() const {
  return (objects_.capacity() + subjects_.capacity() + hashes_.capacity()) * sizeof(uint64_t) +
         (first_instance_.capacity() + first_pair_.capacity()) * sizeof(uint32_t) +
         pairs_.capacity() * sizeof(pairs_[0]);
}

}  // namespace quipu::query
