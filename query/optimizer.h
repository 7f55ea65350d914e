// Optimizer: decides how a BoundQuery runs, without building anything. Its
// output, a list of steps, is the logical plan the physical planner turns
// into operators; tests inspect it directly.
//
// Passes, in order (each a function below, so each can be read and tested
// alone): constant folding and conjunct splitting happen in the binder;
// here, join ordering by estimated rows, join-kind choice by cost,
// semi-joins for patterns that only test existence, filter push-down (each
// filter after the first step that binds all its slots), and optional
// groups after the required patterns.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "query/bound.h"
#include "query/estimator.h"
#include "query/operators.h"

namespace quipu::query {

struct PlanStep {
  enum class Kind : uint8_t {
    kScan,          // the first pattern
    kBindJoin,      // index nested loop into the pattern
    kHashJoin,      // hash table of the pattern's scan, probed by the input
    kMergeJoin,     // the first scan and this one, both ordered by the one shared key
    kIntersect,     // several patterns bind one new slot: their candidates intersected
    kCrossProduct,  // a hash join without keys
    kLeftJoin,      // an optional group
  };
  Kind kind = Kind::kScan;
  size_t index = 0;                // the pattern, or the optional group for kLeftJoin
  std::vector<uint32_t> keys;      // hash joins: the shared slots
  double estimated_rows = 0;       // rows out of this step
  double filtered_rows = 0;        // ... and after its filters
  double scan_rows = 0;            // hash joins: rows of the pattern scanned alone
  std::vector<size_t> filters;     // filters to run right after this step
  std::vector<bool> bound_before;  // slots bound when the step starts
  // Bind and hash joins: a semi-join, each input row out once when the
  // pattern has a match, nothing bound (see Optimize).
  bool semi = false;
  // The predicates the pattern's predicate variable is limited to
  // (Estimator::PredicateChoices): its matcher reads each one's facts.
  std::optional<std::vector<uint64_t>> predicates;
  // kIntersect: the patterns (index first) and the slot they bind.
  std::vector<size_t> intersect;
  uint32_t intersect_slot = 0;
};

struct LogicalPlan {
  std::vector<PlanStep> steps;          // empty: one empty row (no patterns)
  std::vector<size_t> initial_filters;  // constant-only filters, before any step
};

// A seek costs as much as reading this many rows in order (measured with
// bench/join_bench and bench/lubm_bench: 2-10 us a seek, 0.1-0.3 us a row).
inline constexpr double kSeekCost = 20;

LogicalPlan Optimize(const BoundQuery& q, const Estimator& est, uint32_t width, JoinChoice joins);

}  // namespace quipu::query
