// TermCache: decoded dictionary terms shared by the statements of one
// database, so warm queries turn ids into values without a RocksDB read.
//
// Only committed terms may enter: an id interned by a statement that then
// fails is given again to another term, so statements that read their own
// uncommitted writes (set, through a WriteTxn) must not fill this cache.
// Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <unordered_map>

#include "quipu/value.h"

namespace quipu::query {

class TermCache {
 public:
  explicit TermCache(size_t capacity = size_t{1} << 20) : capacity_(capacity) {}

  bool Lookup(uint64_t id, Value* out) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = map_.find(id);
    if (it == map_.end()) return false;
    *out = it->second;
    return true;
  }

  void Insert(uint64_t id, const Value& value) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (map_.size() >= capacity_) map_.clear();  // crude, but bounded
    map_.emplace(id, value);
  }

 private:
  const size_t capacity_;
  std::mutex mutex_;
  std::unordered_map<uint64_t, Value> map_;
};

}  // namespace quipu::query
