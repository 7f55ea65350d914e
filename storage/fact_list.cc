#include "storage/fact_list.h"

#include <algorithm>

#include "core/coding.h"
#include "storage/compact_id.h"

namespace quipu::storage {

void EncodeChunk(const ListEntries& entries, size_t begin, size_t end, std::string* out) {
  bool any = false;
  for (size_t i = begin; i < end && !any; ++i) any = entries.annotated[i] != 0;
  PutVarint64(out, (static_cast<uint64_t>(end - begin) << 1) | (any ? 1 : 0));
  PutCompactId(out, entries.ids[begin]);
  for (size_t i = begin + 1; i < end; ++i) PutVarint64(out, entries.ids[i] - entries.ids[i - 1]);
  if (!any) return;
  std::string bitmap((end - begin + 7) / 8, '\0');
  for (size_t i = 0; i < end - begin; ++i) {
    if (entries.annotated[begin + i] != 0) bitmap[i / 8] |= static_cast<char>(1u << (i % 8));
  }
  out->append(bitmap);
}

bool ChunkEntries(std::string_view value, uint64_t* n) {
  const char* p = value.data();
  uint64_t header = 0;
  if (!GetVarint64(&p, p + value.size(), &header)) return false;
  *n = header >> 1;
  return *n != 0 && *n <= kMaxChunkEntries;
}

bool DecodeChunk(std::string_view value, ListEntries* out) {
  const char* p = value.data();
  const char* end = p + value.size();
  uint64_t header = 0, id = 0;
  if (!GetVarint64(&p, end, &header) || !GetCompactId(&p, end, &id)) return false;
  const uint64_t n = header >> 1;
  const bool any = (header & 1) != 0;
  if (n == 0 || n > kMaxChunkEntries) return false;
  const size_t base = out->ids.size();
  out->ids.reserve(base + n);
  out->ids.push_back(id);
  for (uint64_t i = 1; i < n; ++i) {
    uint64_t delta = 0;
    if (!GetVarint64(&p, end, &delta) || delta == 0 || id + delta < id) return false;
    id += delta;
    out->ids.push_back(id);
  }
  if (!any) {
    out->annotated.resize(base + n, 0);
    return p == end;
  }
  if (static_cast<size_t>(end - p) != (n + 7) / 8) return false;
  out->annotated.reserve(base + n);
  for (uint64_t i = 0; i < n; ++i) {
    out->annotated.push_back((static_cast<unsigned char>(p[i / 8]) >> (i % 8)) & 1);
  }
  return true;
}

std::string ListKey(uint64_t a, uint64_t b) {
  std::string key;
  key.reserve(kChunkKeySize);
  PutBigEndian64(&key, a);
  PutBigEndian64(&key, b);
  return key;
}

std::string ChunkKey(uint64_t a, uint64_t b, uint64_t k) {
  std::string key = ListKey(a, b);
  PutBigEndian64(&key, k);
  return key;
}

ChunkSpans ChunkLayout(uint64_t a, uint64_t b, const ListEntries& list) {
  ChunkSpans spans;
  for (size_t begin = 0; begin < list.size(); begin += kMaxChunkEntries) {
    ChunkSpan& span = spans.emplace_back();
    span.begin = begin;
    span.end = std::min(list.size(), begin + kMaxChunkEntries);
    EncodeBigEndian64(span.key_bytes, a);
    EncodeBigEndian64(span.key_bytes + 8, b);
    span.key_size = kListKeySize;
    if (begin > 0) {
      EncodeBigEndian64(span.key_bytes + kListKeySize, list.ids[begin]);
      span.key_size = kChunkKeySize;
    }
  }
  return spans;
}

}  // namespace quipu::storage
