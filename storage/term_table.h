// TermTable: the terms a bulk load has met, by dictionary key (the type
// byte and the term's bytes, as term2id stores them), each with its id.
//
// A load of a million facts looks up about three million terms, most of
// them met before. A node-based hash map of std::string (what the load
// used) costs an allocation per term and a cache miss or two per lookup;
// here the slots are one array of 8-byte entries probed linearly (24 bits
// of the hash and where the term starts in the arena), and the arena holds
// each term as its id, its length and its bytes, back to back: a lookup
// touches one slot and, when the hash bits agree, one place in the arena.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace quipu::storage {

class TermTable {
 public:
  // A term's handle: where it starts in the arena.
  using Ref = uint64_t;
  static constexpr Ref kAbsent = UINT64_MAX;
  // The arena's limit (the slot keeps 40 bits of a term's offset).
  static constexpr uint64_t kMaxBytes = uint64_t{1} << 40;

  static uint64_t Hash(std::string_view key);

  // The term `key` (whose Hash is `hash`), or kAbsent.
  Ref Find(std::string_view key, uint64_t hash) const;
  // Adds `key`, which Find did not find, with `id`. REQUIRES: bytes() +
  // key.size() + 12 < kMaxBytes and key.size() < 2^32.
  Ref Insert(std::string_view key, uint64_t hash, uint64_t id);

  size_t size() const { return size_; }
  std::string_view key(Ref ref) const;
  uint64_t id(Ref ref) const;
  void set_id(Ref ref, uint64_t id);
  // The bytes the table holds.
  uint64_t bytes() const { return slots_.capacity() * sizeof(uint64_t) + arena_.capacity(); }

 private:
  static constexpr int kOffsetBits = 40;
  static constexpr uint64_t kOffsetMask = (uint64_t{1} << kOffsetBits) - 1;
  // A slot: the hash's top 24 bits above the term's arena offset plus one
  // (0: an empty slot).
  static uint64_t Tag(uint64_t hash) { return (hash >> kOffsetBits) << kOffsetBits; }
  void Grow();

  std::vector<uint64_t> slots_;  // a power of two long, at most half full
  std::vector<char> arena_;      // per term: id (8 bytes), length (4), bytes
  size_t size_ = 0;
};

}  // namespace quipu::storage
