#include "query/holdings_cache.h"

namespace quipu::query {

StoreHoldingGraph* HoldingsCache::Acquire(uint64_t generation, storage::ReadView* view,
                                          const ExecContext* ctx,
                                          std::unique_lock<std::recursive_mutex>* lock) {
  *lock = std::unique_lock<std::recursive_mutex>(mu_, std::try_to_lock);
  if (!lock->owns_lock()) return nullptr;
  if (graph_ == nullptr || cached_generation_ != generation) {
    graph_ = std::make_unique<StoreHoldingGraph>(view, ctx);
    cached_generation_ = generation;
  } else {
    graph_->Rebind(view, ctx);
  }
  return graph_.get();
}

}  // namespace quipu::query
