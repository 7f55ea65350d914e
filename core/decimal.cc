// The exact decimal type's arithmetic-free helpers: canonical form, text in
// and out, and the nearest double (include/quipu/value.h).
#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <string>

#include "core/decimal_math.h"

namespace quipu {
namespace {

constexpr int kMaxScale = 18;

}  // namespace

bool MakeDecimal(Int128 unscaled, int scale, Decimal* out) {
  if (scale < 0 || scale > kMaxScale) return false;
  while (scale > 0 && unscaled % 10 == 0) {
    unscaled /= 10;
    --scale;
  }
  if (unscaled >= kDecimalLimit || unscaled <= -kDecimalLimit) return false;
  *out = Decimal{static_cast<int64_t>(unscaled), static_cast<uint8_t>(scale)};
  return true;
}

bool ParseDecimal(std::string_view text, Decimal* out) {
  size_t i = 0;
  const bool negative = i < text.size() && text[i] == '-';
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  Int128 unscaled = 0;
  int scale = 0, digits = 0, significant = 0;
  bool point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.' && !point) {
      point = true;
      continue;
    }
    if (c < '0' || c > '9') return false;
    ++digits;
    if (point && ++scale > kMaxScale) return false;
    if (unscaled != 0 || c != '0') ++significant;
    // Trailing zeros after the point are dropped by MakeDecimal, but they
    // still count here: 19 digits are refused whatever they are.
    if (significant > kMaxScale) return false;
    unscaled = unscaled * 10 + (c - '0');
  }
  if (digits == 0) return false;
  return MakeDecimal(negative ? -unscaled : unscaled, scale, out);
}

std::string FormatDecimal(Decimal d) {
  const bool negative = d.unscaled < 0;
  // |INT64_MIN| never occurs: |unscaled| < 10^18.
  std::string digits = std::to_string(negative ? -d.unscaled : d.unscaled);
  if (d.scale > 0) {
    if (digits.size() <= d.scale) digits.insert(0, d.scale + 1 - digits.size(), '0');
    digits.insert(digits.size() - d.scale, 1, '.');
  }
  return negative ? "-" + digits : digits;
}

double DecimalToDouble(Decimal d) {
  // Through the text: strtod rounds correctly, a division by 10^scale would not.
  const std::string text = FormatDecimal(d);
  double value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

}  // namespace quipu
