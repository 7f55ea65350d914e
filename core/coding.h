// Fixed-width big-endian integers: every key of the store and the
// dictionary bytes of big numbers. Big-endian so that byte order is numeric
// order (RocksDB compares keys bytewise).
#pragma once

#include <cstdint>
#include <string>

namespace quipu {

inline void PutBigEndian64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

// REQUIRES: p points at 8 readable bytes.
inline uint64_t GetBigEndian64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

}  // namespace quipu
