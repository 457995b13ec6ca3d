// Deterministic parallel helpers: the result must not depend on the thread count.

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <mutex>
#include <numeric>
#include <thread>
#include <vector>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/core/rng.hpp"

namespace parallel = mentorsim::parallel;
using mentorsim::Purpose;
using mentorsim::Stream;

namespace {
constexpr mentorsim::Seed kParallelSeed = 20240611;
}  // namespace

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

TEST_CASE("deterministic_reduce gives the same bits with 1 and 2 threads on an order-dependent sum", "[parallel]") {
  // Terms of wildly different magnitude and sign, so floating-point addition order changes the result.
  constexpr std::size_t n = 50'000;
  constexpr std::size_t block = 97;
  std::vector<double> terms(n);
  Stream s(kParallelSeed, 0, 0, Purpose::culture, 0);
  for (auto& t : terms) t = (s.uniform() - 0.5) * std::pow(10.0, static_cast<double>(s.below(30)) - 15.0);
  // The sum depends on order: forward and backward summation differ.
  const double forward = std::accumulate(terms.begin(), terms.end(), 0.0);
  const double backward = std::accumulate(terms.rbegin(), terms.rend(), 0.0);
  REQUIRE(forward != backward);

  // The documented contract: each block of `block` terms summed in order, block sums folded in order.
  double expected = 0.0;
  for (std::size_t begin = 0; begin < n; begin += block) {
    double partial = 0.0;
    for (std::size_t i = begin; i < std::min(n, begin + block); ++i) partial += terms[i];
    expected += partial;
  }
  auto reduce = [&] {
    return mentorsim::parallel::deterministic_reduce(
        n, 0.0,
        [&](std::size_t begin, std::size_t end) {
          double partial = 0.0;
          for (std::size_t i = begin; i < end; ++i) partial += terms[i];
          return partial;
        },
        [](double acc, double value) { return acc + value; }, block);
  };
  mentorsim::parallel::set_threads(1);
  const double one = reduce();
  mentorsim::parallel::set_threads(2);
  const double two = reduce();
  mentorsim::parallel::set_threads(0);
  CHECK(std::bit_cast<std::uint64_t>(one) == std::bit_cast<std::uint64_t>(two));
  CHECK(std::bit_cast<std::uint64_t>(one) == std::bit_cast<std::uint64_t>(expected));
  CHECK(mentorsim::parallel::deterministic_reduce(
            0, 7.0, [](std::size_t, std::size_t) { return 1.0; }, [](double a, double b) { return a + b; }) == 7.0);
}

TEST_CASE("for_each visits every index exactly once, with 1 or 2 threads", "[parallel]") {
  constexpr std::size_t n = 100'003;
  for (const int threads : {1, 2}) {
    CAPTURE(threads);
    mentorsim::parallel::set_threads(threads);
    CHECK(mentorsim::parallel::threads() == threads);
    std::vector<std::atomic<int>> visits(n);
    for (auto& v : visits) v.store(0);
    mentorsim::parallel::for_each(
        n, [&](std::size_t i) { visits[i].fetch_add(1); }, 7);
    std::size_t wrong = 0;
    for (const auto& v : visits) wrong += v.load() != 1 ? 1 : 0;
    CHECK(wrong == 0);
  }
  mentorsim::parallel::set_threads(0);
}

TEST_CASE("for_blocks splits 0 to n into disjoint blocks on multiples of the grain", "[parallel]") {
  mentorsim::parallel::set_threads(2);
  constexpr std::size_t n = 10'001;
  constexpr std::size_t grain = 64;
  std::vector<std::atomic<int>> covered(n);
  for (auto& c : covered) c.store(0);
  std::atomic<int> misaligned{0};
  mentorsim::parallel::for_blocks(n, grain, [&](std::size_t begin, std::size_t end) {
    if (begin % grain != 0 || (end % grain != 0 && end != n) || begin >= end) misaligned.fetch_add(1);
    for (std::size_t i = begin; i < end; ++i) covered[i].fetch_add(1);
  });
  mentorsim::parallel::set_threads(0);
  CHECK(misaligned.load() == 0);
  CHECK(std::all_of(covered.begin(), covered.end(), [](const std::atomic<int>& c) { return c.load() == 1; }));
}

TEST_CASE("inside a SerialScope loops run on the calling thread, block by block, with the same blocks", "[parallel]") {
  parallel::set_threads(4);
  const std::size_t n = 10000;
  const std::size_t grain = 64;
  std::vector<std::pair<std::size_t, std::size_t>> serial_blocks;
  const auto caller = std::this_thread::get_id();
  bool other_thread = false;
  {
    const parallel::SerialScope serial;
    CHECK(parallel::serial());
    parallel::for_blocks(n, grain, [&](std::size_t begin, std::size_t end) {
      serial_blocks.emplace_back(begin, end);  // no lock needed: one thread only
      other_thread |= std::this_thread::get_id() != caller;
    });
    std::vector<unsigned long long> values = {5, 3, 9, 1};
    parallel::sort_u64(values);
    CHECK(values == std::vector<unsigned long long>{1, 3, 5, 9});
  }
  CHECK_FALSE(parallel::serial());
  CHECK_FALSE(other_thread);
  // The blocks a parallel run uses, in order.
  std::mutex mutex;
  std::vector<std::pair<std::size_t, std::size_t>> parallel_blocks;
  parallel::for_blocks(n, grain, [&](std::size_t begin, std::size_t end) {
    const std::lock_guard lock(mutex);
    for (std::size_t b = begin; b < end; b += grain) parallel_blocks.emplace_back(b, std::min(end, b + grain));
  });
  std::sort(parallel_blocks.begin(), parallel_blocks.end());
  CHECK(serial_blocks == parallel_blocks);
  // Scopes nest: leaving the inner one keeps the outer one serial.
  {
    const parallel::SerialScope outer;
    { const parallel::SerialScope inner; }
    CHECK(parallel::serial());
  }
  parallel::set_threads(0);
}

TEST_CASE("for_blocks_slotted gives bodies that run at the same time different slots", "[parallel]") {
  // Every block once, on multiples of the grain; every slot below slots(); no slot held by two bodies
  // at once (each body marks its slot busy while it works, and sleeps a little so that bodies overlap);
  // per-slot integer sums add up to the serial sum, for 1, 2 and 4 threads and inside a SerialScope.
  constexpr std::size_t n = 20'011;
  constexpr std::size_t grain = 512;
  const auto run = [&](int threads, bool serial) {
    parallel::set_threads(threads);
    const std::size_t slots = parallel::slots();
    CHECK(slots >= 1);
    std::vector<std::atomic<int>> busy(slots);
    for (auto& b : busy) b.store(0);
    std::vector<std::atomic<int>> covered(n);
    for (auto& c : covered) c.store(0);
    std::vector<std::uint64_t> sums(slots, 0);  // plain: a slot's body runs alone
    std::atomic<int> clashes{0};
    std::atomic<int> outside{0};
    std::atomic<int> misaligned{0};
    std::atomic<int> nonzero_slot{0};
    const auto loop = [&] {
      parallel::for_blocks_slotted(n, grain, [&](std::size_t slot, std::size_t begin, std::size_t end) {
        if (slot >= slots) {
          outside.fetch_add(1);
          return;
        }
        if (slot != 0) nonzero_slot.fetch_add(1);
        if (busy[slot].fetch_add(1) != 0) clashes.fetch_add(1);
        if (begin % grain != 0 || (end % grain != 0 && end != n) || begin >= end) misaligned.fetch_add(1);
        for (std::size_t i = begin; i < end; ++i) {
          covered[i].fetch_add(1);
          sums[slot] += i * i;
        }
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        busy[slot].fetch_sub(1);
      });
    };
    if (serial) {
      const parallel::SerialScope scope;
      loop();
    } else {
      loop();
    }
    parallel::set_threads(0);
    CHECK(outside.load() == 0);
    CHECK(clashes.load() == 0);
    CHECK(misaligned.load() == 0);
    if (serial) CHECK(nonzero_slot.load() == 0);  // serially, slot 0 is the only one in use
    CHECK(std::all_of(covered.begin(), covered.end(), [](const std::atomic<int>& c) { return c.load() == 1; }));
    std::uint64_t expected = 0;
    for (std::size_t i = 0; i < n; ++i) expected += i * i;
    CHECK(std::accumulate(sums.begin(), sums.end(), std::uint64_t{0}) == expected);
  };
  for (const int threads : {1, 2, 4}) {
    INFO("threads " << threads);
    run(threads, false);
  }
  run(4, true);
}
