// OrderedUpdates: updates made in parallel blocks reach each key in the order of a serial loop.

#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "mentorsim/core/ordered_updates.hpp"
#include "mentorsim/core/parallel.hpp"

namespace parallel = mentorsim::parallel;
using mentorsim::OrderedUpdates;

namespace {

struct Update {
  std::uint32_t key;
  double value;
};

// x <- x / 2 + value: the result depends on the order of a key's updates.
void step(double& x, double value) { x = x / 2 + value; }

}  // namespace

TEST_CASE("OrderedUpdates applies each key's updates in loop order (hand-computed)", "[parallel]") {
  // Block 0: key 1 gets 1 then 2, key 3 gets 1; block 1: key 1 gets 4, key 0 gets 8.
  // Key 1: 0 -> 1 -> 2.5 -> 5.25; key 3: 1; key 0: 8; key 2: untouched.
  for (const int threads : {1, 2}) {
    parallel::set_threads(threads);
    OrderedUpdates<Update> updates(2, 4);
    std::vector<Update> block0{{1, 1.0}, {1, 2.0}, {3, 1.0}};
    std::vector<Update> block1{{1, 4.0}, {0, 8.0}};
    updates.set_block(0, block0, [](const Update& u) { return u.key; });
    updates.set_block(1, block1, [](const Update& u) { return u.key; });
    CHECK(block0.empty());
    CHECK(block1.empty());
    std::vector<double> x(4, 0.0);
    updates.apply([](const Update&) {}, [&](const Update& u) { step(x[u.key], u.value); });
    CHECK(x == std::vector<double>{8.0, 5.25, 0.0, 1.0});
  }
  parallel::set_threads(0);
}

TEST_CASE("OrderedUpdates gives a serial loop's result for any thread count and key bound", "[parallel]") {
  for (const std::uint32_t keys : {1u, 5u, 16u, 17u, 1000u}) {
    // 40 blocks of 0-99 updates with keys and values from a fixed hash.
    std::vector<std::vector<Update>> made(40);
    std::uint64_t h = 88172645463325252ull;
    const auto next = [&] {
      h ^= h << 13;
      h ^= h >> 7;
      h ^= h << 17;
      return h;
    };
    for (auto& block : made) {
      block.resize(next() % 100);
      for (Update& u : block) u = Update{static_cast<std::uint32_t>(next() % keys), static_cast<double>(next() % 1000)};
    }
    std::vector<double> serial(keys, 0.0);
    for (const auto& block : made) {
      for (const Update& u : block) step(serial[u.key], u.value);
    }
    for (const int threads : {1, 2, 4}) {
      INFO("keys " << keys << ", threads " << threads);
      parallel::set_threads(threads);
      OrderedUpdates<Update> updates(made.size(), keys);
      parallel::for_each(
          made.size(),
          [&](std::size_t b) {
            std::vector<Update> copy = made[b];
            updates.set_block(b, copy, [](const Update& u) { return u.key; });
          },
          1);
      std::vector<double> x(keys, 0.0);
      updates.apply([](const Update&) {}, [&](const Update& u) { step(x[u.key], u.value); });
      CHECK(x == serial);  // bitwise: the same operations in the same order for every key
      // Block by block, each key's updates keep their order within the block.
      for (std::size_t b = 0; b < made.size(); ++b) {
        std::vector<double> expected(keys, 0.0);
        for (const Update& u : made[b]) step(expected[u.key], u.value);
        std::vector<double> got(keys, 0.0);
        updates.for_each_block([&](std::size_t visited, const std::vector<Update>& block) {
          if (visited != b) return;
          for (const Update& u : block) step(got[u.key], u.value);
        });
        CHECK(got == expected);
      }
    }
  }
  parallel::set_threads(0);
}
