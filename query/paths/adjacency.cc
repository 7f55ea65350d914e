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
}

std::span<const uint64_t> Adjacency::Next(uint64_t node) const {
  auto it = std::lower_bound(nodes_.begin(), nodes_.end(), node);
  if (it == nodes_.end() || *it != node) return {};
  const size_t i = static_cast<size_t>(it - nodes_.begin());
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
          edges.push_back(Adjacency::Edge{t.o, t.s, key.undirected ? 1u : 0u});
        }
      }
    }
    if (!cursor->status().ok()) return cursor->status();
  }
  return std::make_shared<const Adjacency>(std::move(edges));
}

}  // namespace quipu::query::paths
