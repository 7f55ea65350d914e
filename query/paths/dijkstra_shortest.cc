#include "query/paths/dijkstra_shortest.h"

#include <functional>
#include <limits>
#include <queue>

namespace quipu::query::paths {

DijkstraShortest::DijkstraShortest(const ExecContext* ctx, const BoundPattern& pattern,
                                   std::vector<bool> bound)
    : ShortestPaths(ctx, pattern, std::move(bound)) {}

std::string DijkstraShortest::Describe() const { return pattern_.label + " by Dijkstra"; }

void DijkstraShortest::Between(uint64_t s, uint64_t o) {
  parents_.clear();
  target_parents_.clear();
  const bool all = this->all();
  const bool bounded = var_.max_hops != UINT32_MAX;
  struct Entry {
    double cost;
    uint64_t seq;  // ties pop in the order they were found: deterministic
    StateKey key;
    bool operator>(const Entry& other) const {
      return cost != other.cost ? cost > other.cost : seq > other.seq;
    }
  };
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> queue;
  std::unordered_map<StateKey, double, StateKeyHash> best;
  uint64_t seq = 0;
  const StateKey origin{s, 0};
  best[origin] = 0;
  queue.push(Entry{0, seq++, origin});
  double target_cost = std::numeric_limits<double>::infinity();
  while (!queue.empty()) {
    const Entry entry = queue.top();
    queue.pop();
    if (entry.cost > best[entry.key]) continue;  // stale
    if (entry.cost > target_cost) break;
    CountState();
    // Unbounded states carry 0 hops, never past the (absent) maximum.
    const uint64_t hops_taken = entry.key.hops;
    if (hops_taken >= var_.max_hops) continue;
    for (Hop& hop : Expand(entry.key.node, /*backward=*/false)) {
      const double cost = entry.cost + hop.cost;
      if (hop.next == o) {
        // The end is reached only at a path's end, never passed through.
        if (cost < target_cost) {
          target_cost = cost;
          target_parents_.assign(1, Parent{entry.key, hop});
        } else if (cost == target_cost && all) {
          target_parents_.push_back(Parent{entry.key, hop});
        }
        continue;
      }
      if (hop.next == s) continue;  // back to the start is never shorter
      const StateKey key{hop.next, bounded ? static_cast<uint32_t>(hops_taken + 1) : 0};
      auto [it, added] = best.try_emplace(key, cost);
      if (added || cost < it->second) {
        // The queue's entry; new: best's and parents_' nodes too.
        search_charge_.Add(sizeof(Entry) + HopBytes(hop) +
                           (added ? 2 * kHashNodeBytes + sizeof(StateKey) + sizeof(double) +
                                        sizeof(StateKey) + sizeof(std::vector<Parent>)
                                  : 0));
        it->second = cost;
        parents_[key].assign(1, Parent{entry.key, hop});
        queue.push(Entry{cost, seq++, key});
      } else if (cost == it->second && all) {
        search_charge_.Add(sizeof(Parent) + HopBytes(hop));
        parents_[key].push_back(Parent{entry.key, hop});
      }
    }
  }
  std::vector<uint64_t> nodes{o};
  std::vector<Hop> hops;
  for (const Parent& parent : target_parents_) {
    hops.push_back(parent.hop);
    Backtrack(parent.from, s, &nodes, &hops);
    hops.pop_back();
    if (!all && !found_.empty()) break;
  }
}

void DijkstraShortest::Backtrack(const StateKey& key, uint64_t s, std::vector<uint64_t>* nodes,
                                 std::vector<Hop>* hops) {
  CountState();
  nodes->push_back(key.node);
  if (key.node == s && key.hops == 0) {
    // Collected from o back to s: reverse into s→o order.
    Found path{std::vector<uint64_t>(nodes->rbegin(), nodes->rend()),
               std::vector<Hop>(hops->rbegin(), hops->rend())};
    search_charge_.Add(FoundBytes(path.nodes, path.hops), 0);
    found_.push_back(std::move(path));
  } else {
    for (const Parent& parent : parents_[key]) {
      hops->push_back(parent.hop);
      Backtrack(parent.from, s, nodes, hops);
      hops->pop_back();
      if (!all() && !found_.empty()) break;
    }
  }
  nodes->pop_back();
}

}  // namespace quipu::query::paths
