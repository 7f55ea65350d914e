// The fact indexes' permutations and how a pattern picks one. Every id in a
// key is 8 bytes big-endian, so a pattern with bound positions is a key
// prefix of the permutation that lists the bound positions first, and a
// prefix scan is a bounded range scan. The lists under those keys are in
// fact_list.h; the format-3 instance keys that upgrades read are in
// legacy_keys.h.
#pragma once

#include <cstdint>
#include <string>

#include "core/coding.h"
#include "core/term_id.h"
#include "storage/store.h"

namespace quipu::storage {

// Do not renumber: the offset of a permutation's family from kSpo.
enum class Permutation : uint8_t { kSpo = 0, kPos = 1, kOsp = 2 };

// A triple's ids in a permutation's order: the list key a·b, the entry c.
struct PermutedIds {
  uint64_t a = 0, b = 0, c = 0;
};

inline PermutedIds Permute(Permutation perm, const Triple& t) {
  switch (perm) {
    case Permutation::kSpo:
      return {t.s, t.p, t.o};
    case Permutation::kPos:
      return {t.p, t.o, t.s};
    case Permutation::kOsp:
      return {t.o, t.s, t.p};
  }
  return {};
}

inline Triple Unpermute(Permutation perm, uint64_t a, uint64_t b, uint64_t c) {
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

// A triple as one 24-byte key in a permutation's order: the format-3
// indexes' keys (read by the upgrade), and the tail of a name-index key.
inline constexpr size_t kTripleKeySize = 24;

inline std::string EncodeTripleKey(Permutation perm, const Triple& t) {
  const PermutedIds ids = Permute(perm, t);
  std::string key;
  key.reserve(kTripleKeySize);
  PutBigEndian64(&key, ids.a), PutBigEndian64(&key, ids.b), PutBigEndian64(&key, ids.c);
  return key;
}

// REQUIRES: key holds at least kTripleKeySize bytes.
inline Triple DecodeTripleKey(Permutation perm, const char* key) {
  return Unpermute(perm, GetBigEndian64(key), GetBigEndian64(key + 8), GetBigEndian64(key + 16));
}

// The permutation that serves a pattern, and how many leading ids of it the
// pattern binds (0..3).
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

// The key prefix of the lists a pattern reads: its first `bound` ids, at
// most two (the third is an entry of the list a·b).
inline std::string ScanPrefix(const ScanPlan& plan, const TriplePattern& p) {
  const PermutedIds ids = Permute(plan.perm, p);
  std::string prefix;
  if (plan.bound >= 1) PutBigEndian64(&prefix, ids.a);
  if (plan.bound >= 2) PutBigEndian64(&prefix, ids.b);
  return prefix;
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

}  // namespace quipu::storage
