#include "query/planner.h"

#include "query/estimator.h"
#include "query/optimizer.h"
#include "query/output_operators.h"

namespace quipu::query {
namespace {

// The exists group of a condition `exists { … }` or `not exists { … }`
// (*anti set), or -1 for any other condition.
int ExistsGroup(const BoundExpr& e, bool* anti) {
  *anti = e.kind == BoundExpr::Kind::kUnary && e.op == ExprOp::kNot;
  const BoundExpr& inner = *anti ? e.args[0] : e;
  return inner.kind == BoundExpr::Kind::kExists ? inner.group : -1;
}

// Plain conditions become one Filter; each exists condition a semi- or
// anti-join after it.
std::unique_ptr<Operator> WithFilters(const ExecContext* ctx, std::unique_ptr<Operator> root,
                                      const std::vector<size_t>& filters, double rows) {
  std::vector<const BoundExpr*> conditions;
  std::vector<std::pair<int, bool>> groups;
  for (size_t f : filters) {
    const BoundExpr& e = ctx->query->filters[f];
    bool anti = false;
    if (const int group = ExistsGroup(e, &anti); group >= 0) {
      groups.emplace_back(group, anti);
    } else {
      conditions.push_back(&e);
    }
  }
  if (!conditions.empty()) {
    root = MakeFilter(ctx, std::move(root), std::move(conditions));
    root->estimated_rows = rows;
  }
  for (const auto& [group, anti] : groups) {
    root = MakeSemiJoin(ctx, std::move(root), ctx->query->exists_groups[static_cast<size_t>(group)],
                        anti);
    root->estimated_rows = rows;
  }
  return root;
}

// The operator tree of the match part: the patterns, optional matches and
// filters, producing rows of slots; by `logical`, or by a plan made now
// when it is null.
std::unique_ptr<Operator> PlanMatch(const ExecContext* ctx, const LogicalPlan* given) {
  const BoundQuery& q = *ctx->query;
  if (q.impossible) {
    std::unique_ptr<Operator> empty = MakeEmpty();
    empty->estimated_rows = 0;
    return empty;
  }
  LogicalPlan made;
  if (given == nullptr) {
    const Estimator est(ctx->view, &q.filters, &q.facts);
    made = Optimize(q, est, ctx->width, ctx->env->joins);
  }
  const LogicalPlan& logical = given != nullptr ? *given : made;
  std::unique_ptr<Operator> root;
  if (!q.input_slots.empty()) {
    root = MakeInputRows(ctx);
    root->estimated_rows = static_cast<double>(q.input_rows.size() / q.input_slots.size());
    root = WithFilters(ctx, std::move(root), logical.initial_filters, root->estimated_rows);
  } else if (logical.steps.empty() || !logical.initial_filters.empty()) {
    root = MakeSingleRow(ctx);
    root->estimated_rows = 1;
    root = WithFilters(ctx, std::move(root), logical.initial_filters, 1);
  }
  const std::vector<bool> none(ctx->width, false);
  for (const PlanStep& step : logical.steps) {
    switch (step.kind) {
      case PlanStep::Kind::kScan:
        if (root == nullptr) {
          root = MakeScan(ctx, q.patterns[step.index], step.bound_before, step.predicates);
        } else {  // after constant filters: a cross product with their one row
          auto scan = MakeScan(ctx, q.patterns[step.index], none, step.predicates);
          scan->estimated_rows = step.estimated_rows;
          std::vector<bool> right(ctx->width, false);
          for (uint32_t s : SlotsOf(q.patterns[step.index], q.facts)) right[s] = true;
          root = MakeHashJoin(ctx, std::move(root), std::move(scan), {}, std::move(right));
        }
        break;
      case PlanStep::Kind::kBindJoin:
        root = MakeBindJoin(ctx, std::move(root), q.patterns[step.index], step.bound_before,
                            step.semi, step.predicates);
        break;
      case PlanStep::Kind::kHashJoin:
      case PlanStep::Kind::kCrossProduct: {
        auto scan = MakeScan(ctx, q.patterns[step.index], none, step.predicates);
        scan->estimated_rows = step.scan_rows;
        std::vector<bool> right(ctx->width, false);
        for (uint32_t s : SlotsOf(q.patterns[step.index], q.facts)) right[s] = true;
        root = MakeHashJoin(ctx, std::move(root), std::move(scan), step.keys, std::move(right),
                            step.semi);
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
      case PlanStep::Kind::kIntersect: {
        std::vector<const BoundPattern*> patterns;
        for (size_t i : step.intersect) patterns.push_back(&q.patterns[i]);
        root = MakeIntersectJoin(ctx, std::move(root), std::move(patterns), step.intersect_slot);
        break;
      }
      case PlanStep::Kind::kLeftJoin:
        root = MakeLeftJoin(ctx, std::move(root), q.optionals[step.index], step.bound_before);
        break;
    }
    root->estimated_rows = step.estimated_rows;
    root = WithFilters(ctx, std::move(root), step.filters, step.filtered_rows);
  }
  return root;
}

// The output stage over the match part: project or aggregate, then
// distinct, sort or top-k, limit.
std::unique_ptr<Operator> PlanOutput(const ExecContext* ctx, std::unique_ptr<Operator> root) {
  const BoundQuery& q = *ctx->query;
  const double input_rows = root->estimated_rows;
  bool grouped = false;
  for (const BoundExpr& item : q.items)
    grouped = grouped || item.kind != BoundExpr::Kind::kAggregate;
  // An aggregate under a sort leaves its groups unordered, and the sort
  // breaks ties by the group keys instead: the same order, with only the
  // keys the sort compares decoded (a top-k by a count decodes the few
  // candidates, not every group). Distinct keeps the first of equal rows,
  // so there the aggregate's own order stays.
  const bool sort_orders_groups = q.aggregate && !q.order.empty() && !q.distinct;
  std::vector<SortKey> group_ties;
  if (sort_orders_groups) {
    for (uint32_t i = 0; i < q.items.size(); ++i) {
      if (q.items[i].kind != BoundExpr::Kind::kAggregate) group_ties.push_back({i, false});
    }
  }
  // Top-k when a limit bounds what the sort must keep; a limit too large to
  // bound anything sorts everything.
  constexpr uint64_t kMaxKeep = uint64_t{1} << 32;
  const uint64_t skip = q.skip.value_or(0);
  const size_t keep =
      !q.order.empty() && q.limit && *q.limit < kMaxKeep && skip < kMaxKeep ? skip + *q.limit : 0;
  std::unique_ptr<Operator> degrees;
  if (q.aggregate && sort_orders_groups) degrees = MakeDegreeAggregate(ctx, &root);
  if (degrees != nullptr) {
    root = std::move(degrees);
    root->estimated_rows = input_rows;
  } else if (q.aggregate) {
    root = MakeAggregate(ctx, std::move(root), /*ordered=*/!sort_orders_groups);
    root->estimated_rows = grouped ? input_rows : 1;
  } else {
    if (keep > 0) {
      if (std::unique_ptr<Operator> top = MakeFactTopK(ctx, &root, keep)) {
        root = std::move(top);
        root->estimated_rows = std::min(input_rows, static_cast<double>(keep));
      }
    }
    const double projected = root->estimated_rows;
    root = MakeProject(ctx, std::move(root));
    root->estimated_rows = projected;
  }
  const double rows = root->estimated_rows;
  if (q.distinct) {
    root = MakeDistinct(ctx, std::move(root), q.visible);
    root->estimated_rows = rows;
  }
  if (!q.order.empty()) {
    root = MakeSort(ctx, std::move(root), q.order, keep, group_ties);
    root->estimated_rows = rows;
  }
  if (q.limit || q.skip) {
    root = MakeLimit(std::move(root), skip, q.limit);
    const double after_skip = std::max(0.0, rows - static_cast<double>(skip));
    root->estimated_rows =
        q.limit ? std::min(after_skip, static_cast<double>(*q.limit)) : after_skip;
  }
  return root;
}

}  // namespace

PhysicalPlan PlanQuery(const ExecContext* ctx, const LogicalPlan* logical) {
  return PhysicalPlan{PlanOutput(ctx, PlanMatch(ctx, logical))};
}

}  // namespace quipu::query
