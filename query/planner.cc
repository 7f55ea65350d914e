#include "query/planner.h"

#include "query/estimator.h"
#include "query/optimizer.h"

namespace quipu::query {
namespace {

std::unique_ptr<Operator> WithFilters(const ExecContext* ctx, std::unique_ptr<Operator> root,
                                      const std::vector<size_t>& filters, double rows) {
  if (filters.empty()) return root;
  std::vector<const BoundExpr*> conditions;
  for (size_t f : filters) conditions.push_back(&ctx->query->filters[f]);
  root = MakeFilter(ctx, std::move(root), std::move(conditions));
  root->estimated_rows = rows;
  return root;
}

}  // namespace

PhysicalPlan PlanQuery(const ExecContext* ctx) {
  const BoundQuery& q = *ctx->query;
  const Estimator est(ctx->view);
  const LogicalPlan logical = Optimize(q, est, ctx->width, ctx->joins);
  std::unique_ptr<Operator> root;
  if (logical.steps.empty() || !logical.initial_filters.empty()) {
    root = MakeSingleRow(ctx);
    root->estimated_rows = 1;
    root = WithFilters(ctx, std::move(root), logical.initial_filters, 1);
  }
  const std::vector<bool> none(ctx->width, false);
  for (const PlanStep& step : logical.steps) {
    switch (step.kind) {
      case PlanStep::Kind::kScan:
        if (root == nullptr) {
          root = MakeScan(ctx, q.patterns[step.index], step.bound_before);
        } else {  // after constant filters: a cross product with their one row
          auto scan = MakeScan(ctx, q.patterns[step.index], none);
          scan->estimated_rows = step.estimated_rows;
          std::vector<bool> right(ctx->width, false);
          for (uint32_t s : SlotsOf(q.patterns[step.index], q.facts)) right[s] = true;
          root = MakeHashJoin(ctx, std::move(root), std::move(scan), {}, std::move(right));
        }
        break;
      case PlanStep::Kind::kBindJoin:
        root = MakeBindJoin(ctx, std::move(root), q.patterns[step.index], step.bound_before);
        break;
      case PlanStep::Kind::kHashJoin:
      case PlanStep::Kind::kCrossProduct: {
        auto scan = MakeScan(ctx, q.patterns[step.index], none);
        scan->estimated_rows = step.scan_rows;
        std::vector<bool> right(ctx->width, false);
        for (uint32_t s : SlotsOf(q.patterns[step.index], q.facts)) right[s] = true;
        root = MakeHashJoin(ctx, std::move(root), std::move(scan), step.keys, std::move(right));
        break;
      }
      case PlanStep::Kind::kMergeJoin: {
        auto scan = MakeScan(ctx, q.patterns[step.index], none);
        scan->estimated_rows = step.scan_rows;
        std::vector<bool> right(ctx->width, false);
        for (uint32_t s : SlotsOf(q.patterns[step.index], q.facts)) right[s] = true;
        root = MakeMergeJoin(ctx, std::move(root), std::move(scan), step.keys[0], std::move(right));
        break;
      }
      case PlanStep::Kind::kLeftJoin:
        root = MakeLeftJoin(ctx, std::move(root), q.optionals[step.index], step.bound_before);
        break;
    }
    root->estimated_rows = step.estimated_rows;
    root = WithFilters(ctx, std::move(root), step.filters, step.filtered_rows);
  }
  return PhysicalPlan{std::move(root)};
}

}  // namespace quipu::query
