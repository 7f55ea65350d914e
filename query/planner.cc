#include "query/planner.h"

#include "query/estimator.h"
#include "query/group_matcher.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace quipu::query {
PhysicalPlan PlanQuery(const ExecContext* ctx) {
  const BoundQuery& q = *ctx->query;
  Estimator est(ctx->view);
  std::vector<bool> bound(ctx->width, false);
  std::vector<bool> used(q.patterns.size(), false);
  std::vector<bool> filter_done(q.filters.size(), false);
  std::unique_ptr<Operator> root;
  double rows = 1;

  auto attach_filters = [&]() {
    std::vector<const BoundExpr*> ready;
    for (size_t i = 0; i < q.filters.size(); ++i) {
      if (filter_done[i]) continue;
      std::vector<uint32_t> slots;
      q.filters[i].CollectSlots(q, &slots);
      if (std::all_of(slots.begin(), slots.end(), [&](uint32_t s) { return bound[s]; })) {
        ready.push_back(&q.filters[i]);
        filter_done[i] = true;
      }
    }
    if (!ready.empty()) {
      const size_t n = ready.size();
      root = MakeFilter(ctx, std::move(root), std::move(ready));
      rows = std::max(1.0, rows * std::pow(0.5, static_cast<double>(n)));
      root->estimated_rows = rows;
    }
  };

  if (q.patterns.empty()) {
    root = MakeSingleRow(ctx);
    root->estimated_rows = 1;
  }
  for (size_t step = 0; step < q.patterns.size(); ++step) {
    // Prefer patterns connected to what is bound; among them the fewest rows.
    int best = -1;
    bool best_connected = false;
    double best_rows = 0;
    for (size_t i = 0; i < q.patterns.size(); ++i) {
      if (used[i]) continue;
      const std::vector<uint32_t> slots = SlotsOf(q.patterns[i], q.facts);
      const bool connected = root == nullptr || std::any_of(slots.begin(), slots.end(),
                                                            [&](uint32_t s) { return bound[s]; });
      const double r = est.Rows(q.patterns[i], bound);
      // Ties go to the pattern's text, so the written order never decides.
      const bool better =
          best < 0 || (connected && !best_connected) ||
          (connected == best_connected &&
           (r < best_rows || (r == best_rows && q.patterns[i].label < q.patterns[best].label)));
      if (better) {
        best = static_cast<int>(i);
        best_connected = connected;
        best_rows = r;
      }
    }
    used[best] = true;
    const BoundPattern& pattern = q.patterns[best];
    if (root == nullptr) {
      root = MakeScan(ctx, pattern, bound);
      rows = std::max(best_rows, 0.0);
    } else {
      // Bind join costs a seek per input row; hash join one scan of the
      // pattern plus a probe per input row. A RocksDB seek costs about as much
      // as reading kSeekCost rows sequentially (measured with bench/join_bench
      // and bench/lubm_bench: 2-10 us a seek against 0.1-0.3 us a row).
      constexpr double kSeekCost = 20;
      const std::vector<bool> none(ctx->width, false);
      const double scan_rows = est.Rows(pattern, none);
      const double bind_cost = rows * (kSeekCost + best_rows);
      const double hash_cost = kSeekCost + scan_rows + 2 * rows;
      const bool bind = ctx->joins == JoinChoice::kBindOnly ||
                        (ctx->joins == JoinChoice::kByCost && bind_cost <= hash_cost);
      if (best_connected && bind) {
        root = MakeBindJoin(ctx, std::move(root), pattern, bound);
      } else {
        std::vector<uint32_t> keys;
        std::vector<bool> right_slots(ctx->width, false);
        for (uint32_t s : SlotsOf(pattern, q.facts)) {
          if (bound[s] && std::find(keys.begin(), keys.end(), s) == keys.end()) {
            keys.push_back(s);
          }
          right_slots[s] = true;
        }
        auto right = MakeScan(ctx, pattern, none);
        right->estimated_rows = scan_rows;
        root = MakeHashJoin(ctx, std::move(root), std::move(right), std::move(keys),
                            std::move(right_slots));
      }
      // An estimate below one row means "probably none"; keep it at one so
      // later choices still compare join sizes rather than zeros.
      rows = std::max(1.0, rows * best_rows);
    }
    root->estimated_rows = rows;
    for (uint32_t s : SlotsOf(pattern, q.facts)) bound[s] = true;
    attach_filters();
  }
  for (const BoundGroup& group : q.optionals) {
    root = MakeLeftJoin(ctx, std::move(root), group, bound);
    root->estimated_rows = rows;  // at least one row out per row in
    for (uint32_t s : group.new_slots) bound[s] = true;
    attach_filters();
  }
  attach_filters();
  if (std::find(filter_done.begin(), filter_done.end(), false) != filter_done.end()) {
    throw QueryError(Status::Internal("a filter refers to slots no pattern binds"));
  }
  return PhysicalPlan{std::move(root)};
}

}  // namespace quipu::query
