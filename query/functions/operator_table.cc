#include "query/functions/operator_table.h"

#include <cstddef>
#include <iterator>

namespace quipu::query {
namespace {

struct OperatorName {
  ExprOp op;
  const char* text;
  bool unary;
};

// In the order of ExprOp, so that OperatorText indexes it.
constexpr OperatorName kOperators[] = {
    {ExprOp::kNone, "", false},
    {ExprOp::kOr, "or", false},
    {ExprOp::kAnd, "and", false},
    {ExprOp::kEqual, "=", false},
    {ExprOp::kNotEqual, "<>", false},
    {ExprOp::kLess, "<", false},
    {ExprOp::kLessEqual, "<=", false},
    {ExprOp::kGreater, ">", false},
    {ExprOp::kGreaterEqual, ">=", false},
    {ExprOp::kIn, "in", false},
    {ExprOp::kWordMatch, "~", false},
    {ExprOp::kStartsWith, "starts with", false},
    {ExprOp::kEndsWith, "ends with", false},
    {ExprOp::kContains, "contains", false},
    {ExprOp::kRegexMatch, "=~", false},
    {ExprOp::kAdd, "+", false},
    {ExprOp::kSubtract, "-", false},
    {ExprOp::kMultiply, "*", false},
    {ExprOp::kDivide, "/", false},
    {ExprOp::kModulo, "%", false},
    {ExprOp::kNot, "not", true},
    {ExprOp::kNegate, "-", true},
    {ExprOp::kIsNull, "is null", true},
    {ExprOp::kIsNotNull, "is not null", true},
};

constexpr bool InEnumOrder() {
  for (size_t i = 0; i < std::size(kOperators); ++i) {
    if (static_cast<size_t>(kOperators[i].op) != i) return false;
  }
  return true;
}
static_assert(InEnumOrder(), "kOperators must list the operators in the order of ExprOp");

}  // namespace

std::optional<ExprOp> FindOperator(const std::string& text, bool unary) {
  for (const OperatorName& o : kOperators) {
    if (o.op != ExprOp::kNone && o.unary == unary && text == o.text) return o.op;
  }
  return std::nullopt;
}

const char* OperatorText(ExprOp op) { return kOperators[static_cast<size_t>(op)].text; }

}  // namespace quipu::query
