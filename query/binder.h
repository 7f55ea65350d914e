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

Result<BoundQuery> BindMatch(const ast::MatchStatement& match, storage::ReadView* view,
                             const Params& params);

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

// Evaluates an expression that may not refer to variables (values in
// insert and delete patterns): literals, parameters, operators, functions.
Result<Value> EvaluateConstant(const ast::Expr& expr, const Params& params);

}  // namespace quipu::query
