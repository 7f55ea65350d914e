// PathMatcher: the matches of a variable-length pattern (s)-[:p*min..max]->(o)
// for one input row, resumable like PatternMatcher. It is the base of the
// path strategies in query/paths/, one file per kind of search;
// MakePathMatcher chooses one from the pattern, once:
//
//   depth_first_paths.h       trails and acyclic paths, one row per walk
//   reachable_ends.h          each reachable end once (return distinct, exists)
//   bidirectional_shortest.h  shortest and all shortest
//   dijkstra_shortest.h       shortest … by sum(r.key)
//   shortest_paths.h          what both shortest searches share (shortest cycles)
//
// The base holds what every strategy shares: the pattern and the started row,
// the hops of a node (paths::HopSource, the one place they are read), the
// count of visited states against QueryLimits::path_states (past it the
// statement stops with an error), the memory charge of what a search holds
// (visited sets, frontiers, queues, the stack of a depth-first walk, paths
// found) against the statement's budget, and the row of a path.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "query/expression.h"
#include "query/memory_budget.h"
#include "query/operators.h"
#include "query/paths/hop_source.h"

namespace quipu::query {

// The error of a shortest pattern whose ends are not both bound.
[[noreturn]] void FailUnboundShortest(const BoundPattern& pattern);

// The matcher of `pattern` (whose var is set) given the bound slots.
std::unique_ptr<Matcher> MakePathMatcher(const ExecContext* ctx, const BoundPattern& pattern,
                                         std::vector<bool> bound);

class PathMatcher : public Matcher {
 public:
  // Drops the previous row's search, then begins this row's (Begin), unless
  // a known end is null (an optional variable without a match): that row
  // matches nothing.
  void Start(const uint64_t* row) final;

 protected:
  // The ends of the started row.
  struct Ends {
    bool s_known = false, o_known = false;  // a constant or a bound slot
    uint64_t s = 0, o = 0;                  // their ids when known
  };
  // A finished path: nodes and hops in search order.
  struct Found {
    std::vector<uint64_t> nodes;
    std::vector<paths::Hop> hops;
  };

  // `backward`: the search walks from o back towards s, so the nodes of the
  // paths it emits run from o to s.
  PathMatcher(const ExecContext* ctx, const BoundPattern& pattern, std::vector<bool> bound,
              bool backward);

  // Drops what the strategy holds for the previous row; Start calls it for
  // every row, before looking at the ends.
  virtual void Reset() {}
  // Begins the search of the started row.
  virtual void Begin(const Ends& ends) = 0;

  // The hops of `node` (see HopSource::Expand).
  std::vector<paths::Hop> Expand(uint64_t node, bool backward) {
    return hops_.Expand(node, backward, row_.data());
  }
  const paths::HopSource& hops() const { return hops_; }
  bool backward() const { return backward_; }
  // One more visited state; throws past max_path_states.
  void CountState();
  // What would make the pattern visit fewer states, for the error past the
  // limit: only what the pattern lacks (a maximum length, a predicate, a
  // fixed end).
  std::string NarrowingAdvice() const;
  // Bytes of a found path, for the memory budget.
  static uint64_t FoundBytes(const std::vector<uint64_t>& nodes,
                             const std::vector<paths::Hop>& hops);
  // Appends the row of a path, nodes and hops in search order.
  void Emit(const std::vector<uint64_t>& nodes, const std::vector<paths::Hop>& hops, Chunk* out);
  // Emits found_ from found_pos_ on while `out` holds fewer than `max` rows;
  // returns whether some are left.
  bool EmitFound(Chunk* out, size_t max);

  const ExecContext* ctx_;
  BoundPattern pattern_;
  const VarLength& var_;
  const std::vector<bool> bound_;
  // Everything a search holds for the started row; cleared by Start.
  MemoryCharge search_charge_;
  // Paths found for the started row (or start), emitted in order by
  // EmitFound; cleared by Start.
  std::vector<Found> found_;
  size_t found_pos_ = 0;

 private:
  uint64_t PathId(const std::vector<uint64_t>& nodes, const std::vector<paths::Hop>& hops);

  const bool backward_;
  Evaluator eval_;
  paths::HopSource hops_;
  std::vector<uint64_t> row_;
  uint64_t states_ = 0;  // never reset: the limit covers every row the matcher starts
};

}  // namespace quipu::query
