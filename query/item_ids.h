// ItemIds: the id of a return item for a row of slots, shared by Project and
// Aggregate. A node item is its slot's id, a relationship item its
// predicate's id, a property or annotation item the stored object's id; any
// other item is evaluated and its value given an id by the statement's
// ValueTable.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "query/expression.h"
#include "query/operators.h"
#include "query/value_table.h"

namespace quipu::query {

// A hash of a row of ids (group keys, distinct rows).
struct IdsHash {
  size_t operator()(const std::vector<uint64_t>& ids) const {
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (uint64_t v : ids) h = (h ^ v) * 0x100000001b3ULL + (h >> 29);
    return static_cast<size_t>(h);
  }
};

// "a, b.name, count(*)": the returned columns, for plans.
inline std::string ItemList(const BoundQuery& q) {
  std::string items;
  for (size_t i = 0; i < q.visible; ++i) items += (i ? ", " : "") + q.columns[i];
  return items;
}

class ItemIds {
 public:
  explicit ItemIds(const ExecContext* ctx) : ctx_(ctx), eval_(ctx->view, &ctx->query->facts) {
    eval_.set_context(ctx);
  }

  // The evaluator the items are computed with, for the operator's own use.
  Evaluator& eval() { return eval_; }

  uint32_t width() const { return static_cast<uint32_t>(ctx_->query->items.size()); }

  // True when the item's ids are store term ids rather than computed values:
  // a variable, a relationship's predicate, a property or an annotation,
  // read without decoding (late materialisation).
  static bool IsTerm(const BoundExpr& e) {
    switch (e.kind) {
      case BoundExpr::Kind::kSlot:
      case BoundExpr::Kind::kFact:
      case BoundExpr::Kind::kNodeProperty:
      case BoundExpr::Kind::kFactProperty:
        return true;
      default:
        return false;
    }
  }

  uint64_t Id(const BoundExpr& e, const uint64_t* row) {
    if (e.kind == BoundExpr::Kind::kSlot) return row[e.slot];
    uint64_t id = 0;
    if (IsTerm(e) && eval_.EvalId(e, row, &id)) return id;
    return ctx_->values->Intern(eval_.Eval(e, row));
  }

  // Appends to `out` the row of ids of `items` for `row`.
  void Append(const std::vector<BoundExpr>& items, const uint64_t* row, Chunk* out) {
    for (const BoundExpr& e : items) out->data.push_back(Id(e, row));
  }

 private:
  const ExecContext* ctx_;
  Evaluator eval_;
};

}  // namespace quipu::query
