#include "query/path_matcher.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <queue>
#include <tuple>
#include <unordered_set>

#include "core/term_id.h"
#include "query/binder.h"
#include "query/fact_filter.h"
#include "query/value_table.h"

namespace quipu::query {

void FailUnboundShortest(const BoundPattern& pattern) {
  FailAt("shortest paths need both ends bound: in " + pattern.label +
             ", name both ends with @keys or bind them with another pattern of the match",
         pattern.var->pos);
}

PathMatcher::PathMatcher(const ExecContext* ctx, const BoundPattern& pattern,
                         std::vector<bool> bound)
    : ctx_(ctx),
      pattern_(pattern),
      var_(*pattern_.var),
      bound_(std::move(bound)),
      eval_(ctx->view, &ctx->query->facts),
      starts_charge_(ctx->env->memory, "path expansion in " + pattern.label, "start nodes", "node"),
      search_charge_(ctx->env->memory, "path expansion in " + pattern.label, "", "entry"),
      adjacency_charge_(ctx->env->memory, "path expansion in " + pattern.label, "adjacency",
                        "hop") {
  eval_.set_context(ctx);
  label_predicate_ = ValueOrThrow(ctx->view->FindTerm(Value(Entity{kLabelPredicate})));
  // Any relationship (p = 0) is one scan with the predicate unbound.
  predicates_ = pattern_.p.id == 0 ? std::vector<uint64_t>{0} : var_.predicates;
  need_annotations_ =
      var_.hop_filter >= 0 || var_.weighted || var_.path_slot >= 0 || pattern_.fact_filter >= 0;
  same_slot_ = pattern_.s.is_slot && pattern_.o.is_slot && pattern_.s.slot == pattern_.o.slot &&
               !bound_[pattern_.s.slot];
}

bool PathMatcher::Shortest() const {
  return var_.mode == VarLength::Mode::kShortest || var_.mode == VarLength::Mode::kAllShortest;
}

std::string PathMatcher::Describe() const {
  if (!Shortest() && var_.ends_only) return pattern_.label + " reachable ends, breadth-first";
  if (!Shortest()) return pattern_.label + " depth-first";
  return pattern_.label + (var_.weighted ? " by Dijkstra" : " breadth-first from both ends");
}

void PathMatcher::CountState() {
  if (++states_ > ctx_->env->max_path_states()) {
    throw QueryError(Status::InvalidArgument(fmt::format(
        "path expansion stopped in {}: it visited more than {} states (the limit "
        "'path_states': :limit path_states N in the shell, QueryLimits::path_states in the "
        "API); give the relationship a maximum length or a predicate, or raise the limit",
        pattern_.label, ctx_->env->max_path_states())));
  }
  if ((states_ & 4095) == 0) ctx_->CheckCancel();
}

uint64_t PathMatcher::HopBytes(const Hop& hop) {
  return sizeof(Hop) + hop.annotations.size() * sizeof(hop.annotations[0]);
}

uint64_t PathMatcher::HopsBytes(const std::vector<Hop>& hops) {
  uint64_t bytes = sizeof(hops);
  for (const Hop& hop : hops) bytes += HopBytes(hop);
  return bytes;
}

uint64_t PathMatcher::FoundBytes(const std::vector<uint64_t>& nodes, const std::vector<Hop>& hops) {
  return sizeof(Found) + nodes.size() * sizeof(uint64_t) + HopsBytes(hops);
}

void PathMatcher::Start(const uint64_t* row) {
  search_charge_.Clear();
  starts_charge_.Clear();
  row_.assign(row, row + ctx_->width);
  stack_.clear();
  path_hops_.clear();
  path_nodes_.clear();
  starts_.clear();
  start_pos_ = 0;
  found_.clear();
  found_pos_ = 0;
  auto known = [&](const Ref& r) { return !r.is_slot || bound_[r.slot]; };
  auto id = [&](const Ref& r) { return r.is_slot ? row_[r.slot] : r.id; };
  const bool s_known = known(pattern_.s), o_known = known(pattern_.o);
  // A null end (an optional variable without a match) matches nothing.
  if ((s_known && id(pattern_.s) == 0) || (o_known && id(pattern_.o) == 0)) return;
  if (Shortest()) {
    if (!s_known || !o_known) {
      FailUnboundShortest(pattern_);
    }
    RunShortest(id(pattern_.s), id(pattern_.o));
    return;
  }
  reverse_ = !s_known && o_known;
  if (reverse_) {
    starts_.push_back(id(pattern_.o));
    target_ = 0;
  } else {
    target_ = o_known ? id(pattern_.o) : 0;
    if (s_known) {
      starts_.push_back(id(pattern_.s));
    } else {
      CollectStarts();
    }
  }
}

void PathMatcher::CollectStarts() {
  // Every node with a hop to take: a subject of p (or, undirected, an end).
  if (var_.predicate_absent) return;
  for (uint64_t p : predicates_) {
    std::unique_ptr<storage::TripleCursor> cursor = ctx_->view->Scan({0, p, 0});
    for (;;) {
      batch_.clear();
      if (cursor->Next(&batch_, kChunkRows) == 0) break;
      ctx_->CheckCancel();
      for (const storage::Triple& t : batch_) {
        if (t.p == label_predicate_ || TypeOfId(t.o) != TermType::kEntity) {
          continue;
        }
        starts_charge_.Add(sizeof(uint64_t));
        starts_.push_back(t.s);
        if (pattern_.undirected) {
          starts_charge_.Add(sizeof(uint64_t));
          starts_.push_back(t.o);
        }
      }
    }
    if (!cursor->status().ok()) throw QueryError(cursor->status());
  }
  std::sort(starts_.begin(), starts_.end());
  starts_.erase(std::unique(starts_.begin(), starts_.end()), starts_.end());
}

std::vector<PathMatcher::Hop> PathMatcher::Expand(uint64_t node) {
  std::vector<Hop> hops;
  if (var_.predicate_absent) return hops;
  // subject_side: `node` is the fact's subject and the step reaches its object.
  auto scan = [&](uint64_t p, bool subject_side, bool forward) {
    const storage::TriplePattern want =
        subject_side ? storage::TriplePattern{node, p, 0} : storage::TriplePattern{0, p, node};
    std::unique_ptr<storage::TripleCursor>& cursor = subject_side ? out_cursor_ : in_cursor_;
    if (cursor == nullptr || !cursor->Reseek(want)) cursor = ctx_->view->Scan(want);
    for (;;) {
      batch_.clear();
      if (cursor->Next(&batch_, kChunkRows) == 0) break;
      for (const storage::Triple& t : batch_) {
        if (t.p == label_predicate_ || TypeOfId(t.o) != TermType::kEntity) {
          continue;
        }
        // Undirected: a self-loop is found from both sides; take it once.
        if (pattern_.undirected && !subject_side && t.s == t.o) continue;
        AddHop(t, subject_side ? t.o : t.s, forward, &hops);
      }
    }
    if (!cursor->status().ok()) throw QueryError(cursor->status());
  };
  // Walking from s, a fact leaving the node points along the path; walking
  // back from o, a fact arriving at the node does.
  for (uint64_t p : predicates_) {
    scan(p, !reverse_, true);
    if (pattern_.undirected) scan(p, reverse_, false);
  }
  return hops;
}

std::string PathMatcher::FactText(const storage::Triple& t) {
  const Value p = eval_.Decode(t.p);
  const std::string& key = p.as_entity().key;
  return fmt::format("({})-[:{}]->({})", eval_.Decode(t.s).ToString(),
                     IsPlainKey(key) ? key : FormatEntityKey(key), eval_.Decode(t.o).ToString());
}

void PathMatcher::AddHop(const storage::Triple& t, uint64_t next, bool forward,
                         std::vector<Hop>* out) {
  Hop hop;
  hop.fact = t;
  hop.next = next;
  hop.forward = forward;
  if (need_annotations_) {
    if (Status s = ctx_->view->GetInstances(t, &instances_); !s.ok()) throw QueryError(s);
    const storage::FactInstance* used = nullptr;
    for (const storage::FactInstance& instance : instances_) {
      if (pattern_.fact_filter >= 0 &&
          !PassesFactFilter(ctx_->query->fact_filters[static_cast<size_t>(pattern_.fact_filter)],
                            instance.annotations, ctx_->view)) {
        continue;
      }
      if (var_.hop_filter >= 0) {
        eval_.set_hop(&instance.annotations, t);
        const bool pass =
            eval_.Test(ctx_->query->hop_filters[static_cast<size_t>(var_.hop_filter)], row_.data());
        eval_.set_hop(nullptr);
        if (!pass) continue;
      }
      used = &instance;
      break;
    }
    if (used == nullptr) return;  // no instance passes: the fact does not connect
    hop.annotations = used->annotations;
    if (var_.weighted) {
      Value cost;
      for (const auto& [key, value] : hop.annotations) {
        if (key == var_.weight_key && key != 0) cost = eval_.Decode(value);
      }
      if (cost.is_null()) {
        FailAt(fmt::format("shortest … by sum(…{}): the fact {} has no {}", var_.weight_name,
                           FactText(t), var_.weight_name),
               var_.weight_pos);
      }
      if (!cost.is_numeric()) {
        FailAt(fmt::format("shortest … by sum(…{}): the fact {} has {} = {}, not a number",
                           var_.weight_name, FactText(t), var_.weight_name, cost.ToLiteral()),
               var_.weight_pos);
      }
      if (cost.as_number() < 0 || std::isnan(cost.as_number())) {
        FailAt(fmt::format("shortest … by sum(…{}): the fact {} has {} = {}; costs must not be "
                           "negative",
                           var_.weight_name, FactText(t), var_.weight_name, cost.ToLiteral()),
               var_.weight_pos);
      }
      hop.cost = cost.as_number();
    }
  }
  out->push_back(std::move(hop));
}

bool PathMatcher::NextStart(Chunk* out) {
  if (start_pos_ >= starts_.size()) return false;
  const uint64_t start = starts_[start_pos_++];
  if (same_slot_) target_ = start;
  path_nodes_.assign(1, start);
  path_hops_.clear();
  if (var_.min_hops == 0 && (target_ == 0 || target_ == start)) Emit(path_nodes_, path_hops_, out);
  if (var_.max_hops > 0) PushFrame(start);
  return true;
}

void PathMatcher::PushFrame(uint64_t node) {
  Frame frame{node, Expand(node), 0, 0};
  frame.bytes = sizeof(Frame) + HopsBytes(frame.hops);
  search_charge_.Add(frame.bytes);
  stack_.push_back(std::move(frame));
}

// Every node reachable from `start` within min..max hops (min <= 1), once,
// breadth-first; the start itself when min is 0 or a walk comes back to it.
void PathMatcher::Reach(uint64_t start) {
  search_charge_.Clear();  // the previous start's set and paths are gone
  std::unordered_set<uint64_t> seen{start};
  std::vector<uint64_t> frontier{start};
  bool start_again = false;
  for (uint32_t depth = 0; depth < var_.max_hops && !frontier.empty(); ++depth) {
    std::vector<uint64_t> next;
    std::vector<uint64_t> step;
    for (uint64_t node : frontier) {
      step.clear();
      ReachNext(node, &step);
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
      if (target_ == 0 || node == target_) found_.push_back(Found{{start, node}, {}});
    }
    frontier = std::move(next);
  }
  if ((var_.min_hops == 0 || start_again) && (target_ == 0 || target_ == start)) {
    found_.insert(found_.begin(), Found{{start, start}, {}});
  }
}

bool PathMatcher::CanUseAdjacency() const {
  if (need_annotations_ || var_.predicate_absent) return false;
  return std::find(predicates_.begin(), predicates_.end(), uint64_t{0}) == predicates_.end();
}

void PathMatcher::ReachNext(uint64_t node, std::vector<uint64_t>* out) {
  if (adjacency_built_) {
    auto [lo, hi] = std::equal_range(adjacency_.begin(), adjacency_.end(), Edge{node, 0, 0},
                                     [](const Edge& a, const Edge& b) { return a.from < b.from; });
    for (auto it = lo; it != hi; ++it) out->push_back(it->to);
    return;
  }
  for (const Hop& hop : Expand(node)) out->push_back(hop.next);
  if (!CanUseAdjacency()) return;
  if (adjacency_threshold_ == 0) {
    // A seek into the index costs about as much as reading kSeekInNexts
    // keys in order (RocksDB, measured at 1M facts: ~15 us against ~0.25).
    constexpr uint64_t kSeekInNexts = 64;
    for (uint64_t p : predicates_) adjacency_facts_ += ValueOrThrow(ctx_->view->GetStats(p)).facts;
    adjacency_threshold_ = std::max<uint64_t>(1, adjacency_facts_ / kSeekInNexts);
  }
  if (++expansions_ == adjacency_threshold_) BuildAdjacency();
}

void PathMatcher::BuildAdjacency() {
  // Optional: without room in the memory budget the search goes on through
  // the index (expansions_ is past the threshold, so it is not tried again).
  const uint64_t facts = adjacency_facts_;
  const uint64_t edges = facts * (pattern_.undirected ? 2 : 1);
  if (!adjacency_charge_.TryAdd(edges * sizeof(Edge), edges)) return;
  adjacency_.reserve(edges);
  for (size_t i = 0; i < predicates_.size(); ++i) {
    const uint64_t p = predicates_[i];
    if (p == label_predicate_) continue;  // Expand never steps along labels
    std::unique_ptr<storage::TripleCursor> cursor = ctx_->view->Scan({0, p, 0});
    // Expand's scans for a node: from the subject side (walking forward, or
    // undirected), then from the object side (walking back, or undirected).
    const bool from_s = !reverse_ || pattern_.undirected;
    const bool from_o = reverse_ || pattern_.undirected;
    const uint32_t rank_s = static_cast<uint32_t>(2 * i) + (reverse_ ? 1 : 0);
    const uint32_t rank_o = static_cast<uint32_t>(2 * i) + (reverse_ ? 0 : 1);
    for (;;) {
      batch_.clear();
      if (cursor->Next(&batch_, kChunkRows) == 0) break;
      ctx_->CheckCancel();
      for (const storage::Triple& t : batch_) {
        if (TypeOfId(t.o) != TermType::kEntity) continue;
        if (from_s) adjacency_.push_back(Edge{t.s, t.o, rank_s});
        // Undirected: a self-loop is one hop, taken from the subject side.
        if (from_o && !(pattern_.undirected && t.s == t.o)) {
          adjacency_.push_back(Edge{t.o, t.s, rank_o});
        }
      }
    }
    if (!cursor->status().ok()) throw QueryError(cursor->status());
  }
  std::sort(adjacency_.begin(), adjacency_.end(), [](const Edge& a, const Edge& b) {
    return std::tie(a.from, a.rank, a.to) < std::tie(b.from, b.rank, b.to);
  });
  adjacency_built_ = true;
}

bool PathMatcher::Fill(Chunk* out, size_t max) {
  if (var_.ends_only && !Shortest()) {
    while (out->rows() < max) {
      if (found_pos_ < found_.size()) {
        Emit(found_[found_pos_].nodes, found_[found_pos_].hops, out);
        ++found_pos_;
        continue;
      }
      if (start_pos_ >= starts_.size()) return false;
      found_.clear();
      found_pos_ = 0;
      const uint64_t start = starts_[start_pos_++];
      if (same_slot_) target_ = start;
      Reach(start);
    }
    return true;
  }
  if (Shortest()) {
    while (out->rows() < max && found_pos_ < found_.size()) {
      Emit(found_[found_pos_].nodes, found_[found_pos_].hops, out);
      ++found_pos_;
    }
    return found_pos_ < found_.size();
  }
  const bool acyclic = var_.mode == VarLength::Mode::kAcyclic;
  while (out->rows() < max) {
    if (stack_.empty()) {
      if (!NextStart(out)) return false;
      continue;
    }
    Frame& frame = stack_.back();
    if (frame.pos >= frame.hops.size()) {
      search_charge_.Remove(frame.bytes, 1);
      stack_.pop_back();
      path_nodes_.pop_back();
      if (!path_hops_.empty()) path_hops_.pop_back();
      continue;
    }
    Hop hop = frame.hops[frame.pos++];
    // A trail uses each fact once; an acyclic path visits each node once.
    bool allowed = true;
    for (const Hop& used : path_hops_) allowed = allowed && !(used.fact == hop.fact);
    if (acyclic) {
      allowed = allowed &&
                std::find(path_nodes_.begin(), path_nodes_.end(), hop.next) == path_nodes_.end();
    }
    if (!allowed) continue;
    CountState();
    const uint64_t next = hop.next;
    path_hops_.push_back(std::move(hop));
    path_nodes_.push_back(next);
    const size_t depth = path_hops_.size();
    if (depth >= var_.min_hops && (target_ == 0 || next == target_)) {
      Emit(path_nodes_, path_hops_, out);
    }
    if (depth < var_.max_hops && !(acyclic && next == target_)) {
      PushFrame(next);
    } else {
      path_hops_.pop_back();
      path_nodes_.pop_back();
    }
  }
  return true;
}

void PathMatcher::Emit(const std::vector<uint64_t>& nodes, const std::vector<Hop>& hops,
                       Chunk* out) {
  uint64_t* row = out->AppendRow(row_.data());
  // In search order nodes run from s to o, or from o to s when searching back.
  const uint64_t s = reverse_ ? nodes.back() : nodes.front();
  const uint64_t o = reverse_ ? nodes.front() : nodes.back();
  if (pattern_.s.is_slot && !bound_[pattern_.s.slot]) row[pattern_.s.slot] = s;
  if (pattern_.o.is_slot && !bound_[pattern_.o.slot]) row[pattern_.o.slot] = o;
  if (var_.path_slot >= 0) row[var_.path_slot] = PathId(nodes, hops);
}

uint64_t PathMatcher::PathId(const std::vector<uint64_t>& nodes, const std::vector<Hop>& hops) {
  std::vector<size_t> order(hops.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::vector<uint64_t> ns = nodes;
  // To s→o order, then to the order the pattern was written in.
  const bool reversed = reverse_ != var_.written_reversed;
  if (reversed) {
    std::reverse(ns.begin(), ns.end());
    std::reverse(order.begin(), order.end());
  }
  Path path;
  for (uint64_t n : ns) path.nodes.push_back(eval_.Decode(n));
  for (size_t i : order) {
    const Hop& hop = hops[i];
    PathHop out;
    out.predicate = eval_.Decode(hop.fact.p).as_entity();
    out.forward = var_.written_reversed ? !hop.forward : hop.forward;
    for (const auto& [key, value] : hop.annotations) {
      out.annotations.emplace_back(eval_.Decode(key).as_entity().key, eval_.Decode(value));
    }
    std::sort(out.annotations.begin(), out.annotations.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    path.hops.push_back(std::move(out));
  }
  return ctx_->values->Intern(Value(std::move(path)));
}

void PathMatcher::RunShortest(uint64_t s, uint64_t o) {
  reverse_ = false;
  parents_.clear();
  target_parents_.clear();
  if (s == o && var_.min_hops == 0) {
    found_.push_back(Found{{s}, {}});
    return;
  }
  if (s == o) {
    ShortestCycle(s);
    return;
  }
  if (!var_.weighted) {
    Bidirectional(s, o);
    return;
  }
  const bool all = var_.mode == VarLength::Mode::kAllShortest;
  // Dijkstra; without costs every hop costs 1, the queue pops in
  // breadth-first order and a path's cost is its length. With costs and a
  // maximum length a state is (node, hops taken), as a cheaper path may take
  // more hops.
  const bool bounded = var_.weighted && var_.max_hops != UINT32_MAX;
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
    const uint64_t hops_taken = var_.weighted ? entry.key.hops : static_cast<uint64_t>(entry.cost);
    if (hops_taken >= var_.max_hops) continue;
    for (Hop& hop : Expand(entry.key.node)) {
      const double cost = entry.cost + (var_.weighted ? hop.cost : 1.0);
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

// A shortest cycle through s is a shortest trail from s back to s: the
// breadth-first search above visits each node once and cannot see a cycle
// that leaves and returns by different facts, so this is a depth-first
// search over trails, pruned by the cheapest cycle found so far.
void PathMatcher::ShortestCycle(uint64_t s) {
  const bool all = var_.mode == VarLength::Mode::kAllShortest;
  double best = std::numeric_limits<double>::infinity();
  std::vector<uint64_t> nodes{s};
  std::vector<Hop> hops;
  std::function<void(uint64_t, double)> walk = [&](uint64_t node, double cost) {
    if (hops.size() >= var_.max_hops) return;
    for (Hop& hop : Expand(node)) {
      bool reused = false;
      for (const Hop& used : hops) reused = reused || used.fact == hop.fact;
      if (reused) continue;
      const double next_cost = cost + (var_.weighted ? hop.cost : 1.0);
      if (next_cost > best || (next_cost == best && !all)) continue;
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

// Breadth-first from both ends, a whole level at a time, always on the side
// with the smaller frontier; the first level that reaches a node the other
// side has seen fixes the length. Each shortest path has exactly one node at
// the forward distance of that level, so joining the halves at those nodes
// lists every shortest path once.
void PathMatcher::Bidirectional(uint64_t s, uint64_t o) {
  const bool all = var_.mode == VarLength::Mode::kAllShortest;
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
    reverse_ = side.backward;
    std::vector<uint64_t> next;
    for (uint64_t node : side.frontier) {
      for (Hop& hop : Expand(node)) {
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
  reverse_ = false;
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

void PathMatcher::Backtrack(const StateKey& key, uint64_t s, std::vector<uint64_t>* nodes,
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
    const bool all = var_.mode == VarLength::Mode::kAllShortest;
    for (const Parent& parent : parents_[key]) {
      hops->push_back(parent.hop);
      Backtrack(parent.from, s, nodes, hops);
      hops->pop_back();
      if (!all && !found_.empty()) break;
    }
  }
  nodes->pop_back();
}

std::unique_ptr<Matcher> MakeMatcher(const ExecContext* ctx, const BoundPattern& pattern,
                                     std::vector<bool> bound) {
  if (pattern.var) return std::make_unique<PathMatcher>(ctx, pattern, std::move(bound));
  return std::make_unique<PatternMatcher>(ctx, pattern, std::move(bound));
}

}  // namespace quipu::query
