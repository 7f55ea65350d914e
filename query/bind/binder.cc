// The entry points of query/binder.h, and the store look-ups the binder's
// files share (query/bind/binder.h).
#include "query/bind/binder.h"

#include <fmt/format.h>

#include "query/expression.h"

namespace quipu::query {

uint64_t Binder::Find(const Value& v) {
  Result<uint64_t> id = view_->FindTerm(v);
  if (!id.ok()) throw QueryError(id.status());
  return *id;
}

uint64_t Binder::Term(const Value& v) {
  Result<uint64_t> id = view_->FindTerm(v);
  if (!id.ok()) throw QueryError(id.status());
  if (*id == 0) *impossible_ = true;
  return *id;
}

void Binder::CheckPredicate(const std::string& name, uint64_t id, ast::Pos pos) {
  if (id != 0) {
    Result<storage::PredicateStats> stats = view_->GetStats(id);  // kept in memory
    if (!stats.ok()) throw QueryError(stats.status());
    if (stats->facts > 0) return;
  }
  Warn(fmt::format("no fact in the database has predicate '{}'", name), pos);
}

void Binder::CheckAnnotationKey(const std::string& name, uint64_t id, ast::Pos pos) {
  // Whether a stored term is some fact's annotation key is not kept
  // anywhere; a name the dictionary lacks is surely none.
  if (id == 0) Warn(fmt::format("no fact in the database has an annotation '{}'", name), pos);
}

void Binder::Warn(const std::string& what, ast::Pos pos) {
  if (has_facts_ < 0) {
    std::vector<std::pair<uint64_t, storage::PredicateStats>> all;
    if (Status s = view_->AllStats(&all); !s.ok()) throw QueryError(s);
    has_facts_ = all.empty() ? 0 : 1;
  }
  if (has_facts_ == 0) return;
  for (const std::string& w : q_.warnings) {
    if (w.compare(0, what.size(), what) == 0) return;  // the first place is enough
  }
  q_.warnings.push_back(fmt::format("{} (line {}, column {})", what, pos.line, pos.column));
}

uint32_t Binder::NewSlot(const std::string& name) {
  q_.slot_names.push_back(name);
  return q_.num_slots++;
}

Result<BoundQuery> BindMatchTemplate(const ast::MatchStatement& match, storage::ReadView* view,
                                     const Params& params) {
  try {
    return Binder(view, params, nullptr, ParamMode::kReferences).Bind(match);
  } catch (const QueryError& e) {
    return e.status();
  }
}

Result<BoundQuery> BindMatchOver(const ast::MatchStatement& match, storage::ReadView* view,
                                 const Params& params, const std::vector<std::string>& inputs) {
  try {
    return Binder(view, params).Bind(match, inputs);
  } catch (const QueryError& e) {
    return e.status();
  }
}

// One way to bind a match, whether it runs once or from a cached plan.
Result<BoundQuery> BindMatch(const ast::MatchStatement& match, storage::ReadView* view,
                             const Params& params) {
  Result<BoundQuery> bound = BindMatchTemplate(match, view, params);
  if (!bound.ok() || !bound->reads_params) return bound;
  return Instantiate(*bound, view, params);
}

Result<BoundExpr> BindRowExpression(const ast::Expr& expr, const RowScope& row,
                                    const Params& params) {
  try {
    return Binder(nullptr, params, &row).BindConstant(expr);
  } catch (const QueryError& e) {
    return e.status();
  }
}

Result<Value> EvaluateConstant(const ast::Expr& expr, const Params& params) {
  try {
    const BoundExpr bound = Binder(nullptr, params).BindConstant(expr);
    Evaluator eval(nullptr, nullptr);
    return eval.Eval(bound, nullptr);
  } catch (const QueryError& e) {
    return e.status();
  }
}

}  // namespace quipu::query
