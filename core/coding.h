// Integers as bytes. Fixed-width big-endian for every key of the store and
// the dictionary bytes of big numbers, so that byte order is numeric order
// (RocksDB compares keys bytewise); varints (7 bits a byte, least
// significant first, as LevelDB's coding.h) inside values.
#pragma once

#include <cstdint>
#include <string>

namespace quipu {

inline void PutBigEndian64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

// REQUIRES: p points at 8 writable bytes.
inline void EncodeBigEndian64(char* p, uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) p[i] = static_cast<char>(v);
}

// REQUIRES: p points at 8 readable bytes.
inline uint64_t GetBigEndian64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

inline void PutVarint64(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Reads a varint at *p (advancing it), not past `end`; false when the bytes
// end first or it runs past 64 bits.
inline bool GetVarint64(const char** p, const char* end, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && *p < end; shift += 7) {
    const uint64_t byte = static_cast<unsigned char>(**p);
    ++*p;
    if (shift == 63 && byte > 1) return false;
    result |= (byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

}  // namespace quipu
