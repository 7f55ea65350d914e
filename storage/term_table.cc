#include "storage/term_table.h"

#include <cstring>
#include <functional>

namespace quipu::storage {
namespace {

constexpr size_t kFirstSlots = 1024;

}  // namespace

uint64_t TermTable::Hash(std::string_view key) { return std::hash<std::string_view>{}(key); }

uint32_t TermTable::Find(std::string_view key, uint64_t hash) const {
  if (slots_.empty()) return kAbsent;
  const size_t mask = slots_.size() - 1;
  const uint32_t tag = static_cast<uint32_t>(hash >> 32);
  for (size_t at = hash & mask;; at = (at + 1) & mask) {
    const Slot& slot = slots_[at];
    if (slot.index_plus_one == 0) return kAbsent;
    if (slot.tag != tag) continue;
    const uint32_t i = slot.index_plus_one - 1;
    const uint64_t size = offsets_[i + 1] - offsets_[i];
    if (size == key.size() && std::memcmp(arena_.data() + offsets_[i], key.data(), size) == 0) {
      return i;
    }
  }
}

uint32_t TermTable::Insert(std::string_view key, uint64_t hash, uint64_t id) {
  if ((ids_.size() + 1) * 2 > slots_.size()) Grow();
  const uint32_t i = static_cast<uint32_t>(ids_.size());
  arena_.insert(arena_.end(), key.begin(), key.end());
  offsets_.push_back(arena_.size());
  ids_.push_back(id);
  const size_t mask = slots_.size() - 1;
  size_t at = hash & mask;
  while (slots_[at].index_plus_one != 0) at = (at + 1) & mask;
  slots_[at] = Slot{i + 1, static_cast<uint32_t>(hash >> 32)};
  return i;
}

void TermTable::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? kFirstSlots : old.size() * 2, Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.index_plus_one == 0) continue;
    // The slot keeps only the hash's upper half: the lower, which picks
    // the slot, is computed again from the key.
    const uint64_t hash = Hash(key(slot.index_plus_one - 1));
    size_t at = hash & mask;
    while (slots_[at].index_plus_one != 0) at = (at + 1) & mask;
    slots_[at] = slot;
  }
}

uint64_t TermTable::bytes() const {
  return slots_.capacity() * sizeof(Slot) + arena_.capacity() +
         offsets_.capacity() * sizeof(uint64_t) + ids_.capacity() * sizeof(uint64_t);
}

}  // namespace quipu::storage
