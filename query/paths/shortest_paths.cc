#include "query/paths/shortest_paths.h"

#include <functional>
#include <limits>

namespace quipu::query::paths {

ShortestPaths::ShortestPaths(const ExecContext* ctx, const BoundPattern& pattern,
                             std::vector<bool> bound)
    : PathMatcher(ctx, pattern, std::move(bound), /*backward=*/false) {}

void ShortestPaths::Begin(const Ends& ends) {
  if (!ends.s_known || !ends.o_known) {
    FailUnboundShortest(pattern_);
  }
  const uint64_t s = ends.s, o = ends.o;
  if (s == o && var_.min_hops == 0) {
    found_.push_back(Found{{s}, {}});
    return;
  }
  if (s == o) {
    Cycles(s);
    return;
  }
  Between(s, o);
}

bool ShortestPaths::Fill(Chunk* out, size_t max) { return EmitFound(out, max); }

void ShortestPaths::Cycles(uint64_t s) {
  double best = std::numeric_limits<double>::infinity();
  std::vector<uint64_t> nodes{s};
  std::vector<Hop> hops;
  std::function<void(uint64_t, double)> walk = [&](uint64_t node, double cost) {
    if (hops.size() >= var_.max_hops) return;
    for (Hop& hop : Expand(node, /*backward=*/false)) {
      bool reused = false;
      for (const Hop& used : hops) reused = reused || used.fact == hop.fact;
      if (reused) continue;
      const double next_cost = cost + (var_.weighted ? hop.cost : 1.0);
      if (next_cost > best || (next_cost == best && !all())) continue;
      CountState();
      const uint64_t next = hop.next;
      nodes.push_back(next);
      hops.push_back(std::move(hop));
      if (next == s) {
        if (next_cost < best) found_.clear();
        best = next_cost;
        search_charge_.Add(FoundBytes(nodes, hops));
        found_.push_back(Found{nodes, hops});
      } else {
        walk(next, next_cost);
      }
      hops.pop_back();
      nodes.pop_back();
    }
  };
  walk(s, 0);
}

}  // namespace quipu::query::paths
