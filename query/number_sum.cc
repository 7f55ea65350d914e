#include "query/number_sum.h"

#include <algorithm>

namespace quipu::query {
namespace {

// Past this the exact sum gives up: still far from Int128's limit after
// rescaling by 10^18 and adding one more value below 10^18.
constexpr Int128 kExactLimit = static_cast<Int128>(1'000'000'000'000'000'000) * 1'000'000;

Int128 Pow10(int n) {
  Int128 p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

}  // namespace

void NumberSum::Add(const Value& v) {
  if (exact_ && (v.type() == Value::Type::kInt || v.type() == Value::Type::kDecimal)) {
    Int128 unscaled = v.type() == Value::Type::kInt ? v.as_int() : v.as_decimal().unscaled;
    const int scale = v.type() == Value::Type::kInt ? 0 : v.as_decimal().scale;
    decimal_ = decimal_ || v.type() == Value::Type::kDecimal;
    const int common = std::max(scale_, scale);
    const Int128 next = unscaled_ * Pow10(common - scale_) + unscaled * Pow10(common - scale);
    if (next < kExactLimit && next > -kExactLimit) {
      unscaled_ = next;
      scale_ = common;
      return;
    }
  }
  ToDouble();
  double_sum_ += v.as_number();
}

void NumberSum::ToDouble() {
  if (!exact_) return;
  double_sum_ = AsDouble();
  exact_ = false;
}

double NumberSum::AsDouble() const {
  if (!exact_) return double_sum_;
  return static_cast<double>(unscaled_) / static_cast<double>(Pow10(scale_));
}

Value NumberSum::Result() const {
  if (exact_ && !decimal_ && unscaled_ >= INT64_MIN && unscaled_ <= INT64_MAX) {
    return Value(static_cast<int64_t>(unscaled_));
  }
  Decimal d;
  if (exact_ && decimal_ && MakeDecimal(unscaled_, scale_, &d)) return Value(d);
  return Value(AsDouble());
}

}  // namespace quipu::query
