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

}  // namespace quipu::query::paths
