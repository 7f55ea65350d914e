#include "query/property_column.h"

#include <algorithm>
#include <utility>

namespace quipu::query {

Result<std::shared_ptr<const PropertyColumn>> PropertyColumn::Read(storage::ReadView* view,
                                                                   uint64_t predicate) {
  // The predicate's facts come in pos order (objects first); sorted by
  // subject, then object, the first of each subject is its smallest object.
  std::vector<std::pair<uint64_t, uint64_t>> facts;
  std::unique_ptr<storage::TripleCursor> cursor = view->Scan({0, predicate, 0});
  std::vector<storage::Triple> batch;
  for (;;) {
    batch.clear();
    if (cursor->Next(&batch, 2048) == 0) break;
    for (const storage::Triple& t : batch) facts.emplace_back(t.s, t.o);
  }
  if (!cursor->status().ok()) return cursor->status();
  std::sort(facts.begin(), facts.end());
  auto column = std::make_shared<PropertyColumn>();
  column->predicate_ = predicate;
  for (const auto& [s, o] : facts) {
    if (!column->subjects_.empty() && column->subjects_.back() == s) continue;
    column->subjects_.push_back(s);
    column->objects_.push_back(o);
  }
  column->subjects_.shrink_to_fit();
  column->objects_.shrink_to_fit();
  return std::shared_ptr<const PropertyColumn>(std::move(column));
}

uint64_t PropertyColumn::Find(uint64_t subject) const {
  const auto it = std::lower_bound(subjects_.begin(), subjects_.end(), subject);
  if (it == subjects_.end() || *it != subject) return 0;
  return objects_[static_cast<size_t>(it - subjects_.begin())];
}

}  // namespace quipu::query
