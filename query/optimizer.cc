#include "query/optimizer.h"

#include <algorithm>
#include <cmath>

#include "query/path_matcher.h"
#include "query/versioned_cache.h"
#include "storage/store.h"

namespace quipu::query {
namespace {

// shortest and all shortest search between two known ends: they wait until
// both are bound.
bool EndsReady(const BoundPattern& p, const std::vector<bool>& bound) {
  if (!p.var ||
      (p.var->mode != VarLength::Mode::kShortest && p.var->mode != VarLength::Mode::kAllShortest)) {
    return true;
  }
  auto known = [&](const Ref& r) { return !r.is_slot || bound[r.slot]; };
  return known(p.s) && known(p.o);
}

// The slots nothing reads but the one pattern that binds them: named in no
// other pattern, filter, returned or ordered item, optional or exists
// group. Empty unless the statement counts rows as a set (rows_as_set). A
// pattern joined when all the slots it would bind are such is an existence
// test: as a semi-join it keeps each input row once instead of multiplying
// it by its matches (a star's 1.08M rows become 12,505 at 1M facts).
std::vector<bool> DeadSlots(const BoundQuery& q, uint32_t width) {
  std::vector<bool> dead;
  if (!q.rows_as_set) return dead;
  std::vector<uint32_t> uses(width, 0);  // patterns naming each slot
  for (const BoundPattern& p : q.patterns) {
    for (uint32_t s : SlotsOf(p, q.facts)) ++uses[s];
  }
  std::vector<uint32_t> read;
  for (const BoundExpr& e : q.filters) e.CollectSlots(q, &read);
  for (const BoundExpr& e : q.items) e.CollectSlots(q, &read);
  for (const std::vector<BoundGroup>* groups : {&q.optionals, &q.exists_groups}) {
    for (const BoundGroup& g : *groups) {
      read.insert(read.end(), g.outer_slots.begin(), g.outer_slots.end());
    }
  }
  dead.assign(width, false);
  for (uint32_t s = 0; s < width; ++s) dead[s] = uses[s] == 1;
  for (uint32_t s : read) dead[s] = false;
  return dead;
}

// Whether pattern p, joined after `bound`, only tests existence (DeadSlots).
bool ExistenceTest(const BoundQuery& q, const BoundPattern& p, const std::vector<bool>& dead,
                   const std::vector<bool>& bound) {
  if (dead.empty() || p.var || p.node_scan) return false;
  const std::vector<uint32_t> slots = SlotsOf(p, q.facts);
  bool joined = false;
  for (uint32_t s : slots) {
    if (bound[s]) {
      joined = true;
    } else if (!dead[s]) {
      return false;
    }
  }
  return joined;
}

// Per slot, the end of the pattern that bound it (Estimator::End), when its
// rows are that pattern's rows seen from this end: the degree spread the
// next pattern joined on the slot meets (Estimator::JoinRows).
using Origins = std::vector<std::optional<EndStats>>;

// Rows pattern p produces per input row given `bound`: JoinRows when it
// joins on one end whose origin is known and binds its other end,
// Estimator::Rows otherwise.
double StepRows(const Estimator& est, const BoundPattern& p, const std::vector<bool>& bound,
                const Origins& origins) {
  if (p.node_scan || p.var || !p.s.is_slot || !p.o.is_slot || p.s.slot == p.o.slot) {
    return est.Rows(p, bound);
  }
  const bool s_bound = bound[p.s.slot], o_bound = bound[p.o.slot];
  if (s_bound == o_bound) return est.Rows(p, bound);
  const std::optional<EndStats>& from = origins[s_bound ? p.s.slot : p.o.slot];
  if (!from) return est.Rows(p, bound);
  return est.JoinRows(p, bound, /*at_subject=*/s_bound, *from);
}

// After pattern p is placed: the slots it binds at an end whose other end
// is a variable too (a constant end gives each node once, not by degree).
void RecordOrigins(const Estimator& est, const BoundPattern& p, const std::vector<bool>& bound,
                   Origins* origins) {
  if (p.node_scan || p.var || !p.s.is_slot || !p.o.is_slot || p.s.slot == p.o.slot) return;
  if (!bound[p.s.slot]) (*origins)[p.s.slot] = est.End(p, /*subject=*/true);
  if (!bound[p.o.slot]) (*origins)[p.o.slot] = est.End(p, /*subject=*/false);
}

// Join ordering: the pattern connected to what is bound (any, at the start)
// with the fewest estimated rows; ties go to the pattern's text, so the order
// in which patterns are written never decides.
size_t NextPattern(const BoundQuery& q, const Estimator& est, const std::vector<bool>& used,
                   const std::vector<bool>& bound, const std::vector<bool>& dead,
                   const Origins& origins, bool first, bool* connected, double* rows) {
  int best = -1;
  for (size_t i = 0; i < q.patterns.size(); ++i) {
    if (used[i]) continue;
    if (!EndsReady(q.patterns[i], bound)) continue;
    const std::vector<uint32_t> slots = SlotsOf(q.patterns[i], q.facts);
    const bool c =
        first || std::any_of(slots.begin(), slots.end(), [&](uint32_t s) { return bound[s]; });
    double r = StepRows(est, q.patterns[i], bound, origins);
    // An existence test keeps at most its input.
    if (!first && c && ExistenceTest(q, q.patterns[i], dead, bound)) r = std::min(r, 1.0);
    const bool better =
        best < 0 || (c && !*connected) ||
        (c == *connected &&
         (r < *rows || (r == *rows && q.patterns[i].label < q.patterns[best].label)));
    if (better) {
      best = static_cast<int>(i);
      *connected = c;
      *rows = r;
    }
  }
  if (best < 0) {
    // Only shortest patterns are left and no order binds their ends.
    for (size_t i = 0; i < q.patterns.size(); ++i) {
      if (!used[i]) {
        FailUnboundShortest(q.patterns[i]);
      }
    }
  }
  return static_cast<size_t>(best);
}

// Whether a bind join on pattern p takes its probes from the predicate read
// whole (PatternMatcher::UseAdjacency): a fixed predicate, nothing of the
// fact read, an end bound.
bool ProbesAdjacency(const BoundPattern& p, const std::vector<bool>& bound) {
  auto known = [&](const Ref& r) { return !r.is_slot || bound[r.slot]; };
  return !p.node_scan && !p.var && !p.p.is_slot && p.fact < 0 && p.fact_filter < 0 &&
         (known(p.s) || known(p.o));
}

// The slot pattern p would bind from one end already known (a constant or
// bound) through the adjacency, when p can be read so and binds nothing
// else; nullopt otherwise.
std::optional<uint32_t> HopTarget(const BoundPattern& p, const std::vector<bool>& bound) {
  if (p.node_scan || p.var || p.p.is_slot || p.fact >= 0 || p.fact_filter >= 0) {
    return std::nullopt;
  }
  auto known = [&](const Ref& r) { return !r.is_slot || bound[r.slot]; };
  if (known(p.s) == known(p.o)) return std::nullopt;
  return known(p.s) ? p.o.slot : p.s.slot;
}

// A multiway join: pattern i and the other unused patterns that would bind
// the same one new slot from a known end, i first; fewer than two when
// there is no such group. Each is read from its predicate's adjacency, so
// a probe costs about a row (see ChooseJoin).
std::vector<size_t> IntersectGroup(const BoundQuery& q, size_t i, const std::vector<bool>& used,
                                   const std::vector<bool>& bound) {
  const std::optional<uint32_t> v = HopTarget(q.patterns[i], bound);
  if (!v) return {};
  std::vector<size_t> group{i};
  for (size_t j = 0; j < q.patterns.size(); ++j) {
    if (j != i && !used[j] && HopTarget(q.patterns[j], bound) == v) group.push_back(j);
  }
  return group;
}

// What a join step can be and how its pattern is reached.
struct JoinInput {
  double input_rows = 0;   // rows into the step
  double scan_rows = 0;    // rows of the pattern scanned alone
  bool connected = false;  // shares a bound slot with the input
  bool adjacency = false;  // ProbesAdjacency
  bool mergeable = false;  // CanMerge with the first scan
};

// Join kind by cost, in rows read in order (a seek is kSeekCost). The rows a
// join puts out are the same whichever kind makes them, so no kind is
// charged for them.
// - bind join: a seek per input row. Where the matcher can use the
//   adjacency, it reads the predicate whole once its probes reach
//   ProbesBeforeReadingWhole and a probe then costs a row. The whole read is
//   not charged to the statement: the engine keeps it for every statement
//   on the store version (as it keeps statistics and plans), so only the
//   first pays it, and then about what a hash join's scan costs (measured:
//   the star at 1M, 2.5 ms warm this way, 180 ms as hash semi-joins).
// - hash join: a seek and the scan, then a row to build and one to probe,
//   in every statement.
// - merge join (the first two scans ordered by their one shared key): a seek
//   and the scan, a row per input row.
PlanStep::Kind ChooseJoin(const JoinInput& in, JoinChoice joins) {
  if (!in.connected) return PlanStep::Kind::kCrossProduct;
  if (joins == JoinChoice::kBindOnly) return PlanStep::Kind::kBindJoin;
  if (joins == JoinChoice::kHashOnly) return PlanStep::Kind::kHashJoin;
  double bind_cost = in.input_rows * kSeekCost;
  const double threshold =
      static_cast<double>(ProbesBeforeReadingWhole(static_cast<uint64_t>(in.scan_rows)));
  if (in.adjacency && in.input_rows > threshold) {
    bind_cost = threshold * kSeekCost + (in.input_rows - threshold);
  }
  const double hash_cost = kSeekCost + in.scan_rows + 2 * in.input_rows;
  const double merge_cost = kSeekCost + in.scan_rows + in.input_rows;
  if (in.mergeable && merge_cost <= bind_cost) return PlanStep::Kind::kMergeJoin;
  return bind_cost <= hash_cost ? PlanStep::Kind::kBindJoin : PlanStep::Kind::kHashJoin;
}

// Filter push-down: the filters whose slots are all bound now.
std::vector<size_t> ReadyFilters(const BoundQuery& q, const std::vector<bool>& bound,
                                 std::vector<bool>* done) {
  std::vector<size_t> ready;
  for (size_t i = 0; i < q.filters.size(); ++i) {
    if ((*done)[i]) continue;
    std::vector<uint32_t> slots;
    q.filters[i].CollectSlots(q, &slots);
    if (std::all_of(slots.begin(), slots.end(), [&](uint32_t s) { return bound[s]; })) {
      ready.push_back(i);
      (*done)[i] = true;
    }
  }
  return ready;
}

// The id a constant has in a scan's pattern; a parameter's (a constant of
// unknown value, query/bound.h) is not 0.
uint64_t ConstantId(const Ref& r) {
  if (r.is_slot) return 0;
  return r.param >= 0 ? UINT64_MAX : r.id;
}

// The slot a pattern's scan is ordered by (see storage::ScanOrder), or -1.
int OrderSlot(const BoundPattern& p) {
  if (p.node_scan || p.undirected || p.var) return -1;
  const storage::TriplePattern constants{ConstantId(p.s), ConstantId(p.p), ConstantId(p.o)};
  const Ref* lead = nullptr;
  switch (storage::ScanOrder(constants)) {
    case storage::Position::kSubject:
      lead = &p.s;
      break;
    case storage::Position::kPredicate:
      lead = &p.p;
      break;
    case storage::Position::kObject:
      lead = &p.o;
      break;
    case storage::Position::kNone:
      return -1;
  }
  return lead->is_slot ? static_cast<int>(lead->slot) : -1;
}

// Merge join: two plain scans ordered by the one slot they share need no
// hash table and no seeks: both are read once, in step.
bool CanMerge(const BoundPattern& first, const BoundPattern& second,
              const std::vector<uint32_t>& keys) {
  if (keys.size() != 1) return false;
  const int a = OrderSlot(first), b = OrderSlot(second);
  return a >= 0 && a == b && static_cast<uint32_t>(a) == keys[0];
}

// Whether filter f is the condition a pattern's object choices come from
// (BoundPattern::object_choices): the estimate of that pattern counted only
// the facts that can pass it, so it keeps every row.
bool KeepsEveryRow(const BoundQuery& q, const BoundExpr& f) {
  if (f.kind != BoundExpr::Kind::kBinary || f.op != ExprOp::kEqual || f.args.size() != 2) {
    return false;
  }
  for (const BoundExpr& side : f.args) {
    if (side.kind != BoundExpr::Kind::kSlot) continue;
    for (const BoundPattern& p : q.patterns) {
      if (!p.object_choices.empty() && p.o.is_slot && p.o.slot == side.slot) return true;
    }
  }
  return false;
}

}  // namespace

LogicalPlan Optimize(const BoundQuery& q, const Estimator& est, uint32_t width, JoinChoice joins) {
  LogicalPlan plan;
  std::vector<bool> bound(width, false);
  // Rows given before any pattern (call … match): every pattern joins them.
  const bool has_input = !q.input_slots.empty();
  for (uint32_t s : q.input_slots) bound[s] = true;
  std::vector<bool> used(q.patterns.size(), false);
  std::vector<bool> done(q.filters.size(), false);
  plan.initial_filters = ReadyFilters(q, bound, &done);
  const std::vector<bool> dead = DeadSlots(q, width);
  Origins origins(width);
  double rows = has_input
                    ? std::max(1.0, static_cast<double>(q.input_rows.size() / q.input_slots.size()))
                    : 1;
  auto after_step = [&](PlanStep step, const std::vector<uint32_t>& new_slots) {
    for (uint32_t s : new_slots) bound[s] = true;
    step.filters = ReadyFilters(q, bound, &done);
    step.estimated_rows = rows;
    // Each filter is assumed to keep half of the rows.
    const auto halving = std::count_if(step.filters.begin(), step.filters.end(),
                                       [&](size_t f) { return !KeepsEveryRow(q, q.filters[f]); });
    if (!step.filters.empty()) {
      rows = std::max(1.0, rows * std::pow(0.5, static_cast<double>(halving)));
    }
    step.filtered_rows = rows;
    plan.steps.push_back(std::move(step));
  };
  // A multiway join places several patterns in one step.
  for (size_t n = has_input ? 1 : 0; std::find(used.begin(), used.end(), false) != used.end();
       ++n) {
    bool connected = false;
    double per_input = 0;
    const size_t i =
        NextPattern(q, est, used, bound, dead, origins, n == 0, &connected, &per_input);
    used[i] = true;
    PlanStep step;
    step.index = i;
    step.bound_before = bound;
    const std::vector<uint32_t> slots = SlotsOf(q.patterns[i], q.facts);
    // A hash or merge join's scan binds nothing before it.
    step.predicates = est.PredicateChoices(q.patterns[i], std::vector<bool>(width, false));
    if (n == 0) {
      step.kind = PlanStep::Kind::kScan;
      rows = std::max(per_input, 0.0);
    } else {
      step.scan_rows = est.Rows(q.patterns[i], std::vector<bool>(width, false));
      // The slots the step shares with its input: a hash or merge join's keys.
      std::vector<uint32_t> shared;
      for (uint32_t s : slots) {
        if (bound[s] && std::find(shared.begin(), shared.end(), s) == shared.end()) {
          shared.push_back(s);
        }
      }
      JoinInput in;
      in.input_rows = rows;
      in.scan_rows = step.scan_rows;
      in.connected = connected;
      in.adjacency = ProbesAdjacency(q.patterns[i], bound);
      // A scan of several predicates is ordered within each, not across.
      in.mergeable = !has_input && n == 1 && !step.predicates && !plan.steps[0].predicates &&
                     CanMerge(q.patterns[plan.steps[0].index], q.patterns[i], shared);
      step.kind = ChooseJoin(in, joins);
      if (step.kind == PlanStep::Kind::kBindJoin) {
        step.predicates = est.PredicateChoices(q.patterns[i], bound);
      }
      // Patterns that close a cycle on the slot this one binds: their
      // candidates intersected instead of the first listed and the others
      // tested per row, once there are more rows than seeks would serve.
      std::vector<size_t> group = joins == JoinChoice::kByCost && rows > kSeekInNexts
                                      ? IntersectGroup(q, i, used, bound)
                                      : std::vector<size_t>{};
      if (group.size() >= 2) {
        step.kind = PlanStep::Kind::kIntersect;
        step.intersect_slot = *HopTarget(q.patterns[i], bound);
        step.predicates.reset();
        for (size_t j : group) {
          used[j] = true;
          per_input = std::min(per_input, est.Rows(q.patterns[j], bound));
        }
        step.intersect = std::move(group);
      }
      // A variable-length pattern walks from what each row binds.
      if (q.patterns[i].var) step.kind = PlanStep::Kind::kBindJoin;
      if (step.kind != PlanStep::Kind::kBindJoin && step.kind != PlanStep::Kind::kIntersect) {
        step.keys = std::move(shared);
      }
      step.semi =
          (step.kind == PlanStep::Kind::kBindJoin || step.kind == PlanStep::Kind::kHashJoin) &&
          ExistenceTest(q, q.patterns[i], dead, bound);
      // Below one row means "probably none"; one keeps later comparisons useful.
      rows = std::max(1.0, rows * per_input);
    }
    RecordOrigins(est, q.patterns[i], bound, &origins);
    after_step(std::move(step), slots);
  }
  for (size_t g = 0; g < q.optionals.size(); ++g) {
    PlanStep step;
    step.kind = PlanStep::Kind::kLeftJoin;
    step.index = g;
    step.bound_before = bound;
    after_step(std::move(step), q.optionals[g].new_slots);  // at least a row per row in
  }
  if (std::find(done.begin(), done.end(), false) != done.end()) {
    throw QueryError(Status::Internal("a filter refers to slots no pattern binds"));
  }
  return plan;
}

}  // namespace quipu::query
