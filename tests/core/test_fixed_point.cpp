// round_half_away must give std::llround's integer for every double the fixed-point sums can meet.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

#include "mentorsim/core/fixed_point.hpp"
#include "mentorsim/core/rng.hpp"

TEST_CASE("round_half_away is std::llround on halves, their neighbours, large values and random doubles",
          "[fixed_point]") {
  std::vector<double> values{0.0,
                             -0.0,
                             0.5,
                             -0.5,
                             1.5,
                             -1.5,
                             2.5,
                             -2.5,
                             0.49999999999999994,
                             -0.49999999999999994,
                             4503599627370495.5,
                             -4503599627370495.5,
                             4503599627370496.0,
                             9007199254740993.0,
                             4611686018427387904.0,
                             -4611686018427387904.0,
                             4294967296.0,
                             1e-300,
                             -1e-300};
  // Every k + 1/2 for small k and the doubles on either side of it.
  for (int k = -1000; k <= 1000; ++k) {
    const double half = k + 0.5;
    values.push_back(half);
    values.push_back(std::nextafter(half, 1e300));
    values.push_back(std::nextafter(half, -1e300));
  }
  // Random magnitudes from 2^-40 to 2^62, both signs, and the fixed-point products of the unit interval.
  mentorsim::Stream stream(2026, 0, 0, mentorsim::Purpose::pairing, 1);
  for (int i = 0; i < 200000; ++i) {
    const double u = stream.uniform();
    values.push_back(std::ldexp(u, static_cast<int>(stream.below(103)) - 40) * (i % 2 == 0 ? 1.0 : -1.0));
    values.push_back(u * mentorsim::kFixedPoint);
  }
  std::size_t wrong = 0;
  for (double x : values) {
    if (mentorsim::round_half_away(x) != std::llround(x)) {
      ++wrong;
      UNSCOPED_INFO("x = " << x);
    }
  }
  CHECK(wrong == 0);
  CHECK(mentorsim::to_fixed(0.25) == std::int64_t{1073741824});
  CHECK(mentorsim::to_fixed(-0.25) == std::int64_t{-1073741824});
}
