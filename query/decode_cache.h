// DecodeCache and PropertyCache: an evaluator's decoded dictionary terms
// and the property reads of its rows, direct-mapped: a
// fixed number of places, each id in the one place its hash picks, a newer
// id replacing an older one there. A hash map grown without bound rehashed
// all of it again and again on queries that decode many distinct terms (a
// name per row); this one never moves an entry and holds at most
// kPlaces values. Warm terms beyond it come from the shared TermCache.
#pragma once

#include <cstdint>
#include <memory>

#include "quipu/value.h"

namespace quipu::query {

class DecodeCache {
 public:
  static constexpr int kBits = 10;
  static constexpr size_t kPlaces = size_t{1} << kBits;

  // The value of `id`, or null when it is not held. REQUIRES: id != 0.
  const Value* Find(uint64_t id) const {
    if (places_ == nullptr) return nullptr;
    const Place& p = places_[PlaceOf(id)];
    return p.id == id ? &p.value : nullptr;
  }

  // Holds `value` as id's and returns it. REQUIRES: id != 0.
  const Value& Put(uint64_t id, Value value) {
    if (places_ == nullptr) places_ = std::make_unique<Place[]>(kPlaces);  // at first use
    Place& p = places_[PlaceOf(id)];
    p.id = id;
    p.value = std::move(value);
    return p.value;
  }

 private:
  struct Place {
    uint64_t id = 0;  // 0: empty
    Value value;
  };
  static size_t PlaceOf(uint64_t id) {
    // Fibonacci hashing: dictionary ids of one type differ in their low bits.
    return static_cast<size_t>((id * 0x9e3779b97f4a7c15ULL) >> (64 - kBits));
  }
  std::unique_ptr<Place[]> places_;
};

// The properties an evaluator has read, (subject, key) → object id (0 for
// none): rows repeat their nodes (a 2-hop reaches one person by many
// paths), and a read is a store lookup. Valid while what the evaluator
// reads does not change: one snapshot, or a write statement's match before
// its writes.
class PropertyCache {
 public:
  static constexpr int kBits = 12;
  static constexpr size_t kPlaces = size_t{1} << kBits;

  // True with *object set when (subject, key) is held. REQUIRES: subject != 0.
  bool Find(uint64_t subject, uint64_t key, uint64_t* object) const {
    if (places_ == nullptr) return false;
    const Place& p = places_[PlaceOf(subject, key)];
    if (p.subject != subject || p.key != key) return false;
    *object = p.object;
    return true;
  }

  // REQUIRES: subject != 0.
  void Put(uint64_t subject, uint64_t key, uint64_t object) {
    if (places_ == nullptr) places_ = std::make_unique<Place[]>(kPlaces);  // at first use
    places_[PlaceOf(subject, key)] = {subject, key, object};
  }

 private:
  struct Place {
    uint64_t subject = 0, key = 0, object = 0;  // subject 0: empty
  };
  static size_t PlaceOf(uint64_t subject, uint64_t key) {
    return static_cast<size_t>(((subject ^ (key << 7)) * 0x9e3779b97f4a7c15ULL) >> (64 - kBits));
  }
  std::unique_ptr<Place[]> places_;
};

}  // namespace quipu::query
