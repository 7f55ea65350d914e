// Key layouts of the fact indexes. Every key is fixed-width big-endian, so a
// pattern with bound positions is a prefix of the permutation that lists the
// bound positions first, and a prefix scan is a bounded range scan.
#pragma once

#include <cstdint>
#include <string>

#include "core/coding.h"
#include "core/term_id.h"
#include "storage/store.h"

namespace quipu::storage {

// Do not renumber: names the column families on disk.
enum class Permutation : uint8_t { kSpo = 0, kPos = 1, kOsp = 2 };

inline constexpr size_t kTripleKeySize = 24;
inline constexpr size_t kInstanceKeySize = 32;

inline std::string EncodeTripleKey(Permutation perm, const Triple& t) {
  std::string key;
  key.reserve(kTripleKeySize);
  switch (perm) {
    case Permutation::kSpo:
      PutBigEndian64(&key, t.s), PutBigEndian64(&key, t.p), PutBigEndian64(&key, t.o);
      break;
    case Permutation::kPos:
      PutBigEndian64(&key, t.p), PutBigEndian64(&key, t.o), PutBigEndian64(&key, t.s);
      break;
    case Permutation::kOsp:
      PutBigEndian64(&key, t.o), PutBigEndian64(&key, t.s), PutBigEndian64(&key, t.p);
      break;
  }
  return key;
}

// REQUIRES: key holds at least kTripleKeySize bytes.
inline Triple DecodeTripleKey(Permutation perm, const char* key) {
  const uint64_t a = GetBigEndian64(key), b = GetBigEndian64(key + 8), c = GetBigEndian64(key + 16);
  switch (perm) {
    case Permutation::kSpo:
      return Triple{a, b, c};
    case Permutation::kPos:
      return Triple{c, a, b};
    case Permutation::kOsp:
      return Triple{b, c, a};
  }
  return Triple{};
}

// The permutation that serves a pattern, and how many leading ids of its key
// the pattern binds (0..3).
struct ScanPlan {
  Permutation perm;
  int bound;
};

inline ScanPlan ChooseScan(const TriplePattern& p) {
  const bool s = p.s != 0, pr = p.p != 0, o = p.o != 0;
  if (s && pr && o) return {Permutation::kSpo, 3};
  if (s && pr) return {Permutation::kSpo, 2};
  if (s && o) return {Permutation::kOsp, 2};
  if (pr && o) return {Permutation::kPos, 2};
  if (s) return {Permutation::kSpo, 1};
  if (pr) return {Permutation::kPos, 1};
  if (o) return {Permutation::kOsp, 1};
  return {Permutation::kSpo, 0};
}

// The key prefix of the `bound` leading positions of a pattern.
inline std::string ScanPrefix(const ScanPlan& plan, const TriplePattern& p) {
  return EncodeTripleKey(plan.perm, p).substr(0, 8 * static_cast<size_t>(plan.bound));
}

// The smallest string greater than every string starting with `prefix`, or
// empty when there is none (prefix all 0xff).
inline std::string PrefixSuccessor(std::string prefix) {
  while (!prefix.empty()) {
    unsigned char& last = reinterpret_cast<unsigned char&>(prefix.back());
    if (last != 0xff) {
      ++last;
      return prefix;
    }
    prefix.pop_back();
  }
  return prefix;
}

// Instances are keyed in pos order (format 3): a scan with its predicate
// bound reads the triples and their annotations in the same order, so the
// annotations of consecutive facts are consecutive keys (no seek per fact).
inline constexpr Permutation kInstanceOrder = Permutation::kPos;

inline std::string EncodeInstanceKey(const Triple& t, uint64_t hash) {
  std::string key = EncodeTripleKey(kInstanceOrder, t);
  PutBigEndian64(&key, hash);
  return key;
}

std::string EncodeAnnotations(const Annotations& annotations);
bool DecodeAnnotations(const char* data, size_t size, Annotations* out);

}  // namespace quipu::storage
