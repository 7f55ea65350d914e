#include "query/ownership.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace quipu::query {
namespace {

// A value above this means the sums grow without bound: the shares in
// play are fractions, so a real integrated share is at most a few units
// even around cycles that nearly close.
constexpr double kDivergence = 1e12;

// Changes this small relative to the values are rounding, not progress.
constexpr double kRoundingFloor = 4 * std::numeric_limits<double>::epsilon();

// Far above the solver's error (1e-13 relative to a cycle's largest value,
// which is a few units at most): a bound this close below min_share might
// still reach it.
constexpr double kBoundMargin = 1e-9;

}  // namespace

OwnershipSolver::OwnershipSolver(HoldingGraph* graph, OwnershipOptions options)
    : graph_(graph), options_(options) {}

bool OwnershipSolver::Ownership(uint32_t a, uint32_t b, double* share) {
  *share = 0;
  if (a == b) return true;
  BuildRegion(a, b);
  if (region_stamp_[a] != stamp_) return true;  // no walk from a to b
  FindParts();
  if (!Solve(false, 0)) return false;
  *share = value_[local_of_[a]];
  return true;
}

bool OwnershipSolver::HoldersOf(uint32_t x, double min_share, std::vector<Holding>* out) {
  out->clear();
  BuildRegion(kNone, x);
  FindParts();
  if (!Solve(true, min_share)) return false;
  for (uint32_t l = 1; l < nodes_.size(); ++l) {
    if (own_[l] >= min_share) out->push_back(Holding{nodes_[l], own_[l]});
  }
  return true;
}

void OwnershipSolver::BuildRegion(uint32_t source, uint32_t target) {
  if (++stamp_ == 0) {  // wrapped: forget every old stamp
    std::fill(region_stamp_.begin(), region_stamp_.end(), 0);
    std::fill(reach_stamp_.begin(), reach_stamp_.end(), 0);
    stamp_ = 1;
  }
  Grow(std::max(target, source == kNone ? 0 : source));
  nodes_.clear();
  AddNode(target);
  if (source == kNone) {
    // Everything with a walk to the target.
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const std::vector<Holding>& holders = graph_->Holders(nodes_[i]);
      for (const Holding& h : holders) {
        Grow(h.node);  // a lazy graph may just have met it
        if (h.node != target && region_stamp_[h.node] != stamp_) AddNode(h.node);
      }
    }
  } else if (MarkUpstream(source, target)) {
    AddReachable(source);
  }
  // The holdings between region nodes, as compressed lists both ways.
  edges_.clear();
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i] == source) continue;  // the source's incoming holdings do not count
    for (const Holding& h : graph_->Holders(nodes_[i])) {
      // Nor do the target's outgoing ones.
      if (h.node == target || region_stamp_[h.node] != stamp_) continue;
      edges_.emplace_back(local_of_[h.node], Holding{static_cast<uint32_t>(i), h.share});
    }
  }
  const size_t n = nodes_.size();
  out_begin_.assign(n + 1, 0);
  in_begin_.assign(n + 1, 0);
  for (const auto& [holder, held] : edges_) {
    ++out_begin_[holder + 1];
    ++in_begin_[held.node + 1];
  }
  for (size_t l = 0; l < n; ++l) {
    out_begin_[l + 1] += out_begin_[l];
    in_begin_[l + 1] += in_begin_[l];
  }
  out_.resize(edges_.size());
  in_.resize(edges_.size());
  out_at_.assign(out_begin_.begin(), out_begin_.end() - 1);
  in_at_.assign(in_begin_.begin(), in_begin_.end() - 1);
  for (const auto& [holder, held] : edges_) {
    out_[out_at_[holder]++] = held;
    in_[in_at_[held.node]++] = Holding{holder, held.share};
  }
}

void OwnershipSolver::Grow(uint32_t node) {
  const size_t size = std::max<size_t>(graph_->size(), size_t{node} + 1);
  if (region_stamp_.size() >= size) return;
  region_stamp_.resize(size, 0);
  reach_stamp_.resize(size, 0);
  local_of_.resize(size, 0);
}

void OwnershipSolver::AddNode(uint32_t node) {
  region_stamp_[node] = stamp_;
  local_of_[node] = static_cast<uint32_t>(nodes_.size());
  nodes_.push_back(node);
}

bool OwnershipSolver::MarkUpstream(uint32_t source, uint32_t target) {
  // local_of_ holds each node's index in queue_ until AddReachable is done.
  queue_.assign(1, target);
  reach_stamp_[target] = stamp_;
  up_edges_.clear();
  for (size_t i = 0; i < queue_.size(); ++i) {
    // Walks into the source, or out of the target, do not count.
    if (queue_[i] == source) continue;
    const std::vector<Holding>& holders = graph_->Holders(queue_[i]);
    for (const Holding& h : holders) {
      Grow(h.node);
      if (h.node == target) continue;
      if (reach_stamp_[h.node] != stamp_) {
        reach_stamp_[h.node] = stamp_;
        local_of_[h.node] = static_cast<uint32_t>(queue_.size());
        queue_.push_back(h.node);
      }
      up_edges_.emplace_back(local_of_[h.node], static_cast<uint32_t>(i));
    }
  }
  return reach_stamp_[source] == stamp_;
}

void OwnershipSolver::AddReachable(uint32_t source) {
  // What the source reaches among the nodes MarkUpstream found (every walk
  // from the source to the target stays among them), along the holdings it
  // met: no node's own holdings are ever read.
  const size_t n = queue_.size();
  up_begin_.assign(n + 1, 0);
  for (const auto& [holder, held] : up_edges_) ++up_begin_[holder + 1];
  for (size_t u = 0; u < n; ++u) up_begin_[u + 1] += up_begin_[u];
  up_next_.resize(up_edges_.size());
  out_at_.assign(up_begin_.begin(), up_begin_.end() - 1);
  for (const auto& [holder, held] : up_edges_) up_next_[out_at_[holder]++] = held;
  up_seen_.assign(n, false);
  std::vector<uint32_t>& reached = tarjan_.path;  // scratch until FindParts
  reached.assign(1, local_of_[source]);
  up_seen_[reached[0]] = true;
  for (size_t i = 0; i < reached.size(); ++i) {
    for (uint32_t e = up_begin_[reached[i]]; e < up_begin_[reached[i] + 1]; ++e) {
      if (up_seen_[up_next_[e]]) continue;
      up_seen_[up_next_[e]] = true;
      reached.push_back(up_next_[e]);
    }
  }
  for (uint32_t u : reached) {
    if (u != 0) AddNode(queue_[u]);  // 0 is the target, already in
  }
}

void OwnershipSolver::FindParts() {
  // Tarjan's algorithm without recursion: a part is emitted once every part
  // it reaches has been, so parts come downstream first.
  const uint32_t n = static_cast<uint32_t>(nodes_.size());
  std::vector<uint32_t>& index = tarjan_.index;
  std::vector<uint32_t>& low = tarjan_.low;
  std::vector<uint32_t>& stack = tarjan_.stack;
  std::vector<uint32_t>& next_edge = tarjan_.next_edge;
  std::vector<uint32_t>& path = tarjan_.path;
  std::vector<bool>& on_stack = tarjan_.on_stack;
  index.assign(n, kNone);
  low.assign(n, 0);
  next_edge.assign(n, 0);
  on_stack.assign(n, false);
  stack.clear();
  path.clear();
  part_of_.assign(n, kNone);
  part_begin_.assign(1, 0);
  members_.clear();
  uint32_t counter = 0;
  for (uint32_t root = 0; root < n; ++root) {
    if (index[root] != kNone) continue;
    path.push_back(root);
    index[root] = low[root] = counter++;
    stack.push_back(root);
    on_stack[root] = true;
    next_edge[root] = out_begin_[root];
    while (!path.empty()) {
      const uint32_t v = path.back();
      if (next_edge[v] < out_begin_[v + 1]) {
        const uint32_t w = out_[next_edge[v]++].node;
        if (index[w] == kNone) {
          index[w] = low[w] = counter++;
          stack.push_back(w);
          on_stack[w] = true;
          next_edge[w] = out_begin_[w];
          path.push_back(w);
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      path.pop_back();
      if (!path.empty()) low[path.back()] = std::min(low[path.back()], low[v]);
      if (low[v] != index[v]) continue;
      const uint32_t part = static_cast<uint32_t>(part_begin_.size() - 1);
      uint32_t w;
      do {
        w = stack.back();
        stack.pop_back();
        on_stack[w] = false;
        part_of_[w] = part;
        members_.push_back(w);
      } while (w != v);
      part_begin_.push_back(static_cast<uint32_t>(members_.size()));
    }
  }
}

bool OwnershipSolver::Solve(bool owners, double min_share) {
  const size_t n = nodes_.size();
  value_.assign(n, 0);
  own_.assign(n, 0);
  exit_.assign(n, 0);
  scratch_.assign(n, 0);
  for (uint32_t part = 0; part + 1 < part_begin_.size(); ++part) {
    const uint32_t* first = members_.data() + part_begin_[part];
    const uint32_t* last = members_.data() + part_begin_[part + 1];
    if (*first == 0) {  // the target: its outgoing holdings are gone, so it is alone
      value_[0] = 1;
      continue;
    }
    bool cycle = last - first > 1;
    bool held_from_outside = false;
    for (const uint32_t* m = first; m != last; ++m) {
      double out = 0;
      for (uint32_t e = out_begin_[*m]; e < out_begin_[*m + 1]; ++e) {
        const Holding& h = out_[e];
        if (part_of_[h.node] != part) out += h.share * value_[h.node];
        cycle = cycle || h.node == *m;
      }
      exit_[*m] = out;
      for (uint32_t e = in_begin_[*m]; e < in_begin_[*m + 1]; ++e) {
        held_from_outside = held_from_outside || part_of_[in_[e].node] != part;
      }
    }
    if (!cycle) {
      value_[*first] = own_[*first] = exit_[*first];
      continue;
    }
    // Holders upstream need the sums through the cycle, returns included; a
    // cycle no one outside holds needs none (and may not have finite ones).
    // The owners need them too, as bounds: shares are fractions from 0 to 1
    // (BadShare refuses others), so a member's own share, a part of its
    // walks, is at most its value.
    bool bounded = false;
    if (held_from_outside || (owners && min_share > 0)) {
      bounded = Sweep(part, false, exit_, kNone, &value_);
      if (!bounded && held_from_outside) return false;
      if (!bounded) {
        for (const uint32_t* m = first; m != last; ++m) value_[*m] = 0;  // unused, not finite
      }
    }
    if (!owners) continue;
    // A member's own share: the walks from it that never come back to it,
    // so a solve with the member fixed at 1 and its incoming ignored. One
    // solve per member is what made a big cycle slow: skip the members
    // whose bound is below min_share (with a margin for the solver's error).
    for (const uint32_t* w = first; w != last; ++w) {
      if (bounded && value_[*w] + kBoundMargin < min_share) {
        own_[*w] = 0;
        continue;
      }
      for (const uint32_t* m = first; m != last; ++m) scratch_[*m] = 0;
      scratch_[*w] = 1;
      if (!Sweep(part, true, {}, *w, &scratch_)) return false;
      double own = 0;
      for (const uint32_t* m = first; m != last; ++m) own += scratch_[*m] * exit_[*m];
      own_[*w] = own;
    }
  }
  return true;
}

bool OwnershipSolver::Sweep(uint32_t part, bool incoming, const std::vector<double>& rhs,
                            uint32_t fixed, std::vector<double>* z) {
  const uint32_t* first = members_.data() + part_begin_[part];
  const uint32_t* last = members_.data() + part_begin_[part + 1];
  const std::vector<uint32_t>& begin = incoming ? in_begin_ : out_begin_;
  const std::vector<Holding>& edges = incoming ? in_ : out_;
  double previous = 0, previous_rate = 0;
  for (uint32_t sweep = 1; sweep <= options_.max_sweeps; ++sweep) {
    double change = 0, scale = 0;
    for (const uint32_t* m = first; m != last; ++m) {
      if (*m == fixed) {
        scale = std::max(scale, std::fabs((*z)[*m]));
        continue;
      }
      double sum = rhs.empty() ? 0 : rhs[*m];
      for (uint32_t e = begin[*m]; e < begin[*m + 1]; ++e) {
        const Holding& h = edges[e];
        if (part_of_[h.node] == part) sum += h.share * (*z)[h.node];
      }
      change = std::max(change, std::fabs(sum - (*z)[*m]));
      (*z)[*m] = sum;
      scale = std::max(scale, std::fabs(sum));
    }
    if (!(scale <= kDivergence)) return Fail(part, true);  // NaN included
    // No change, or changes at the level of rounding: nothing more to gain.
    if (change <= kRoundingFloor * scale) return true;
    // Geometric convergence at rate r leaves an error of about
    // change * r / (1 - r); r is the larger of the last two observed rates.
    const double rate = sweep > 1 ? change / previous : 0;
    const double r = std::max(rate, previous_rate);
    if (sweep > 2 && r < 1 && change * r / (1 - r) <= options_.tolerance * scale) return true;
    previous = change;
    previous_rate = rate;
  }
  return Fail(part, false);
}

bool OwnershipSolver::Fail(uint32_t part, bool diverged) {
  failure_.cycle.clear();
  for (uint32_t m = part_begin_[part]; m < part_begin_[part + 1]; ++m) {
    failure_.cycle.push_back(nodes_[members_[m]]);
  }
  std::sort(failure_.cycle.begin(), failure_.cycle.end());
  failure_.diverged = diverged;
  return false;
}

}  // namespace quipu::query
