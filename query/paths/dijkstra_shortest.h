// DijkstraShortest: `shortest … by sum(r.key)` and `all shortest … by
// sum(r.key)` between two known, different ends (shortest_paths.h has the
// rest of the contract); each hop costs its fact's `key` annotation
// (HopSource fails the statement on a missing, non-numeric or negative one).
//
// Dijkstra's algorithm from s; entries of equal cost pop in the order they
// were found, so the answer is deterministic. Without a maximum length a
// state is a node; with one it is (node, hops taken), as a cheaper path may
// take more hops. o is reached only at a path's end, never passed through,
// and going back to s is never cheaper. Each state popped and each node of a
// path traced back from o is one state; the queue, the best costs and the
// parents are charged, and so is each path found.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "query/paths/shortest_paths.h"

namespace quipu::query::paths {

class DijkstraShortest final : public ShortestPaths {
 public:
  DijkstraShortest(const ExecContext* ctx, const BoundPattern& pattern, std::vector<bool> bound);
  std::string Describe() const override;

 private:
  // A search state: a node, and the hops taken when a maximum bounds them.
  struct StateKey {
    uint64_t node = 0;
    uint32_t hops = 0;
    bool operator==(const StateKey&) const = default;
  };
  struct StateKeyHash {
    size_t operator()(const StateKey& k) const { return k.node * 0x9e3779b97f4a7c15ULL + k.hops; }
  };
  // A step that reaches a state on a cheapest path.
  struct Parent {
    StateKey from;
    Hop hop;
  };

  void Between(uint64_t s, uint64_t o) override;
  // Appends to found_ the paths from s to `key` by parents_, followed by
  // `hops` and `nodes` (collected from o back towards `key`).
  void Backtrack(const StateKey& key, uint64_t s, std::vector<uint64_t>* nodes,
                 std::vector<Hop>* hops);

  // Per state, the steps that reach it on a cheapest path; and those that
  // reach o.
  std::unordered_map<StateKey, std::vector<Parent>, StateKeyHash> parents_;
  std::vector<Parent> target_parents_;
};

}  // namespace quipu::query::paths
