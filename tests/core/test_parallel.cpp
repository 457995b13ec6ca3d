// Deterministic parallel helpers: the result must not depend on the thread count.

#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "mentorsim/core/parallel.hpp"

namespace parallel = mentorsim::parallel;

TEST_CASE("indices_where keeps the indices a serial filter keeps, in order, for any thread count", "[parallel]") {
  // Block sizes that do and do not divide n, n below one block, and an empty range.
  for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{1000}, std::size_t{100003}}) {
    const auto keep = [](std::size_t i) { return (i * 2654435761u) % 7 < 3; };
    std::vector<std::uint32_t> expected;
    for (std::size_t i = 0; i < n; ++i) {
      if (keep(i)) expected.push_back(static_cast<std::uint32_t>(i));
    }
    for (const int threads : {1, 2, 4}) {
      parallel::set_threads(threads);
      for (const std::size_t block : {std::size_t{1}, std::size_t{64}, std::size_t{16384}}) {
        INFO("n " << n << ", threads " << threads << ", block " << block);
        CHECK(parallel::indices_where<std::uint32_t>(n, keep, block) == expected);
      }
    }
  }
  parallel::set_threads(0);
}

TEST_CASE("deterministic_reduce folds blocks in block order whatever the thread count", "[parallel]") {
  // Floating-point sums are order dependent: the same blocks in the same order give the same bits.
  std::vector<double> values(50000);
  for (std::size_t i = 0; i < values.size(); ++i)
    values[i] = 1.0 / static_cast<double>(i + 1) * ((i % 3) ? 1.0 : -1e-3);
  auto sum = [&] {
    return parallel::deterministic_reduce(
        values.size(), 0.0,
        [&](std::size_t begin, std::size_t end) {
          double s = 0.0;
          for (std::size_t i = begin; i < end; ++i) s += values[i];
          return s;
        },
        [](double a, double b) { return a + b; }, 1000);
  };
  parallel::set_threads(1);
  const double one = sum();
  parallel::set_threads(2);
  const double two = sum();
  parallel::set_threads(0);
  CHECK(one == two);
  double serial_blocks = 0.0;
  for (std::size_t b = 0; b < values.size(); b += 1000) {
    double s = 0.0;
    for (std::size_t i = b; i < b + 1000; ++i) s += values[i];
    serial_blocks += s;
  }
  CHECK(one == serial_blocks);
}
