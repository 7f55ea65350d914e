// Parameters: folding, substitution and the constant values a template
// leaves for later (query/bind/binder.h; templates in query/binder.h).
#include <fmt/format.h>

#include <string>
#include <utility>

#include "query/bind/binder.h"
#include "query/expression.h"
#include "query/fact_filter.h"
#include "query/functions/registry.h"

namespace quipu::query {
namespace {

// The first and last microsecond a date (its whole day) or datetime covers.
std::pair<int64_t, int64_t> TimeBounds(const BoundExpr& expr, const char* what) {
  const Value v = EvaluateBound(expr);
  if (v.type() == Value::Type::kDate) return DayBounds(v.as_date());
  if (v.type() == Value::Type::kDateTime) {
    return {v.as_datetime().micros, v.as_datetime().micros};
  }
  FailAt(
      fmt::format("type mismatch: '{}' needs a date or datetime, got {}", what, TypeName(v.type())),
      expr.pos);
}

// The kinds the binder folds when their arguments are constants.
bool Foldable(BoundExpr::Kind kind) {
  switch (kind) {
    case BoundExpr::Kind::kUnary:
    case BoundExpr::Kind::kBinary:
    case BoundExpr::Kind::kFunction:
    case BoundExpr::Kind::kList:
    case BoundExpr::Kind::kCase:
      return true;
    default:
      return false;
  }
}

}  // namespace

BoundExpr FoldConstant(BoundExpr b) {
  if (b.kind == BoundExpr::Kind::kFunction && b.function->reads_database) return b;
  for (const BoundExpr& a : b.args) {
    if (a.kind != BoundExpr::Kind::kConst) return b;
  }
  Evaluator eval(nullptr, nullptr);
  BoundExpr folded;
  folded.pos = b.pos;
  folded.constant = eval.Eval(b, nullptr);
  return folded;
}

bool ReadsParams(const BoundExpr& e) {
  if (e.kind == BoundExpr::Kind::kParam) return true;
  for (const BoundExpr& a : e.args) {
    if (ReadsParams(a)) return true;
  }
  return false;
}

bool SubstituteParams(const Params& params, BoundExpr* e) {
  if (e->kind == BoundExpr::Kind::kParam) {
    auto it = params.find(e->name);
    if (it == params.end()) FailAt("parameter $" + e->name + " has no value", e->pos);
    BoundExpr value;
    value.pos = e->pos;
    value.constant = it->second;
    *e = std::move(value);
    return true;
  }
  bool replaced = false;
  for (BoundExpr& a : e->args) replaced = SubstituteParams(params, &a) || replaced;
  if (replaced && Foldable(e->kind)) *e = FoldConstant(std::move(*e));
  return replaced;
}

Value EvaluateBound(const BoundExpr& e) {
  if (e.kind == BoundExpr::Kind::kConst) return e.constant;
  Evaluator eval(nullptr, nullptr);
  return eval.Eval(e, nullptr);
}

void SetValidity(const BoundExpr& from, const BoundExpr* to, FactFilter* f) {
  const char* what = to != nullptr ? "during" : "as of";
  auto [first, last] = TimeBounds(from, what);
  f->timed = true;
  f->from = first;
  f->to = last;
  if (to == nullptr) return;
  f->to = TimeBounds(*to, what).second;
  if (f->to < f->from) {
    FailAt("the interval of 'during' is empty: its end is before its start", to->pos);
  }
}

void SetConfidence(const BoundExpr& e, FactFilter* f) {
  const Value v = EvaluateBound(e);
  if (!v.is_numeric()) {
    FailAt("type mismatch: 'with confidence >=' needs a number, got " +
               std::string(TypeName(v.type())),
           e.pos);
  }
  f->confident = true;
  f->min_confidence = v.as_number();
}

uint64_t CountValue(const ast::Count& count, const Params& params, const char* clause) {
  if (count.param.empty()) return count.value;
  auto it = params.find(count.param);
  if (it == params.end()) FailAt("parameter $" + count.param + " has no value", count.pos);
  const Value& v = it->second;
  if (v.type() != Value::Type::kInt) {
    FailAt(fmt::format("type mismatch: '{}' needs a non-negative integer, got {} ${}", clause,
                       TypeName(v.type()), count.param),
           count.pos);
  }
  if (v.as_int() < 0) {
    FailAt(fmt::format("'{}' needs a non-negative integer, got ${} = {}", clause, count.param,
                       v.as_int()),
           count.pos);
  }
  return static_cast<uint64_t>(v.as_int());
}

BoundExpr Binder::ConstantExpr(const ast::Expr& e) const {
  return Binder(nullptr, params_, nullptr, mode_).BindConstant(e);
}

Value Binder::ShapeValue(const BoundExpr& e) const {
  BoundExpr value = e;
  SubstituteParams(params_, &value);
  return EvaluateBound(value);
}

int32_t Binder::AddParamValue(ParamValue value) {
  q_.param_values.push_back(std::move(value));
  return static_cast<int32_t>(q_.param_values.size() - 1);
}

bool Binder::QueryReadsParams() const {
  if (!q_.param_values.empty() || !q_.param_fact_filters.empty()) return true;
  if (q_.skip_param || q_.limit_param) return true;
  auto any = [](const std::vector<BoundExpr>& exprs) {
    for (const BoundExpr& e : exprs) {
      if (ReadsParams(e)) return true;
    }
    return false;
  };
  if (any(q_.filters) || any(q_.items) || any(q_.hop_filters)) return true;
  for (const std::vector<BoundGroup>* groups : {&q_.optionals, &q_.exists_groups}) {
    for (const BoundGroup& g : *groups) {
      if (any(g.filters)) return true;
    }
  }
  return false;
}

}  // namespace quipu::query
