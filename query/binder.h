// Binder: AST → BoundQuery. Resolves variables to slots and constants to
// store ids, and reports semantic errors with their position.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/vocabulary.h"
#include "grammar/ast.h"
#include "query/bound.h"
#include "quipu/query_result.h"
#include "quipu/status.h"
#include "storage/store.h"

namespace quipu::query {

using Params = ::quipu::Params;

// A match with these values for its $parameters: BindMatchTemplate, then
// Instantiate.
Result<BoundQuery> BindMatch(const ast::MatchStatement& match, storage::ReadView* view,
                             const Params& params);

// A match that starts from given rows (call … match): `inputs` name
// variables bound before its first pattern (BoundQuery::input_slots, in
// that order); the caller fills BoundQuery::input_rows.
Result<BoundQuery> BindMatchOver(const ast::MatchStatement& match, storage::ReadView* view,
                                 const Params& params, const std::vector<std::string>& inputs);

// A match bound once for any values of its parameters: `$name` stays a
// parameter (BoundExpr::Kind::kParam, Ref::param, ParamValue), so the
// template, and the plan made from it, serve every value. Of `params` it
// reads only what decides the template's shape: whether a node property
// map's value is a number (query/bound.h, ParamValue::Use::kNumber).
// Constants of the text are looked up in `view`: the template holds for the
// store version it was bound at.
Result<BoundQuery> BindMatchTemplate(const ast::MatchStatement& match, storage::ReadView* view,
                                     const Params& params);

// Whether `params` give the template's node property maps values of the
// kind it was bound for (a number or not); when not, bind another one.
// Errors in the values are left to Instantiate.
bool FitsParams(const BoundQuery& tmpl, const Params& params);

// The template with these values for its parameters: their terms looked up
// in `view` (a node that does not exist makes its patterns impossible, as
// binding with the values would), their expressions folded, labels and
// `as of` filled in. Errors are those binding with the values would give.
// REQUIRES: FitsParams(tmpl, params).
Result<BoundQuery> Instantiate(const BoundQuery& tmpl, storage::ReadView* view,
                               const Params& params);

// Sets BoundPattern::object_choices of q's patterns from its conditions
// `slot = integer` (or `integer = slot`) on a pattern's object, the ids
// looked up in `view`: by binding, and by Instantiate once a parameter's
// value is in (query/bind/bind_pattern.cc).
void AddObjectChoices(storage::ReadView* view, BoundQuery* q);

// The row of `load csv … as rows r`: `r.Column` reads that column's field.
struct RowScope {
  std::string variable;              // r
  std::vector<std::string> columns;  // the header's names, in order
  std::string file;                  // named in errors
};

// Binds an expression over a row: `r.Column` becomes a kField with the
// column's index as its slot; there are no other variables.
Result<BoundExpr> BindRowExpression(const ast::Expr& expr, const RowScope& row,
                                    const Params& params);

// The number `skip` or `limit` (`clause`) stands for: its literal, or the
// value of its parameter, which must be a non-negative integer; raises
// QueryError at the count otherwise.
uint64_t CountValue(const ast::Count& count, const Params& params, const char* clause);

// Evaluates an expression that may not refer to variables (values in
// insert and delete patterns): literals, parameters, operators, functions.
Result<Value> EvaluateConstant(const ast::Expr& expr, const Params& params);

}  // namespace quipu::query
