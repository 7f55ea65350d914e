// TermTable: the terms a bulk load has met, by dictionary key (the type
// byte and the term's bytes, as term2id stores them), each with its id.
//
// A load of a million facts looks up about three million terms, most of
// them met before. A node-based hash map of std::string (what the load
// used) costs an allocation per term and a cache miss or two per lookup;
// here the slots are one array of 8-byte entries probed linearly, the
// keys sit back to back in one arena, and a lookup compares 32 bits of
// the hash before it touches the key. Not thread-safe.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace quipu::storage {

class TermTable {
 public:
  static constexpr uint32_t kAbsent = UINT32_MAX;

  static uint64_t Hash(std::string_view key);

  // The index of `key` (whose Hash is `hash`), or kAbsent.
  uint32_t Find(std::string_view key, uint64_t hash) const;
  // Adds `key`, which Find did not find, with `id`; returns its index.
  // Indexes count from 0 in the order of insertion.
  uint32_t Insert(std::string_view key, uint64_t hash, uint64_t id);

  size_t size() const { return ids_.size(); }
  std::string_view key(uint32_t i) const {
    return std::string_view(arena_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]);
  }
  uint64_t id(uint32_t i) const { return ids_[i]; }
  // The memory the table holds, for the load's accounting.
  uint64_t bytes() const;

 private:
  struct Slot {
    uint32_t index_plus_one = 0;  // 0: empty
    uint32_t tag = 0;             // the hash's upper half
  };
  void Grow();

  std::vector<Slot> slots_;  // a power of two long, at most half full
  std::vector<char> arena_;
  std::vector<uint64_t> offsets_{0};  // key i is arena_[offsets_[i], offsets_[i + 1])
  std::vector<uint64_t> ids_;
};

}  // namespace quipu::storage
