// NumberSum: how sum() adds numbers, for the aggregate and for sums over a
// path's or list's values alike.
#pragma once

#include "core/decimal_math.h"
#include "quipu/value.h"

namespace quipu::query {

// Exact while every value is an integer or a decimal: the sum is an integer
// while all are integers (and it fits int64), a decimal once one is a decimal
// (while it fits 18 significant digits); in double precision once a float
// comes or the exact sum no longer fits.
class NumberSum {
 public:
  // REQUIRES: v.is_numeric().
  void Add(const Value& v);
  Value Result() const;
  double AsDouble() const;

 private:
  void ToDouble();

  bool exact_ = true;
  bool decimal_ = false;
  Int128 unscaled_ = 0;
  int scale_ = 0;
  double double_sum_ = 0;
};

}  // namespace quipu::query
