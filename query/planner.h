// Planner: BoundQuery → operator tree. Join order is chosen by estimated
// cardinality from the store's per-predicate statistics, not by the order
// the patterns were written; each filter runs as soon as its slots are bound.
// The output stage (project or aggregate, distinct, sort or top-k, limit)
// sits on top, so the root yields one id per return item.
#pragma once

#include <memory>
#include <string>

#include "query/operators.h"

namespace quipu::query {

struct PhysicalPlan {
  std::unique_ptr<Operator> root;
};

struct LogicalPlan;  // query/optimizer.h

// The operators of ctx->query, by `logical` when given: a plan Optimize made
// of this query, or of the template it was instantiated from (a cached plan,
// query/match_plan.h); null: optimized now.
PhysicalPlan PlanQuery(const ExecContext* ctx, const LogicalPlan* logical = nullptr);

}  // namespace quipu::query
