#include "storage/term_table.h"

#include <cstring>
#include <functional>

namespace quipu::storage {
namespace {

constexpr size_t kFirstSlots = 1024;
constexpr size_t kHeader = 12;  // id, length

}  // namespace

uint64_t TermTable::Hash(std::string_view key) { return std::hash<std::string_view>{}(key); }

std::string_view TermTable::key(Ref ref) const {
  uint32_t size;
  std::memcpy(&size, arena_.data() + ref + 8, sizeof size);
  return std::string_view(arena_.data() + ref + kHeader, size);
}

uint64_t TermTable::id(Ref ref) const {
  uint64_t id;
  std::memcpy(&id, arena_.data() + ref, sizeof id);
  return id;
}

void TermTable::set_id(Ref ref, uint64_t id) { std::memcpy(arena_.data() + ref, &id, sizeof id); }

TermTable::Ref TermTable::Find(std::string_view key, uint64_t hash) const {
  if (slots_.empty()) return kAbsent;
  const size_t mask = slots_.size() - 1;
  const uint64_t tag = Tag(hash);
  for (size_t at = hash & mask;; at = (at + 1) & mask) {
    const uint64_t slot = slots_[at];
    if (slot == 0) return kAbsent;
    if ((slot & ~kOffsetMask) != tag) continue;
    const Ref ref = (slot & kOffsetMask) - 1;
    const char* entry = arena_.data() + ref;
    uint32_t size;
    std::memcpy(&size, entry + 8, sizeof size);
    if (size == key.size() && std::memcmp(entry + kHeader, key.data(), size) == 0) return ref;
  }
}

TermTable::Ref TermTable::Insert(std::string_view key, uint64_t hash, uint64_t id) {
  if ((size_ + 1) * 2 > slots_.size()) Grow();
  const Ref ref = arena_.size();
  const uint32_t size = static_cast<uint32_t>(key.size());
  arena_.resize(ref + kHeader + size);
  std::memcpy(arena_.data() + ref, &id, sizeof id);
  std::memcpy(arena_.data() + ref + 8, &size, sizeof size);
  std::memcpy(arena_.data() + ref + kHeader, key.data(), size);
  ++size_;
  const size_t mask = slots_.size() - 1;
  size_t at = hash & mask;
  while (slots_[at] != 0) at = (at + 1) & mask;
  slots_[at] = Tag(hash) | (ref + 1);
  return ref;
}

void TermTable::Grow() {
  std::vector<uint64_t> old = std::move(slots_);
  slots_.assign(old.empty() ? kFirstSlots : old.size() * 2, 0);
  const size_t mask = slots_.size() - 1;
  for (const uint64_t slot : old) {
    if (slot == 0) continue;
    // The slot keeps only the hash's top bits: the low ones, which pick
    // the slot, are computed again from the key.
    const uint64_t hash = Hash(key((slot & kOffsetMask) - 1));
    size_t at = hash & mask;
    while (slots_[at] != 0) at = (at + 1) & mask;
    slots_[at] = slot;
  }
}

}  // namespace quipu::storage
