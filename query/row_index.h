// RowIndex: numbers the distinct rows of ids it is given (distinct,
// union, a group-by on several keys). The rows sit one after another in
// one array and an open-addressing table holds their numbers, so a row
// costs its ids and a slot: no node, no vector per row, nothing to free
// one by one (a set of vectors spent half of LUBM q08's time in malloc and
// free). IdIndex (id_index.h) is the one-key case.
#pragma once

#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

namespace quipu::query {

class RowIndex {
 public:
  explicit RowIndex(size_t width) : width_(width) {}

  // The number of the row `row` (width ids): the one it was given before,
  // or the next one, rows() - 1 after the call (then added is true).
  std::pair<size_t, bool> Insert(const uint64_t* row) {
    if (2 * (rows() + 1) > slots_.size()) Grow();
    const uint64_t hash = Hash(row);
    size_t at = hash & (slots_.size() - 1);
    while (slots_[at].number != kEmpty) {
      const Slot& s = slots_[at];
      if (s.hash == hash &&
          (width_ == 0 || std::memcmp(Row(s.number), row, width_ * sizeof(uint64_t)) == 0)) {
        return {s.number, false};
      }
      at = (at + 1) & (slots_.size() - 1);
    }
    const size_t number = rows();
    slots_[at] = {hash, number};
    ids_.insert(ids_.end(), row, row + width_);
    ++rows_;
    return {number, true};
  }

  // REQUIRES: number < rows().
  const uint64_t* Row(size_t number) const { return ids_.data() + number * width_; }
  size_t rows() const { return rows_; }
  // What a row adds, at most: its ids and, the table at most half full, two slots.
  static uint64_t BytesPerRow(size_t width) { return width * sizeof(uint64_t) + 2 * sizeof(Slot); }

 private:
  static constexpr size_t kEmpty = SIZE_MAX;
  struct Slot {
    uint64_t hash = 0;
    size_t number = kEmpty;
  };

  uint64_t Hash(const uint64_t* row) const {
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (size_t i = 0; i < width_; ++i) {
      h = (h ^ row[i]) * 0x100000001b3ULL;
      h ^= h >> 29;
    }
    h *= 0x9e3779b97f4a7c15ULL;
    return h ^ (h >> 32);
  }

  void Grow() {
    const size_t capacity = slots_.empty() ? 16 : 2 * slots_.size();
    std::vector<Slot> slots(capacity);
    for (const Slot& s : slots_) {
      if (s.number == kEmpty) continue;
      size_t at = s.hash & (capacity - 1);
      while (slots[at].number != kEmpty) at = (at + 1) & (capacity - 1);
      slots[at] = s;
    }
    slots_ = std::move(slots);
  }

  const size_t width_;
  size_t rows_ = 0;  // a row of width 0 is a row too
  std::vector<uint64_t> ids_;
  std::vector<Slot> slots_;  // a power of two long
};

}  // namespace quipu::query
