// IdIndex: numbers the distinct ids it is given (a group-by on one key),
// in an open-addressing table of ids: no node per entry, no key vector per
// lookup, as the hash tables of DuckDB's and Kùzu's aggregates.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace quipu::query {

class IdIndex {
 public:
  // The number of `id`: the one it was given before, or `next` (then
  // added is true). Id 0 (null) is a key like any other.
  std::pair<size_t, bool> Insert(uint64_t id, size_t next) {
    if (id == 0) {
      if (null_ != kEmpty) return {null_, false};
      null_ = next;
      return {next, true};
    }
    if (2 * (used_ + 1) > ids_.size()) Grow();
    size_t at = Slot(id);
    while (ids_[at] != 0) {
      if (ids_[at] == id) return {numbers_[at], false};
      at = (at + 1) & (ids_.size() - 1);
    }
    ids_[at] = id;
    numbers_[at] = next;
    ++used_;
    return {next, true};
  }

 private:
  static constexpr size_t kEmpty = SIZE_MAX;
  size_t Slot(uint64_t id) const {
    // Fibonacci hashing: ids differ mostly in their low bits.
    return static_cast<size_t>((id * 0x9e3779b97f4a7c15ULL) >> shift_);
  }
  void Grow() {
    std::vector<uint64_t> ids = std::move(ids_);
    std::vector<size_t> numbers = std::move(numbers_);
    const size_t capacity = ids.empty() ? 1024 : 2 * ids.size();
    ids_.assign(capacity, 0);
    numbers_.assign(capacity, 0);
    shift_ = 64;
    for (size_t c = capacity; c > 1; c >>= 1) --shift_;
    for (size_t i = 0; i < ids.size(); ++i) {
      if (ids[i] == 0) continue;
      size_t at = Slot(ids[i]);
      while (ids_[at] != 0) at = (at + 1) & (ids_.size() - 1);
      ids_[at] = ids[i];
      numbers_[at] = numbers[i];
    }
  }

  std::vector<uint64_t> ids_;  // 0: an empty slot; a power of two long
  std::vector<size_t> numbers_;
  size_t used_ = 0;
  int shift_ = 64;
  size_t null_ = kEmpty;
};

}  // namespace quipu::query
