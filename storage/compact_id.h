// A term id as a short varint, for the values of lists and annotation sets:
// the type tag to the low 4 bits and the payload above it, where the inline
// types whose payload is offset by 2^59 (integers, doubles, dates,
// datetimes) store their distance from the offset, zigzagged. So an entity
// with a small sequence number, a small integer or a date near 1970 takes
// two to four bytes instead of eight. On disk (docs/format.md): do not change.
#pragma once

#include <cstdint>
#include <string>

#include "core/coding.h"
#include "core/term_id.h"

namespace quipu::storage {

inline bool OffsetPayload(uint64_t type) {
  return type == static_cast<uint64_t>(TermType::kInt) ||
         type == static_cast<uint64_t>(TermType::kDouble) ||
         type == static_cast<uint64_t>(TermType::kDate) ||
         type == static_cast<uint64_t>(TermType::kDateTime);
}

inline void PutCompactId(std::string* out, uint64_t id) {
  const uint64_t type = id >> kTypeShift;
  uint64_t v = id & kPayloadMask;
  if (OffsetPayload(type)) {
    const int64_t from_offset = static_cast<int64_t>(v) - (int64_t{1} << 59);
    v = (static_cast<uint64_t>(from_offset) << 1) ^ static_cast<uint64_t>(from_offset >> 63);
  }
  PutVarint64(out, (v << 4) | type);
}

inline bool GetCompactId(const char** p, const char* end, uint64_t* id) {
  uint64_t encoded = 0;
  if (!GetVarint64(p, end, &encoded)) return false;
  const uint64_t type = encoded & 15;
  uint64_t v = encoded >> 4;
  if (OffsetPayload(type)) {
    const int64_t from_offset = static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
    v = static_cast<uint64_t>(from_offset + (int64_t{1} << 59));
  }
  if (v > kPayloadMask) return false;
  *id = (type << kTypeShift) | v;
  return true;
}

}  // namespace quipu::storage
