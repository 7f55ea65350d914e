// Adjacency lists, the storage unit of the fact indexes (format 4).
//
// Each permutation (spo, pos, osp) keeps, for every pair of leading ids
// (a, b), the sorted list of the third ids c of its facts, as QLever's
// permutations and Dgraph's posting lists do. A list is stored in chunks of
// at most kMaxChunkEntries entries: the first under the 16-byte key a·b, each
// later one under the 24-byte key a·b·k, where k is at most the chunk's first
// entry and greater than every entry of the chunk before. So a list is read
// with one prefix scan in order, and a write rewrites one chunk, whatever the
// list's length (a hub of 5,000 subsidiaries is five chunks).
//
// Every entry carries one flag, `annotated`: the fact has at least one
// instance with annotations (the annotation_sets family holds them, keyed by
// the fact). A fact without the flag has exactly the bare instance, so scans
// that test validity or read annotations skip it without a lookup.
//
// A chunk's value: varint(n << 1 | any_flag); the first id as a compact id
// (compact_id.h); n - 1 varint deltas to the next id; then, when any_flag, a
// bitmap of n bits (entry i in bit i % 8 of byte i / 8).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "storage/key_codec.h"
#include "storage/store.h"

namespace quipu::storage {

inline constexpr size_t kMaxChunkEntries = 1024;
inline constexpr size_t kListKeySize = 16;   // a·b: a list's first chunk
inline constexpr size_t kChunkKeySize = 24;  // a·b·k: a later chunk

// The entries of one chunk, or of a whole list: ids ascending, and per id
// whether the fact is annotated (0 or 1).
struct ListEntries {
  std::vector<uint64_t> ids;
  std::vector<uint8_t> annotated;

  size_t size() const { return ids.size(); }
  bool empty() const { return ids.empty(); }
  void clear() {
    ids.clear();
    annotated.clear();
  }
  void push_back(uint64_t id, bool flag) {
    ids.push_back(id);
    annotated.push_back(flag ? 1 : 0);
  }
};

// Appends the value of a chunk of entries [begin, end) of `entries`.
// REQUIRES: begin < end, ids strictly ascending.
void EncodeChunk(const ListEntries& entries, size_t begin, size_t end, std::string* out);

// Appends the entries of a chunk value to *out; false when the bytes are not
// a well-formed chunk (truncated, ids not ascending, an empty chunk).
bool DecodeChunk(std::string_view value, ListEntries* out);

// The number of entries of a chunk, from its header alone (the list's
// degree is the sum over its chunks); false when the header is malformed.
bool ChunkEntries(std::string_view value, uint64_t* n);

// The key of list (a, b)'s first chunk, and of a later chunk bounded by k.
std::string ListKey(uint64_t a, uint64_t b);
std::string ChunkKey(uint64_t a, uint64_t b, uint64_t k);

// The chunks a list of entries is stored in, as ChunkLayout gives them:
// entries [begin, end) under key(). The key is held inline: a bulk load
// lays out millions of lists, most of one chunk.
struct ChunkSpan {
  size_t begin = 0, end = 0;
  std::string_view key() const { return {key_bytes, key_size}; }
  char key_bytes[kChunkKeySize];
  size_t key_size = 0;
};
using ChunkSpans = boost::container::small_vector<ChunkSpan, 1>;

// Cuts a whole list (a, b) into chunks of kMaxChunkEntries (the last one
// shorter), keyed a·b, then a·b·first-entry. What a bulk load and an upgrade
// write.
ChunkSpans ChunkLayout(uint64_t a, uint64_t b, const ListEntries& list);

}  // namespace quipu::storage
