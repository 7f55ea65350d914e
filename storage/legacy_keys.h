// The instance keys of formats 1 to 3, one per instance (32 bytes), beside
// their one key per fact per permutation (EncodeTripleKey). Format 4 stores
// lists and annotation sets instead (fact_list.h, instance_set.h); the
// upgrade reads these, and the tests write them to make databases of the
// older formats.
#pragma once

#include <cstdint>
#include <string>

#include "storage/key_codec.h"

namespace quipu::storage {

inline constexpr size_t kInstanceKeySize = 32;

// Format 3 kept the instances in pos order (formats 1 and 2: spo), each
// under its triple's key and its annotations' hash.
inline constexpr Permutation kInstanceOrder = Permutation::kPos;

inline std::string EncodeInstanceKey(const Triple& t, uint64_t hash) {
  std::string key = EncodeTripleKey(kInstanceOrder, t);
  PutBigEndian64(&key, hash);
  return key;
}

// Format 3's annotation value: n × (key id, value id), 8 bytes each.
std::string EncodeLegacyAnnotations(const Annotations& annotations);
bool DecodeLegacyAnnotations(const char* data, size_t size, Annotations* out);

}  // namespace quipu::storage
