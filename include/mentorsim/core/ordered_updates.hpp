#pragma once
// Updates of per-agent (or per-tie, ...) state that must be applied in the order of a serial loop
// (floating-point additions, or chains such as c += r * (1 - c), whose result depends on the order),
// applied in parallel anyway.
//
// Each update has a key: the id of what it updates (an agent, or a tie's first arc), below a bound.
// The updates are produced in fixed blocks of a loop (in parallel, each block into its own list, in
// loop order). Each block's list is then split, keeping its order, into kRanges parts by the range of
// keys its updates go to, and the ranges are applied in parallel: range r walks the blocks in order
// and applies their part r in order. Every key lies in one range, so what it names receives its
// updates in the order of the serial loop (blocks in order, each block's updates in order), whatever
// the thread count, and no two threads update the same thing.

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "mentorsim/core/parallel.hpp"

namespace mentorsim {

template <class Update>
class OrderedUpdates {
 public:
  static constexpr std::size_t kRanges = 16;

  // Room for `blocks` blocks of updates with keys below `keys`.
  OrderedUpdates(std::size_t blocks, std::uint64_t keys) : blocks_(blocks), keys_(keys) {}

  // The range of keys that key k belongs to.
  [[nodiscard]] std::size_t range_of(std::uint64_t k) const noexcept {
    return static_cast<std::size_t>(k * kRanges / (keys_ == 0 ? 1 : keys_));
  }

  // Stores block b's updates (in loop order; key_of(update) is the key of each), split stably by
  // range. Call once per block, from the task that made them; `updates` is left empty.
  template <class KeyOf>
  void set_block(std::size_t b, std::vector<Update>& updates, KeyOf&& key_of) {
    Block& block = blocks_[b];
    std::array<std::uint32_t, kRanges> counts{};
    for (const Update& u : updates) ++counts[range_of(key_of(u))];
    block.starts[0] = 0;
    for (std::size_t r = 0; r < kRanges; ++r) block.starts[r + 1] = block.starts[r] + counts[r];
    std::array<std::uint32_t, kRanges> next{};
    for (std::size_t r = 0; r < kRanges; ++r) next[r] = block.starts[r];
    block.updates.resize(updates.size());
    for (const Update& u : updates) block.updates[next[range_of(key_of(u))]++] = u;
    updates.clear();
  }

  // apply(update) for every update, those with one key in loop order; ranges in parallel. ahead(update) is
  // called kAhead updates of a block's part before apply (to prefetch what apply will touch).
  template <class Ahead, class Apply>
  void apply(Ahead&& ahead, Apply&& apply) const {
    constexpr std::uint32_t kAhead = 16;
    parallel::for_each(
        kRanges,
        [&](std::size_t r) {
          for (const Block& block : blocks_) {
            const std::uint32_t end = block.starts[r + 1];
            for (std::uint32_t k = block.starts[r]; k < end; ++k) {
              if (k + kAhead < end) ahead(block.updates[k + kAhead]);
              apply(block.updates[k]);
            }
          }
        },
        1);
  }

  // visit(b, updates) for each block b, blocks in parallel; a block's updates are ordered by range and
  // then in loop order (so those with one key keep their loop order).
  template <class Visit>
  void for_each_block(Visit&& visit) const {
    parallel::for_each(
        blocks_.size(), [&](std::size_t b) { visit(b, blocks_[b].updates); }, 1);
  }

 private:
  struct Block {
    std::vector<Update> updates;
    std::array<std::uint32_t, kRanges + 1> starts{};
  };
  std::vector<Block> blocks_;
  std::uint64_t keys_;
};

}  // namespace mentorsim
