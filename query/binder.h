// Binder: AST → BoundQuery. Resolves variables to slots and constants to
// store ids, and reports semantic errors with their position.
#pragma once

#include <map>
#include <string>

#include "grammar/ast.h"
#include "query/bound.h"
#include "quipu/database.h"
#include "quipu/status.h"
#include "storage/store.h"

namespace quipu::query {

// The predicate that carries labels: (x, rdf:type, Label).
inline constexpr char kLabelPredicate[] = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

using Params = ::quipu::Params;

Result<BoundQuery> BindMatch(const ast::MatchStatement& match, storage::ReadView* view,
                             const Params& params);

// Evaluates an expression that may not refer to variables (values in
// insert and delete patterns): literals, parameters, operators, functions.
Result<Value> EvaluateConstant(const ast::Expr& expr, const Params& params);

}  // namespace quipu::query
