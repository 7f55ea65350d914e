#include "query/paths/reachable_ends.h"

#include <algorithm>
#include <tuple>
#include <unordered_set>

namespace quipu::query::paths {

ReachableEnds::ReachableEnds(const ExecContext* ctx, const BoundPattern& pattern,
                             std::vector<bool> bound)
    : PathMatcher(ctx, pattern, bound, WalksBackward(pattern, bound)),
      starts_(ctx, pattern_, bound_, hops()),
      adjacency_charge_(ctx->env->memory, "path expansion in " + pattern.label, "adjacency",
                        "hop") {}

std::string ReachableEnds::Describe() const {
  return pattern_.label + " reachable ends, breadth-first";
}

void ReachableEnds::Reset() { starts_.Clear(); }

void ReachableEnds::Begin(const Ends& ends) {
  starts_.Begin(ends.s_known, ends.s, ends.o_known, ends.o);
}

bool ReachableEnds::Fill(Chunk* out, size_t max) {
  for (;;) {
    EmitFound(out, max);
    if (out->rows() >= max) return true;
    uint64_t start = 0, target = 0;
    if (!starts_.Next(&start, &target)) return false;
    found_.clear();
    found_pos_ = 0;
    Reach(start, target);
  }
}

// Every node reachable from `start` within min..max hops (min <= 1), once,
// breadth-first; the start itself when min is 0 or a walk comes back to it.
void ReachableEnds::Reach(uint64_t start, uint64_t target) {
  search_charge_.Clear();  // the previous start's set and paths are gone
  std::unordered_set<uint64_t> seen{start};
  std::vector<uint64_t> frontier{start};
  bool start_again = false;
  for (uint32_t depth = 0; depth < var_.max_hops && !frontier.empty(); ++depth) {
    std::vector<uint64_t> next;
    std::vector<uint64_t> step;
    for (uint64_t node : frontier) {
      step.clear();
      NextNodes(node, &step);
      for (uint64_t to : step) {
        CountState();
        if (to == start) start_again = true;
        if (seen.insert(to).second) {
          // The set's node, the frontier's entry and, at most, a found path.
          search_charge_.Add(kHashNodeBytes + 2 * sizeof(uint64_t) + sizeof(Found) +
                             2 * sizeof(uint64_t));
          next.push_back(to);
        }
      }
    }
    for (uint64_t node : next) {
      if (target == 0 || node == target) found_.push_back(Found{{start, node}, {}});
    }
    frontier = std::move(next);
  }
  if ((var_.min_hops == 0 || start_again) && (target == 0 || target == start)) {
    found_.insert(found_.begin(), Found{{start, start}, {}});
  }
}

bool ReachableEnds::CanUseAdjacency() const {
  if (hops().reads_annotations() || var_.predicate_absent) return false;
  const std::vector<uint64_t>& predicates = hops().predicates();
  return std::find(predicates.begin(), predicates.end(), uint64_t{0}) == predicates.end();
}

void ReachableEnds::NextNodes(uint64_t node, std::vector<uint64_t>* out) {
  if (!cache_asked_) {
    cache_asked_ = true;
    const StatementEnv& env = *ctx_->env;
    if (env.adjacency != nullptr && CanUseAdjacency()) {
      adjacency_ = env.adjacency->Find(KeyOfAdjacency(), env.snapshot_version);
    }
  }
  if (adjacency_ != nullptr) {
    const std::span<const uint64_t> next = adjacency_->Next(node);
    out->insert(out->end(), next.begin(), next.end());
    return;
  }
  for (const Hop& hop : Expand(node, backward())) out->push_back(hop.next);
  if (!CanUseAdjacency()) return;
  if (adjacency_threshold_ == 0) {
    // Expansions are seeks; see ProbesBeforeReadingWhole (versioned_cache.h).
    for (uint64_t p : hops().predicates()) {
      adjacency_facts_ += ValueOrThrow(ctx_->view->GetStats(p)).facts;
    }
    adjacency_threshold_ = ProbesBeforeReadingWhole(adjacency_facts_, 1);
  }
  if (++expansions_ == adjacency_threshold_) BuildAdjacency();
}

AdjacencyKey ReachableEnds::KeyOfAdjacency() const {
  return AdjacencyKey{hops().predicates(), backward(), pattern_.undirected};
}

void ReachableEnds::BuildAdjacency() {
  // Optional: without room in the memory budget the search goes on through
  // the index (expansions_ is past the threshold, so it is not tried again).
  const uint64_t facts = adjacency_facts_;
  const uint64_t edges = facts * (pattern_.undirected ? 2 : 1);
  if (!adjacency_charge_.TryAdd(edges * sizeof(Adjacency::Edge), edges)) return;
  std::vector<Adjacency::Edge> all;
  all.reserve(edges);
  const std::vector<uint64_t>& predicates = hops().predicates();
  for (size_t i = 0; i < predicates.size(); ++i) {
    const uint64_t p = predicates[i];
    if (p == hops().label_predicate()) continue;  // no hop goes along labels
    // HopSource's scans for a node: from the subject side (walking forward,
    // or undirected), then from the object side (walking back, or
    // undirected).
    const bool from_s = !backward() || pattern_.undirected;
    const bool from_o = backward() || pattern_.undirected;
    const uint32_t rank_s = static_cast<uint32_t>(2 * i) + (backward() ? 1 : 0);
    const uint32_t rank_o = static_cast<uint32_t>(2 * i) + (backward() ? 0 : 1);
    hops().ScanFacts(p, [&](const storage::Triple& t) {
      if (from_s) all.push_back(Adjacency::Edge{t.s, t.o, rank_s});
      // Undirected: a self-loop is one hop, taken from the subject side.
      if (from_o && !(pattern_.undirected && t.s == t.o)) {
        all.push_back(Adjacency::Edge{t.o, t.s, rank_o});
      }
    });
  }
  adjacency_ = std::make_shared<const Adjacency>(std::move(all));
  const StatementEnv& env = *ctx_->env;
  if (env.adjacency != nullptr) {
    env.adjacency->Put(KeyOfAdjacency(), env.snapshot_version, adjacency_);
  }
}

}  // namespace quipu::query::paths
