// VersionedCache: what statements read whole from one store version (an
// adjacency, a predicate's facts), kept for the statements that follow on
// the same version, up to a bound on their bytes; a newer version drops
// them all. It also sums the probes that statements of the version made of
// a key they did not find kept (ProbesBeforeReadingWhole), so statements that
// each probe too little to read a key whole still read it once their seeks
// together cost as much: rent or buy, never more than twice the better
// choice made in hindsight.
//
// Thread-safe; a value found stays valid for its holder after the cache
// drops it. T has `uint64_t bytes() const`.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

namespace quipu::query {

// A seek into the index costs about as much as reading kSeekInNexts keys in
// order (RocksDB at 1M facts: ~15 us against ~0.25 us). So an operator that
// probes a predicate reads it whole, into what these caches keep, once its
// probes of a predicate with `facts` facts reach ProbesBeforeReadingWhole.
inline constexpr uint64_t kSeekInNexts = 64;
inline uint64_t ProbesBeforeReadingWhole(uint64_t facts, uint64_t at_least = kSeekInNexts) {
  return facts / kSeekInNexts > at_least ? facts / kSeekInNexts : at_least;
}

template <typename Key, typename T>
class VersionedCache {
 public:
  explicit VersionedCache(uint64_t max_bytes) : max_bytes_(max_bytes) {}

  std::shared_ptr<const T> Find(const Key& key, uint64_t version) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (version != version_) return nullptr;
    auto it = kept_.find(key);
    return it == kept_.end() ? nullptr : it->second;
  }

  // Keeps `value` for `version` unless it would pass the bound or an older
  // version is asked for.
  void Put(const Key& key, uint64_t version, std::shared_ptr<const T> value) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (version < version_) return;
    if (version > version_) Advance(version);
    const uint64_t bytes = value->bytes();
    if (bytes_ + bytes > max_bytes_ || kept_.count(key)) return;
    bytes_ += bytes;
    kept_.emplace(key, std::move(value));
  }

  // The probes of `key` that earlier statements of `version` reported.
  uint64_t Probes(const Key& key, uint64_t version) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (version != version_) return 0;
    auto it = probes_.find(key);
    return it == probes_.end() ? 0 : it->second;
  }

  // Adds `n` probes of `key` made by a statement of `version`.
  void AddProbes(const Key& key, uint64_t version, uint64_t n) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (version < version_) return;
    if (version > version_) Advance(version);
    probes_[key] += n;
  }

  uint64_t max_bytes() const { return max_bytes_; }

 private:
  void Advance(uint64_t version) {  // REQUIRES: mutex_ held
    kept_.clear();
    probes_.clear();
    bytes_ = 0;
    version_ = version;
  }

  std::mutex mutex_;
  const uint64_t max_bytes_;
  uint64_t version_ = 0;
  uint64_t bytes_ = 0;
  std::map<Key, std::shared_ptr<const T>> kept_;  // of version_
  std::map<Key, uint64_t> probes_;                // of version_
};

}  // namespace quipu::query
