// ReachableEnds: each end reachable through a variable-length pattern
// (s)-[:p*min..max]->(o), once per start node, for patterns where only which
// ends are reachable matters (VarLength::ends_only: return distinct, exists,
// no path read; min is at most 1).
//
// Breadth-first from each start node (start_nodes.h), a level at a time up
// to max hops, each node visited once; every node reached (or, with a known
// other end, just that one) becomes a row, in the order first reached, after
// the start itself when min is 0 or a walk comes back to it. Each hop seen is
// one state. The visited set, frontier and ends of one start are charged
// until the next start.
//
// Expansion goes through the index (HopSource) node by node; once it has
// cost about one scan of the relationship, and when hops read no
// annotations, the relationship is read whole into an Adjacency
// (paths/adjacency.h) ordered as HopSource orders a node's hops, so the
// answer is the same. It is optional state: without room in the memory
// budget the search goes on through the index. It is kept for the matcher's
// life (one view), and in the database's AdjacencyCache for the next
// statements of the same store version, which use it from their first hop.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "query/memory_budget.h"
#include "query/path_matcher.h"
#include "query/paths/adjacency.h"
#include "query/paths/start_nodes.h"

namespace quipu::query::paths {

class ReachableEnds final : public PathMatcher {
 public:
  ReachableEnds(const ExecContext* ctx, const BoundPattern& pattern, std::vector<bool> bound);
  bool Fill(Chunk* out, size_t max) override;
  std::string Describe() const override;

 private:
  void Reset() override;
  void Begin(const Ends& ends) override;
  // Fills found_ with the ends reachable from `start` (all when `target` is
  // 0, else `target` alone).
  void Reach(uint64_t start, uint64_t target);
  // Appends the nodes one hop from `node`: through the index while the
  // search is small, from adjacency_ once it has grown.
  void NextNodes(uint64_t node, std::vector<uint64_t>* out);
  // Whether the relationship may be read whole: named predicates, no
  // annotations to read.
  bool CanUseAdjacency() const;
  AdjacencyKey KeyOfAdjacency() const;
  void BuildAdjacency();

  StartNodes starts_;
  std::shared_ptr<const Adjacency> adjacency_;  // null until read or found
  bool cache_asked_ = false;
  uint64_t expansions_ = 0;           // through the index
  uint64_t adjacency_threshold_ = 0;  // expansions that trigger the scan; 0: unset
  uint64_t adjacency_facts_ = 0;      // the predicates' facts, by the statistics
  MemoryCharge adjacency_charge_;
};

}  // namespace quipu::query::paths
