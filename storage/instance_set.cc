#include "storage/instance_set.h"

#include <algorithm>

#include "core/coding.h"
#include "storage/compact_id.h"

namespace quipu::storage {

std::string AnnotationSetKey(const Triple& t) {
  std::string key;
  key.reserve(kAnnotationSetKeySize);
  PutBigEndian64(&key, t.p);
  PutBigEndian64(&key, t.o);
  PutBigEndian64(&key, t.s);
  return key;
}

void EncodeAnnotationSetKey(const Triple& t, char (&key)[kAnnotationSetKeySize]) {
  EncodeBigEndian64(key, t.p);
  EncodeBigEndian64(key + 8, t.o);
  EncodeBigEndian64(key + 16, t.s);
}

std::string EncodeInstanceSet(const std::vector<FactInstance>& instances) {
  std::string out;
  PutVarint64(&out, instances.size());
  for (const FactInstance& instance : instances) {
    PutVarint64(&out, instance.annotations.size());
    for (const auto& [key, value] : instance.annotations) {
      PutCompactId(&out, key);
      PutCompactId(&out, value);
    }
  }
  return out;
}

bool DecodeInstanceSet(std::string_view value, std::vector<FactInstance>* out) {
  const char* p = value.data();
  const char* end = p + value.size();
  uint64_t n = 0;
  if (!GetVarint64(&p, end, &n) || n == 0 || n > value.size()) {
    out->clear();
    return false;
  }
  if (out->size() > n) out->resize(n);
  for (uint64_t i = 0; i < n; ++i) {
    if (i == out->size()) out->emplace_back();
    FactInstance& instance = (*out)[i];
    instance.annotations.clear();
    uint64_t pairs = 0;
    if (!GetVarint64(&p, end, &pairs) || pairs > value.size()) return false;
    for (uint64_t k = 0; k < pairs; ++k) {
      uint64_t key = 0, id = 0;
      if (!GetCompactId(&p, end, &key) || !GetCompactId(&p, end, &id)) return false;
      if (!instance.annotations.empty() && instance.annotations.back().first >= key) return false;
      instance.annotations.emplace_back(key, id);
    }
    instance.hash = AnnotationsHash(instance.annotations);
    if (i > 0 && (*out)[i - 1].hash >= instance.hash) return false;
  }
  return p == end;
}

bool AddInstance(FactInstance instance, std::vector<FactInstance>* set) {
  auto at = std::lower_bound(set->begin(), set->end(), instance.hash,
                             [](const FactInstance& in, uint64_t hash) { return in.hash < hash; });
  if (at != set->end() && at->hash == instance.hash) return false;
  set->insert(at, std::move(instance));
  return true;
}

}  // namespace quipu::storage
