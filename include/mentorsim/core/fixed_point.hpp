#pragma once
// Fixed-point sums: per-agent or per-unit totals that many threads add to in any order. Integer sums do
// not depend on the order of the additions, so a total summed in parallel is the same for any thread
// count, where a floating-point sum would not be.

#include <cstdint>

namespace mentorsim {

// Values are stored as round(x * kFixedPoint): a resolution of 2^-32, far below any effect.
inline constexpr double kFixedPoint = 4294967296.0;

// std::llround(x) (nearest integer, halves away from zero) for |x| < 2^63, without its library call
// (a hot loop makes several per dyad and week). x - trunc(x) is exact below 2^52, and above it every
// double is an integer, so the result is llround's.
inline std::int64_t round_half_away(double x) noexcept {
  auto i = static_cast<std::int64_t>(x);  // toward zero
  const double fraction = x - static_cast<double>(i);
  if (fraction >= 0.5) {
    ++i;
  } else if (fraction <= -0.5) {
    --i;
  }
  return i;
}

// x in fixed point.
inline std::int64_t to_fixed(double x) noexcept { return round_half_away(x * kFixedPoint); }

}  // namespace mentorsim
