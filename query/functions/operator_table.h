// The operators' texts, as the parser spells them, and their ExprOp
// (query/bound.h): the binder resolves a text once, and messages print an
// operator back by its text.
#pragma once

#include <optional>
#include <string>

#include "query/bound.h"

namespace quipu::query {

// The operator written `text`; `unary` tells - (negation) from - (subtraction).
std::optional<ExprOp> FindOperator(const std::string& text, bool unary);

// The text of `op` as written ("" for kNone).
const char* OperatorText(ExprOp op);

}  // namespace quipu::query
