// BidirectionalShortest: `shortest` and `all shortest` between two known,
// different ends without costs (shortest_paths.h has the rest of the
// contract).
//
// Breadth-first from both ends, a whole level at a time, always on the side
// with the smaller frontier (the side from o walks back, its hops still
// oriented s → o); the first level that reaches a node the other side has
// seen fixes the length. Each shortest path has exactly one node at the
// forward distance of that level, so joining the halves at those nodes lists
// every shortest path once; `shortest` keeps the first. Each hop seen and
// each node of a half path is one state; depths, parents and frontiers are
// charged, and so is each path found.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "query/paths/shortest_paths.h"

namespace quipu::query::paths {

class BidirectionalShortest final : public ShortestPaths {
 public:
  BidirectionalShortest(const ExecContext* ctx, const BoundPattern& pattern,
                        std::vector<bool> bound);
  std::string Describe() const override;

 private:
  void Between(uint64_t s, uint64_t o) override;
};

}  // namespace quipu::query::paths
