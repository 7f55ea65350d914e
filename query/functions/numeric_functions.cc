// Numeric functions: abs, round, floor, ceil, sign and sqrt. Integers and
// decimals stay exact where the result is whole; floats in double precision.
#include <cmath>
#include <cstdint>
#include <limits>

#include "query/expression.h"
#include "query/functions/registry.h"

namespace quipu::query {
namespace {

enum class Rounding { kRound, kFloor, kCeil };

// round (half up, as for floats), floor and ceil of a decimal: whole.
Value DecimalToWhole(Decimal d, Rounding rounding) {
  int64_t unit = 1;
  for (int s = 0; s < d.scale; ++s) unit *= 10;
  int64_t whole = d.unscaled / unit;       // toward zero
  const int64_t rest = d.unscaled % unit;  // same sign as unscaled
  if (rounding == Rounding::kFloor && rest < 0) --whole;
  if (rounding == Rounding::kCeil && rest > 0) ++whole;
  if (rounding == Rounding::kRound &&
      (rest > 0 ? 2 * rest >= unit : rest < 0 && -2 * rest > unit)) {
    whole += rest > 0 ? 1 : -1;
  }
  return Value(Decimal{whole, 0});
}

// An integer as it is; a decimal to a whole decimal; a float rounded.
Value ToWhole(const FunctionArgs& args, Rounding rounding) {
  const Value& a = args[0];
  if (a.type() == Value::Type::kDecimal) return DecimalToWhole(a.as_decimal(), rounding);
  if (a.type() == Value::Type::kInt) return a;
  const double x = args.Number(0);
  switch (rounding) {
    case Rounding::kRound:
      return Value(std::floor(x + 0.5));  // half up, as Cypher
    case Rounding::kFloor:
      return Value(std::floor(x));
    case Rounding::kCeil:
      return Value(std::ceil(x));
  }
  return Value();
}

Value Round(const FunctionArgs& args) { return ToWhole(args, Rounding::kRound); }
Value Floor(const FunctionArgs& args) { return ToWhole(args, Rounding::kFloor); }
Value Ceil(const FunctionArgs& args) { return ToWhole(args, Rounding::kCeil); }

Value Abs(const FunctionArgs& args) {
  const Value& a = args[0];
  if (a.type() == Value::Type::kDecimal) {
    const Decimal d = a.as_decimal();
    return Value(Decimal{d.unscaled < 0 ? -d.unscaled : d.unscaled, d.scale});
  }
  if (a.type() == Value::Type::kInt) {
    if (a.as_int() == std::numeric_limits<int64_t>::min()) {
      FailAt("integer overflow in abs()", args.pos());
    }
    return Value(a.as_int() < 0 ? -a.as_int() : a.as_int());
  }
  return Value(std::fabs(args.Number(0)));
}

Value Sign(const FunctionArgs& args) {
  const Value& a = args[0];
  if (a.type() == Value::Type::kDecimal) {
    const int64_t u = a.as_decimal().unscaled;
    return Value(int64_t{(u > 0) - (u < 0)});
  }
  if (a.type() == Value::Type::kInt) return Value(int64_t{(a.as_int() > 0) - (a.as_int() < 0)});
  const double x = args.Number(0);
  return Value(int64_t{(x > 0) - (x < 0)});
}

Value Sqrt(const FunctionArgs& args) {
  const double x = args.Number(0);
  if (x < 0) args.Bad("the argument must not be negative");
  return Value(std::sqrt(x));
}

}  // namespace

void RegisterNumericFunctions(FunctionRegistry* registry) {
  registry->Add({
      FunctionDef{"abs", 1, 1, Abs},
      FunctionDef{"round", 1, 1, Round},
      FunctionDef{"floor", 1, 1, Floor},
      FunctionDef{"ceil", 1, 1, Ceil},
      FunctionDef{"sign", 1, 1, Sign},
      FunctionDef{"sqrt", 1, 1, Sqrt},
  });
}

}  // namespace quipu::query
