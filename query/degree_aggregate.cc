// DegreeAggregate: counting without listing (issue 18). A group-by on one
// end of a single fixed-predicate pattern that only counts the other end
// (count(*), count(x), count(distinct x): each row is a distinct fact) is
// the degree of each node, which the predicate's adjacency (paths/
// adjacency.h) holds as offsets. The adjacency is kept per store version
// (the bind joins' and path searches' cache), so after the first statement
// reads the predicate whole, a top-k by degree reads no fact at all.
#include <fmt/format.h>

#include "query/blocking_operator.h"
#include "query/item_ids.h"
#include "query/memory_budget.h"
#include "query/output_operators.h"
#include "query/paths/adjacency.h"
#include "query/value_table.h"

namespace quipu::query {
namespace {

// The end slot a degree-countable query groups by (see MakeDegreeAggregate).
std::optional<uint32_t> GroupedEnd(const BoundQuery& q) {
  if (q.patterns.size() != 1 || !q.optionals.empty() || !q.paths.empty() || !q.filters.empty() ||
      q.impossible || q.distinct) {
    return std::nullopt;
  }
  const BoundPattern& p = q.patterns[0];
  if (p.node_scan || p.var || p.undirected || p.fact >= 0 || p.fact_filter >= 0 || p.p.is_slot ||
      !p.s.is_slot || !p.o.is_slot || p.s.slot == p.o.slot) {
    return std::nullopt;
  }
  std::optional<uint32_t> key;
  for (const BoundExpr& item : q.items) {
    if (item.kind == BoundExpr::Kind::kSlot) {
      if (key || (item.slot != p.s.slot && item.slot != p.o.slot)) return std::nullopt;
      key = item.slot;
    } else if (item.kind != BoundExpr::Kind::kAggregate ||
               item.aggregate != AggregateFunction::kCount) {
      return std::nullopt;
    }
  }
  if (!key) return std::nullopt;
  const uint32_t other = *key == p.s.slot ? p.o.slot : p.s.slot;
  for (const BoundExpr& item : q.items) {
    if (item.kind != BoundExpr::Kind::kAggregate || item.args.empty()) continue;
    const BoundExpr& counted = item.args[0];
    if (item.args.size() != 1 || counted.kind != BoundExpr::Kind::kSlot || counted.slot != other) {
      return std::nullopt;
    }
  }
  return key;
}

class DegreeAggregateOp final : public BlockingOperator {
 public:
  DegreeAggregateOp(const ExecContext* ctx, std::unique_ptr<Operator> fallback, bool backward)
      : ctx_(ctx),
        fallback_(std::move(fallback)),
        backward_(backward),
        charge_(ctx->env->memory, "a count of degrees", "adjacency", "hop") {}

  std::string Describe() const override {
    const BoundQuery& q = *ctx_->query;
    return fmt::format("DegreeCount [{}] from the adjacency of {}{}", ItemList(q),
                       q.patterns[0].label, used_fallback_ ? " (no room: aggregated)" : "");
  }
  std::vector<const Operator*> Children() const override {
    if (used_fallback_) return {fallback_.get()};
    return {};
  }

 private:
  void Materialize(Chunk* output) override {
    const BoundQuery& q = *ctx_->query;
    const StatementEnv& env = *ctx_->env;
    const uint64_t p = q.patterns[0].p.id;
    const paths::AdjacencyKey key{{p}, backward_, false, /*all_facts=*/true};
    std::shared_ptr<const paths::Adjacency> adjacency =
        env.adjacency->Find(key, env.snapshot_version);
    if (adjacency == nullptr && p != 0) {
      const uint64_t facts = ValueOrThrow(ctx_->view->GetStats(p)).facts;
      if (!charge_.TryAdd(paths::Adjacency::BytesFor(facts), facts)) {
        used_fallback_ = true;
        output->width = static_cast<uint32_t>(q.items.size());
        while (fallback_->Pull(&chunk_)) {
          output->data.insert(output->data.end(), chunk_.data.begin(), chunk_.data.end());
        }
        return;
      }
      adjacency = ValueOrThrow(paths::ReadAdjacency(ctx_->view, key));
      env.adjacency->Put(key, env.snapshot_version, adjacency);
    }
    output->width = static_cast<uint32_t>(q.items.size());
    std::vector<uint64_t> row(q.items.size());
    const size_t nodes = adjacency == nullptr ? 0 : adjacency->nodes();
    for (size_t i = 0; i < nodes; ++i) {
      const int64_t degree = static_cast<int64_t>(adjacency->degree(i));
      for (size_t c = 0; c < q.items.size(); ++c) {
        row[c] = q.items[c].kind == BoundExpr::Kind::kSlot ? adjacency->node(i)
                                                           : ctx_->values->Intern(Value(degree));
      }
      output->AppendRow(row.data());
    }
    charge_.Add(output->data.size() * sizeof(uint64_t), 0);
  }

  const ExecContext* ctx_;
  std::unique_ptr<Operator> fallback_;  // the scan and aggregate, when the adjacency has no room
  bool backward_;
  bool used_fallback_ = false;
  Chunk chunk_;
  MemoryCharge charge_;
};

}  // namespace

std::unique_ptr<Operator> MakeDegreeAggregate(const ExecContext* ctx,
                                              std::unique_ptr<Operator>* match) {
  const BoundQuery& q = *ctx->query;
  if (ctx->env->adjacency == nullptr) return nullptr;
  const std::optional<uint32_t> key = GroupedEnd(q);
  if (!key) return nullptr;
  const bool backward = *key == q.patterns[0].o.slot;
  return std::make_unique<DegreeAggregateOp>(
      ctx, MakeAggregate(ctx, std::move(*match), /*ordered=*/false), backward);
}

}  // namespace quipu::query
