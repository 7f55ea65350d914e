#include "query/paths/adjacency.h"

#include <algorithm>

namespace quipu::query::paths {

Adjacency::Adjacency(std::vector<Edge> edges) {
  std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) {
    return std::tie(a.from, a.rank, a.to) < std::tie(b.from, b.rank, b.to);
  });
  targets_.reserve(edges.size());
  for (size_t i = 0; i < edges.size(); ++i) {
    if (i == 0 || edges[i].from != edges[i - 1].from) {
      nodes_.push_back(edges[i].from);
      offsets_.push_back(targets_.size());
    }
    targets_.push_back(edges[i].to);
  }
  offsets_.push_back(targets_.size());
  // Ids are given out in sequence, so a relationship's nodes are often most
  // of a range: then a node's row is found by its offset in the range, not
  // by a binary search (a cache miss a step over 100k nodes).
  if (!nodes_.empty() && nodes_.back() - nodes_.front() < 2 * nodes_.size() + 64) {
    first_ = nodes_.front();
    direct_.assign(nodes_.back() - first_ + 1, 0);
    for (size_t i = 0; i < nodes_.size(); ++i) direct_[nodes_[i] - first_] = i + 1;
  }
}

std::span<const uint64_t> Adjacency::Next(uint64_t node) const {
  size_t i = 0;
  if (!direct_.empty()) {
    if (node < first_ || node - first_ >= direct_.size() || direct_[node - first_] == 0) return {};
    i = direct_[node - first_] - 1;
  } else {
    auto it = std::lower_bound(nodes_.begin(), nodes_.end(), node);
    if (it == nodes_.end() || *it != node) return {};
    i = static_cast<size_t>(it - nodes_.begin());
  }
  return {targets_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]};
}

Result<std::shared_ptr<const Adjacency>> ReadAdjacency(storage::ReadView* view,
                                                       const AdjacencyKey& key) {
  std::vector<Adjacency::Edge> edges;
  std::vector<storage::Triple> batch;
  const bool forward = !key.backward || key.undirected;
  const bool back = key.backward || key.undirected;
  for (const uint64_t p : key.predicates) {
    std::unique_ptr<storage::TripleCursor> cursor = view->Scan({0, p, 0});
    for (;;) {
      batch.clear();
      if (cursor->Next(&batch, 2048) == 0) break;
      for (const storage::Triple& t : batch) {
        if (forward) edges.push_back(Adjacency::Edge{t.s, t.o, 0});
        if (back && !(key.undirected && t.s == t.o)) {
          edges.push_back(Adjacency::Edge{t.o, t.s, key.undirected && !key.sorted ? 1u : 0u});
        }
      }
    }
    if (!cursor->status().ok()) return cursor->status();
  }
  return std::make_shared<const Adjacency>(std::move(edges));
}

}  // namespace quipu::query::paths
