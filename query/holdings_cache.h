// HoldingsCache: the holdings (owns facts and their shares) that one
// database's statements have read, kept for the next statements while
// nothing is written.
//
// Validity: every statement that writes calls BeginWrite before it runs and
// EndWrite after it has committed (or failed). A reading statement calls
// Observe before it opens its snapshot and Stable after: when no write was
// under way at either point and none ended in between, its snapshot holds
// exactly the data of that generation, and it may use what the cache read
// for the same generation. Another process cannot change what this
// database's snapshots see (a second process opens the store read-only,
// on a fixed view), so writes through this Database are all there is.
//
// Thread-safety: all methods may be called from any thread. One statement
// at a time holds the cached graph; a statement that finds it held reads
// on its own.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "query/ownership_store.h"

namespace quipu::query {

class HoldingsCache {
 public:
  static constexpr uint64_t kUnstable = UINT64_MAX;

  void BeginWrite() {
    writing_.fetch_add(1);
    generation_.fetch_add(1);
  }
  void EndWrite() {
    generation_.fetch_add(1);
    writing_.fetch_sub(1);
  }

  // Before the statement opens its snapshot: the generation, or kUnstable.
  uint64_t Observe() const {
    const uint64_t g = generation_.load();
    return writing_.load() == 0 ? g : kUnstable;
  }
  // After it has opened it: true when the snapshot is of generation `observed`.
  bool Stable(uint64_t observed) const {
    return observed != kUnstable && writing_.load() == 0 && generation_.load() == observed;
  }

  // The cached graph for a statement reading `view` (of `generation`),
  // while *lock holds it; null when another statement holds it.
  // A thread may hold it more than once (two evaluators of one statement):
  // it uses one graph from one thread at a time either way.
  StoreHoldingGraph* Acquire(uint64_t generation, storage::ReadView* view, const ExecContext* ctx,
                             std::unique_lock<std::recursive_mutex>* lock);

 private:
  std::atomic<uint64_t> writing_{0};
  std::atomic<uint64_t> generation_{0};
  std::recursive_mutex mu_;
  uint64_t cached_generation_ = kUnstable;    // guarded by mu_
  std::unique_ptr<StoreHoldingGraph> graph_;  // guarded by mu_
};

}  // namespace quipu::query
