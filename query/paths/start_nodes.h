// StartNodes: where the walks of a depth-first or reachable-ends search
// begin for one row, and the node each walk must end at.
//
// Walks start from s when it is known, from o (walking back towards s) when
// only o is, and otherwise from every node that has a hop to take: each
// subject of the pattern's predicates (undirected: each end), sorted, once.
// (a)-[*]->(a) with a unbound starts everywhere and must come back.
#pragma once

#include <cstdint>
#include <vector>

#include "query/memory_budget.h"
#include "query/operators.h"
#include "query/paths/hop_source.h"

namespace quipu::query::paths {

// Whether walks go from o back towards s: only o is known (a constant or a
// slot bound before the pattern). The same for every row.
bool WalksBackward(const BoundPattern& pattern, const std::vector<bool>& bound);

class StartNodes {
 public:
  // `pattern`, `bound` and `hops` must outlive the object.
  StartNodes(const ExecContext* ctx, const BoundPattern& pattern, const std::vector<bool>& bound,
             const HopSource& hops);

  // Drops the row's start nodes and their memory charge.
  void Clear();
  // The starts of a row whose known ends are not null.
  void Begin(bool s_known, uint64_t s, bool o_known, uint64_t o);
  // The next start and the node its walks must end at (0: any); false once
  // every start has been taken.
  bool Next(uint64_t* start, uint64_t* target);

 private:
  // Every node with a hop to take; charged, as the list may be long.
  void Collect();

  const ExecContext* ctx_;
  const BoundPattern& pattern_;
  const HopSource& hops_;
  const bool same_slot_;  // (a)-[*]->(a): every walk must come back to its start
  uint64_t target_ = 0;   // the other end when known, else 0
  std::vector<uint64_t> starts_;
  size_t pos_ = 0;
  MemoryCharge charge_;
};

}  // namespace quipu::query::paths
