// The per-predicate statistics (the `stats` family) held in memory: every
// statement plans with them, so reading them must not cost a RocksDB scan.
// The store loads the table when it opens and publishes a new one with each
// committed write (copy on write; predicates number in the hundreds, not the
// millions), together with the snapshot it goes with
// (RocksDbStore::Publish), so a reader's statistics are those of its
// snapshot.
#pragma once

#include <boost/container/flat_map.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "storage/key_codec.h"
#include "storage/store.h"

namespace quipu::storage {

using StatsTable = boost::container::flat_map<uint64_t, PredicateStats>;

// A `stats` value: facts, subjects, objects, subject_sq, object_sq (five
// u64, 40 bytes; docs/format.md, "Statistics").
inline constexpr size_t kStatsValueSize = 40;
// Format 4's value, the first three alone.
inline constexpr size_t kLegacyStatsValueSize = 24;

inline std::string EncodeStats(const PredicateStats& s) {
  std::string value;
  value.reserve(kStatsValueSize);
  for (uint64_t n : {s.facts, s.subjects, s.objects, s.subject_sq, s.object_sq}) {
    PutBigEndian64(&value, n);
  }
  return value;
}

// False when `value` is not a stats value: 40 bytes, or 24 when `legacy`
// (format 4), whose squared degrees read as unknown (0).
inline bool DecodeStats(std::string_view value, bool legacy, PredicateStats* out) {
  if (value.size() != kStatsValueSize && !(legacy && value.size() == kLegacyStatsValueSize)) {
    return false;
  }
  const char* v = value.data();
  *out = PredicateStats{GetBigEndian64(v), GetBigEndian64(v + 8), GetBigEndian64(v + 16)};
  if (value.size() == kStatsValueSize) {
    out->subject_sq = GetBigEndian64(v + 24);
    out->object_sq = GetBigEndian64(v + 32);
  }
  return true;
}

// How a node's squared degree changes in the sums when its degree goes
// from `before` to `after` (modulo 2^64, as the sums are kept).
inline uint64_t SquareDelta(uint64_t before, uint64_t after) {
  return after * after - before * before;
}

}  // namespace quipu::storage
