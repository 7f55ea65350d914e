// Internal: the 128-bit integer that exact decimal arithmetic runs in, and
// the canonical form (include/quipu/value.h, Decimal). Not installed: the
// public headers stay within ISO C++.
#pragma once

#include "quipu/value.h"

namespace quipu {

__extension__ using Int128 = __int128;

// 10^18: the bound |unscaled| of a decimal stays below.
inline constexpr Int128 kDecimalLimit = 1'000'000'000'000'000'000;

// Brings unscaled / 10^scale (scale 0..18) to canonical form; false when it
// needs more than 18 significant digits.
bool MakeDecimal(Int128 unscaled, int scale, Decimal* out);

}  // namespace quipu
