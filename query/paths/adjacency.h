// Adjacency and AdjacencyCache: a relationship read whole as compressed
// sparse rows, for searches that only ask which nodes are one hop from
// another (ReachableEnds), and the database's copies of them kept while
// nothing is written.
//
// Kùzu keeps its relationships as CSR on disk; Quipu's lists are per node
// already (format 4) but a seek each. A search that expands thousands of
// nodes reads the relationship once into this form instead, and the next
// statement on the same store version finds it in the cache.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <tuple>
#include <vector>

#include "query/versioned_cache.h"
#include "storage/store.h"

namespace quipu::query::paths {

// The hops of every node: nodes_ sorted, node i's targets at
// targets_[offsets_[i], offsets_[i + 1]) in the order HopSource gives them.
class Adjacency {
 public:
  // A hop from `from` to `to` of rank `rank` (predicate index * 2 + side:
  // HopSource's order); any order. Hops are sorted by Finish.
  struct Edge {
    uint64_t from = 0, to = 0;
    uint32_t rank = 0;
  };

  // Builds the rows from `edges` (consumed).
  explicit Adjacency(std::vector<Edge> edges);

  // The nodes one hop from `node`, in HopSource's order; empty for none.
  std::span<const uint64_t> Next(uint64_t node) const;

  // The nodes with hops, ascending: node(i) has degree(i) of them.
  size_t nodes() const { return nodes_.size(); }
  uint64_t node(size_t i) const { return nodes_[i]; }
  uint64_t degree(size_t i) const { return offsets_[i + 1] - offsets_[i]; }

  uint64_t bytes() const {
    return nodes_.size() * sizeof(uint64_t) + offsets_.size() * sizeof(uint64_t) +
           targets_.size() * sizeof(uint64_t) + direct_.size() * sizeof(uint32_t);
  }
  // Bytes Adjacency takes for `edges` hops of at most `edges` nodes (the
  // direct index at most 2 slots of 4 bytes a node).
  static uint64_t BytesFor(uint64_t edges) { return edges * 4 * sizeof(uint64_t); }

 private:
  uint64_t first_ = 0;            // direct_[id - first_]: 1 + the row of node id, 0 for none
  std::vector<uint32_t> direct_;  // empty: binary search in nodes_
  std::vector<uint64_t> nodes_;
  std::vector<uint64_t> offsets_;  // nodes_.size() + 1
  std::vector<uint64_t> targets_;
};

// What an adjacency was read for: the predicates in order, the side the
// search walks from, and whether both sides are hops.
// `all_facts`: every fact of the predicates is a hop, literal objects and
// labels too (a pattern's bind join, ReadAdjacency); otherwise only facts
// between entities, not along rdf:type (a path search's hops, HopSource).
// `sorted`: each node's hops in id order, both ways merged (a multiway
// join intersects them), instead of forward hops before backward ones.
struct AdjacencyKey {
  std::vector<uint64_t> predicates;
  bool backward = false;
  bool undirected = false;
  bool all_facts = false;
  bool sorted = false;
  bool operator<(const AdjacencyKey& o) const {
    return std::tie(predicates, backward, undirected, all_facts, sorted) <
           std::tie(o.predicates, o.backward, o.undirected, o.all_facts, o.sorted);
  }
};

// Reads every fact of key.predicates (REQUIRES: key.all_facts) from `view`
// into the hops of the walk `key` describes: from subject to object, back,
// or both ways (a self-loop once), forward hops before backward ones.
Result<std::shared_ptr<const Adjacency>> ReadAdjacency(storage::ReadView* view,
                                                       const AdjacencyKey& key);

// The adjacencies of one store version (query/versioned_cache.h), 1 GiB
// of them at most.
class AdjacencyCache final : public VersionedCache<AdjacencyKey, Adjacency> {
 public:
  explicit AdjacencyCache(uint64_t max_bytes = uint64_t{1} << 30) : VersionedCache(max_bytes) {}
};

}  // namespace quipu::query::paths
