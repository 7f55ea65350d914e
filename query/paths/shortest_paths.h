// ShortestPaths: what the two searches for `shortest` and `all shortest`
// share (bidirectional_shortest.h without costs, dijkstra_shortest.h with
// `by sum(r.key)`), and the case where both ends are the same node.
//
// Contract: both ends must be known (else the statement fails with
// FailUnboundShortest's error). The search runs whole when the row starts
// (Start); its paths are held in found_ and Fill emits them, nodes in s → o
// order. `shortest` gives one path, `all shortest` every path of the least
// length (or cost). With s = o the answer is the zero-length path when min
// is 0, else the shortest cycles through s: the shortest trails from s back
// to s, by a depth-first search pruned by the cheapest cycle found so far
// (a breadth-first search visits each node once and cannot see a cycle that
// leaves and returns by different facts).
#pragma once

#include <cstdint>
#include <vector>

#include "query/path_matcher.h"

namespace quipu::query::paths {

class ShortestPaths : public PathMatcher {
 public:
  bool Fill(Chunk* out, size_t max) final;

 protected:
  ShortestPaths(const ExecContext* ctx, const BoundPattern& pattern, std::vector<bool> bound);

  // All shortest: every path of the least length, not just one.
  bool all() const { return var_.mode == VarLength::Mode::kAllShortest; }
  // Fills found_ with one or every shortest path from s to o, s != o.
  virtual void Between(uint64_t s, uint64_t o) = 0;

 private:
  void Begin(const Ends& ends) final;
  // Fills found_ with one or every shortest cycle through s.
  void Cycles(uint64_t s);
};

}  // namespace quipu::query::paths
