// FactTopK: a top-k by an annotation of the one relationship a statement
// matches (`match (p)-[h:heads]->(g) return p, g, h.since order by h.since
// desc limit 10`) reads the annotation's ids from the predicate's
// FactTable (query/fact_table.h) instead of making a row per fact and
// projecting it: the rows the top-k could keep are found on ids alone, and
// only they go on to the project and top-k above, which decide as before.
//
// Why the result is the same: the scan would read the same table in the
// same order (UseFactTable in pattern_matcher.cc, under the same
// conditions). With T the keep-th best key of all rows, a row whose key is
// worse than T has `keep` rows better on the first sort key alone, so it
// cannot be kept whatever the other keys say; every row whose key is at
// least as good as T is passed on, in the scan's order, so the top-k's ties
// (broken by that order) fall as before.
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <string>

#include "query/blocking_operator.h"
#include "query/fact_table.h"
#include "query/id_compare.h"
#include "query/item_ids.h"
#include "query/memory_budget.h"
#include "query/output_operators.h"
#include "query/statement_env.h"

namespace quipu::query {
namespace {

// The annotation item the statement's first sort key reads, when the
// statement is one fixed-predicate pattern with a relationship variable and
// nothing else that filters or multiplies rows; else null.
const BoundExpr* SortedAnnotation(const BoundQuery& q) {
  if (q.patterns.size() != 1 || !q.optionals.empty() || !q.paths.empty() || !q.filters.empty() ||
      !q.exists_groups.empty() || !q.hop_filters.empty() || !q.input_slots.empty() ||
      q.impossible || q.distinct || q.aggregate || q.order.empty()) {
    return nullptr;
  }
  const BoundPattern& p = q.patterns[0];
  if (p.node_scan || p.var || p.undirected || p.fact < 0 || p.fact_filter >= 0 || p.p.is_slot ||
      p.p.id == 0 || !p.s.is_slot || !p.o.is_slot || p.s.slot == p.o.slot ||
      !p.object_choices.empty()) {
    return nullptr;
  }
  const BoundExpr& key = q.items[q.order[0].column];
  if (key.kind != BoundExpr::Kind::kFactProperty || key.fact != p.fact || key.key_id == 0) {
    return nullptr;
  }
  return &key;
}

class FactTopKOp final : public BlockingOperator {
 public:
  FactTopKOp(const ExecContext* ctx, std::unique_ptr<Operator> scan, size_t keep)
      : ctx_(ctx),
        scan_(std::move(scan)),
        keep_(keep),
        charge_(ctx->env->memory, "a top-k of " + ctx->query->patterns[0].label, "fact table",
                "fact") {}

  std::string Describe() const override {
    const BoundQuery& q = *ctx_->query;
    return fmt::format("FactTopK {} by {} from the fact table of {}{}", keep_,
                       q.columns[q.order[0].column], q.patterns[0].label, scanned_);
  }
  std::vector<const Operator*> Children() const override {
    if (!scanned_.empty()) return {scan_.get()};
    return {};
  }

 private:
  // Whether key a sorts before key b (or with it, when `or_equal`), or
  // nullopt when their ids cannot tell.
  std::optional<bool> Before(uint64_t a, uint64_t b, bool or_equal) const {
    const std::optional<int> c = SortOrderOfIds(a, b);
    if (!c) return std::nullopt;
    if (*c == 0) return or_equal;
    return descending_ ? *c > 0 : *c < 0;
  }

  // Whether every key is null or of one inline type (dates, numbers of one
  // kind: most annotations): then the ids order them as their values do,
  // null (0) first.
  bool Uniform(const std::vector<uint64_t>& keys) const {
    TermType type = TermType::kInvalid;
    for (const uint64_t key : keys) {
      if (key == 0) continue;
      if (type == TermType::kInvalid) {
        type = TypeOfId(key);
        if (!IsInlineType(type)) return false;
      } else if (TypeOfId(key) != type) {
        return false;
      }
    }
    return true;
  }

  // The keep_-th best of `keys` (*threshold) by `better` (a strict order);
  // *all when there are at most keep_.
  template <typename Better>
  void Threshold(const std::vector<uint64_t>& keys, const Better& better, uint64_t* threshold,
                 bool* all) {
    std::vector<uint64_t> heap;  // the best keys so far, the worst on top
    for (size_t i = 0; i < keys.size(); ++i) {
      if ((i & 65535) == 0) ctx_->CheckCancel();
      const uint64_t key = keys[i];
      if (heap.size() < keep_) {
        heap.push_back(key);
        std::push_heap(heap.begin(), heap.end(), better);
        continue;
      }
      if (!better(key, heap.front())) continue;
      std::pop_heap(heap.begin(), heap.end(), better);
      heap.back() = key;
      std::push_heap(heap.begin(), heap.end(), better);
    }
    *all = heap.size() < keep_;
    *threshold = heap.empty() ? 0 : heap.front();
  }

  void Materialize(Chunk* out) override {
    const BoundQuery& q = *ctx_->query;
    const BoundExpr& key = *SortedAnnotation(q);
    descending_ = q.order[0].descending;
    std::shared_ptr<const FactTable> table =
        KeptFactTable(*ctx_->env, ctx_->view, q.patterns[0].p.id, &charge_);
    // The key of every row the scan would make, in its order.
    std::shared_ptr<const std::vector<uint64_t>> column;
    if (table != nullptr) {
      column = table->Column(key.key_id);
      charge_.Add(column->size() * sizeof(uint64_t), 0);
    }
    uint64_t threshold = 0;
    bool all = false, uniform = false, decided = table != nullptr;
    if (decided) {
      uniform = Uniform(*column);
      if (uniform && descending_) {
        Threshold(*column, std::greater<uint64_t>(), &threshold, &all);
      } else if (uniform) {
        Threshold(*column, std::less<uint64_t>(), &threshold, &all);
      } else {
        Threshold(
            *column,
            [&](uint64_t a, uint64_t b) {
              const std::optional<bool> before = Before(a, b, false);
              if (!before) decided = false;
              return before.value_or(false);
            },
            &threshold, &all);
      }
    }
    if (!decided) {
      scanned_ = table == nullptr ? " (no fact table: scanned)"
                                  : " (keys their ids do not order: scanned)";
      Chunk chunk(ctx_->width);  // the scan writes rows of the width it is given
      out->width = ctx_->width;
      while (scan_->Pull(&chunk)) {
        out->data.insert(out->data.end(), chunk.data.begin(), chunk.data.end());
      }
      return;
    }
    // The rows the scan would make of the candidates, in its order.
    const BoundPattern& p = q.patterns[0];
    const uint32_t hash_slot = q.facts[p.fact].hash_slot;
    std::vector<uint64_t> row(ctx_->width, 0);
    out->width = ctx_->width;
    auto emit = [&](size_t i, uint64_t hash) {
      const storage::Triple t = table->fact(i);
      row[p.s.slot] = t.s;
      row[p.o.slot] = t.o;
      row[hash_slot] = hash;
      out->AppendRow(row.data());
    };
    // A key the ids cannot order against the threshold is passed on too.
    auto candidate = [&](uint64_t k) {
      if (all) return true;
      if (uniform) return descending_ ? k >= threshold : k <= threshold;
      return Before(k, threshold, true).value_or(true);
    };
    const std::vector<uint64_t>& keys = *column;
    size_t at = 0;  // the row's place in keys
    for (size_t i = 0; i < table->size(); ++i) {
      const std::span<const uint64_t> hashes = table->InstanceHashes(i);
      if (hashes.empty() && candidate(keys[at++])) emit(i, 0);
      for (uint64_t hash : hashes) {
        if (candidate(keys[at++])) emit(i, hash);
      }
    }
    charge_.Add(out->data.size() * sizeof(uint64_t), 0);
  }

  const ExecContext* ctx_;
  std::unique_ptr<Operator> scan_;  // the match, when no table can be read
  size_t keep_;
  bool descending_ = false;
  std::string scanned_;  // why the match ran instead (for plans), or empty
  MemoryCharge charge_;
};

}  // namespace

std::unique_ptr<Operator> MakeFactTopK(const ExecContext* ctx, std::unique_ptr<Operator>* match,
                                       size_t keep) {
  if (keep == 0 || SortedAnnotation(*ctx->query) == nullptr) return nullptr;
  return std::make_unique<FactTopKOp>(ctx, std::move(*match), keep);
}

}  // namespace quipu::query
