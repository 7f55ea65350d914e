// VersionedCache: what statements read whole from one store version (an
// adjacency, a predicate's facts), kept for the statements that follow on
// the same version, up to a bound on their bytes; a newer version drops
// them all.
//
// Thread-safe; a value found stays valid for its holder after the cache
// drops it. T has `uint64_t bytes() const`.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

namespace quipu::query {

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
    if (version > version_) {
      kept_.clear();
      bytes_ = 0;
      version_ = version;
    }
    const uint64_t bytes = value->bytes();
    if (bytes_ + bytes > max_bytes_ || kept_.count(key)) return;
    bytes_ += bytes;
    kept_.emplace(key, std::move(value));
  }

  uint64_t max_bytes() const { return max_bytes_; }

 private:
  std::mutex mutex_;
  const uint64_t max_bytes_;
  uint64_t version_ = 0;
  uint64_t bytes_ = 0;
  std::map<Key, std::shared_ptr<const T>> kept_;  // of version_
};

}  // namespace quipu::query
