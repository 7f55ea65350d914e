#include "query/paths/bidirectional_shortest.h"

#include <algorithm>
#include <functional>
#include <unordered_map>
#include <utility>

namespace quipu::query::paths {

BidirectionalShortest::BidirectionalShortest(const ExecContext* ctx, const BoundPattern& pattern,
                                             std::vector<bool> bound)
    : ShortestPaths(ctx, pattern, std::move(bound)) {}

std::string BidirectionalShortest::Describe() const {
  return pattern_.label + " breadth-first from both ends";
}

void BidirectionalShortest::Between(uint64_t s, uint64_t o) {
  const bool all = this->all();
  struct Side {
    bool backward = false;
    std::unordered_map<uint64_t, uint32_t> depth;
    std::unordered_map<uint64_t, std::vector<std::pair<uint64_t, Hop>>> parents;
    std::vector<uint64_t> frontier;
    uint32_t level = 0;
  };
  Side from_s, from_o;
  from_o.backward = true;
  from_s.depth[s] = 0;
  from_s.frontier = {s};
  from_o.depth[o] = 0;
  from_o.frontier = {o};
  std::vector<uint64_t> meeting;
  Side* last = nullptr;
  while (meeting.empty() && !from_s.frontier.empty() && !from_o.frontier.empty() &&
         from_s.level + from_o.level < var_.max_hops) {
    Side& side = from_s.frontier.size() <= from_o.frontier.size() ? from_s : from_o;
    const Side& other = &side == &from_s ? from_o : from_s;
    std::vector<uint64_t> next;
    for (uint64_t node : side.frontier) {
      for (Hop& hop : Expand(node, side.backward)) {
        CountState();
        auto [it, added] = side.depth.try_emplace(hop.next, side.level + 1);
        if (added) {
          // depth's and parents' nodes, the frontier's entry.
          search_charge_.Add(2 * kHashNodeBytes + 2 * sizeof(uint64_t) +
                             sizeof(std::vector<std::pair<uint64_t, Hop>>) + sizeof(uint64_t));
          next.push_back(hop.next);
        }
        if (added || (all && it->second == side.level + 1)) {
          std::vector<std::pair<uint64_t, Hop>>& ps = side.parents[hop.next];
          if (ps.empty() || all) {
            search_charge_.Add(sizeof(uint64_t) + HopBytes(hop), 0);
            ps.emplace_back(node, std::move(hop));
          }
        }
      }
    }
    ++side.level;
    side.frontier = std::move(next);
    for (uint64_t node : side.frontier) {
      if (other.depth.count(node)) meeting.push_back(node);
    }
    last = &side;
  }
  if (meeting.empty()) return;
  // The length: the least sum of the two depths over the meeting nodes.
  const Side& other = last == &from_s ? from_o : from_s;
  uint32_t best = UINT32_MAX;
  for (uint64_t m : meeting) best = std::min(best, last->level + other.depth.at(m));
  if (best < var_.min_hops || best > var_.max_hops) return;
  // Half paths: from s forward to m, from m on to o; hops are oriented s → o
  // on both sides (Expand orients a backward search that way too).
  std::function<void(const Side&, uint64_t, std::vector<std::vector<Hop>>*,
                     std::vector<std::vector<uint64_t>>*, std::vector<Hop>*,
                     std::vector<uint64_t>*)>
      halves = [&](const Side& side, uint64_t node, std::vector<std::vector<Hop>>* out_hops,
                   std::vector<std::vector<uint64_t>>* out_nodes, std::vector<Hop>* hops,
                   std::vector<uint64_t>* nodes) {
        CountState();
        nodes->push_back(node);
        auto it = side.parents.find(node);
        if (it == side.parents.end()) {  // the side's own end
          search_charge_.Add(FoundBytes(*nodes, *hops), 0);
          out_hops->push_back(*hops);
          out_nodes->push_back(*nodes);
        } else {
          for (const auto& [parent, hop] : it->second) {
            hops->push_back(hop);
            halves(side, parent, out_hops, out_nodes, hops, nodes);
            hops->pop_back();
            if (!all) break;
          }
        }
        nodes->pop_back();
      };
  for (uint64_t m : meeting) {
    if (last->level + other.depth.at(m) != best) continue;
    std::vector<std::vector<Hop>> s_hops, o_hops;
    std::vector<std::vector<uint64_t>> s_nodes, o_nodes;
    std::vector<Hop> hops;
    std::vector<uint64_t> nodes;
    halves(from_s, m, &s_hops, &s_nodes, &hops, &nodes);
    halves(from_o, m, &o_hops, &o_nodes, &hops, &nodes);
    for (size_t a = 0; a < s_hops.size(); ++a) {
      for (size_t b = 0; b < o_hops.size(); ++b) {
        // s_nodes[a] runs m … s, o_nodes[b] runs m … o.
        Found path;
        path.nodes.assign(s_nodes[a].rbegin(), s_nodes[a].rend());
        path.nodes.insert(path.nodes.end(), o_nodes[b].begin() + 1, o_nodes[b].end());
        path.hops.assign(s_hops[a].rbegin(), s_hops[a].rend());
        path.hops.insert(path.hops.end(), o_hops[b].begin(), o_hops[b].end());
        search_charge_.Add(FoundBytes(path.nodes, path.hops), 0);
        found_.push_back(std::move(path));
        if (!all) return;
      }
    }
  }
}

}  // namespace quipu::query::paths
