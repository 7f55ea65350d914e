#include "query/paths/start_nodes.h"

#include <algorithm>

namespace quipu::query::paths {

bool WalksBackward(const BoundPattern& pattern, const std::vector<bool>& bound) {
  auto known = [&](const Ref& r) { return !r.is_slot || bound[r.slot]; };
  return !known(pattern.s) && known(pattern.o);
}

StartNodes::StartNodes(const ExecContext* ctx, const BoundPattern& pattern,
                       const std::vector<bool>& bound, const HopSource& hops)
    : ctx_(ctx),
      pattern_(pattern),
      hops_(hops),
      same_slot_(pattern.s.is_slot && pattern.o.is_slot && pattern.s.slot == pattern.o.slot &&
                 !bound[pattern.s.slot]),
      charge_(ctx->env->memory, "path expansion in " + pattern.label, "start nodes", "node") {}

void StartNodes::Clear() {
  charge_.Clear();
  starts_.clear();
  pos_ = 0;
}

void StartNodes::Begin(bool s_known, uint64_t s, bool o_known, uint64_t o) {
  if (!s_known && o_known) {
    starts_.push_back(o);
    target_ = 0;
  } else {
    target_ = o_known ? o : 0;
    if (s_known) {
      starts_.push_back(s);
    } else {
      Collect();
    }
  }
}

bool StartNodes::Next(uint64_t* start, uint64_t* target) {
  if (pos_ >= starts_.size()) return false;
  *start = starts_[pos_++];
  if (same_slot_) target_ = *start;
  *target = target_;
  return true;
}

void StartNodes::Collect() {
  // Every node with a hop to take: a subject of p (or, undirected, an end).
  if (pattern_.var->predicate_absent) return;
  for (uint64_t p : hops_.predicates()) {
    hops_.ScanFacts(p, [&](const storage::Triple& t) {
      charge_.Add(sizeof(uint64_t));
      starts_.push_back(t.s);
      if (pattern_.undirected) {
        charge_.Add(sizeof(uint64_t));
        starts_.push_back(t.o);
      }
    });
  }
  std::sort(starts_.begin(), starts_.end());
  starts_.erase(std::unique(starts_.begin(), starts_.end()), starts_.end());
}

}  // namespace quipu::query::paths
