// Largest-remainder apportionment (core/apportion.hpp): exact totals, documented tie-breaking.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include "mentorsim/core/apportion.hpp"
#include "mentorsim/core/rng.hpp"

using mentorsim::Purpose;
using mentorsim::Stream;

namespace {
constexpr mentorsim::Seed kApportionSeed = 20240611;
}  // namespace

TEST_CASE("apportion splits by largest remainder, exact in total", "[apportion]") {
  using V = std::vector<std::uint64_t>;
  // 101 x (0.5, 0.3, 0.2) = 50.5, 30.3, 20.2: floors 50, 30, 20 leave 1, to the largest remainder 0.5.
  CHECK(mentorsim::apportion(101, std::vector<double>{0.5, 0.3, 0.2}) == V{51, 30, 20});
  // 7 x (0.1, 0.2, 0.3, 0.4) = 0.7, 1.4, 2.1, 2.8: floors 0, 1, 2, 2 leave 2, to remainders 0.8 and 0.7.
  CHECK(mentorsim::apportion(7, std::vector<double>{0.1, 0.2, 0.3, 0.4}) == V{1, 1, 2, 3});
  // Weights need not sum to one: 10 x (2, 3) / 5 = 4, 6.
  CHECK(mentorsim::apportion(10, std::vector<double>{2.0, 3.0}) == V{4, 6});
  CHECK(mentorsim::apportion(0, std::vector<double>{1.0, 1.0}) == V{0, 0});
  CHECK(mentorsim::apportion(5, std::vector<double>{}).empty());
  CHECK(mentorsim::apportion(5, std::vector<double>{0.0, 0.0}) == V{0, 0});
}

TEST_CASE("apportion gives tied remainders to the lower index and nothing to zero weights", "[apportion]") {
  using V = std::vector<std::uint64_t>;
  // 10 / 3 = 3.33 each: one unit left, the three remainders tie, the first index gets it.
  CHECK(mentorsim::apportion(10, std::vector<double>{1.0, 1.0, 1.0}) == V{4, 3, 3});
  // 11 / 3: two units left, to indices 0 and 1.
  CHECK(mentorsim::apportion(11, std::vector<double>{1.0, 1.0, 1.0}) == V{4, 4, 3});
  // 5 x (0, 1, 0, 1) / 2 = 0, 2.5, 0, 2.5: the tie between 1 and 3 goes to 1; zero weights stay 0.
  CHECK(mentorsim::apportion(5, std::vector<double>{0.0, 1.0, 0.0, 1.0}) == V{0, 3, 0, 2});
  // 23 x (0.2, 0.3, 0.3, 0.2) = 4.6, 6.9, 6.9, 4.6: three left, to both 0.9s and then the first 0.6.
  CHECK(mentorsim::apportion(23, std::vector<double>{0.2, 0.3, 0.3, 0.2}) == V{5, 7, 7, 4});
}

TEST_CASE("apportion parts sum to the total and lie within one of the exact share", "[apportion]") {
  Stream s(kApportionSeed, 0, 0, Purpose::population_layout, 77);
  for (int trial = 0; trial < 500; ++trial) {
    const std::size_t parts = 1 + s.below(12);
    const std::uint64_t total = s.below(100'000);
    std::vector<double> weights(parts);
    for (auto& w : weights) w = s.bernoulli(0.2) ? 0.0 : s.uniform();
    const double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
    const auto result = mentorsim::apportion(total, weights);
    REQUIRE(result.size() == parts);
    if (sum <= 0.0) continue;
    CHECK(std::accumulate(result.begin(), result.end(), std::uint64_t{0}) == total);
    for (std::size_t i = 0; i < parts; ++i) {
      const double exact = static_cast<double>(total) * weights[i] / sum;
      CHECK(std::fabs(static_cast<double>(result[i]) - exact) < 1.0);
      if (weights[i] == 0.0) CHECK(result[i] == 0u);
    }
  }
}
