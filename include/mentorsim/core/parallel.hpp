#pragma once
// The one place where thread policy lives. Submodels call these; only src/core/parallel.cpp includes
// TBB. Results never depend on the thread count: loops write disjoint outputs, and reductions split
// the range into fixed blocks (independent of the thread count), reduce each block in order and then
// combine the block results in block order.

#include <cstddef>
#include <string>
#include <vector>

#include "mentorsim/core/function_ref.hpp"

namespace mentorsim::parallel {

// Sets the number of worker threads (0 = all hardware threads). Call before parallel work.
void set_threads(int count);
// The number of threads parallel loops may use.
[[nodiscard]] int threads() noexcept;
// Hardware threads available.
[[nodiscard]] int hardware_threads() noexcept;
// "oneTBB <version>" of the runtime in use.
[[nodiscard]] std::string runtime_version();

// While an object of this class lives, the parallel loops this thread starts run serially on it, block
// after block with the same block boundaries (so with the same results). For work that is already
// parallel at a coarser grain, such as one whole simulation per task of a sweep.
class SerialScope {
 public:
  SerialScope() noexcept;
  ~SerialScope();
  SerialScope(const SerialScope&) = delete;
  SerialScope& operator=(const SerialScope&) = delete;

 private:
  bool previous_;
};
// True inside a SerialScope on this thread.
[[nodiscard]] bool serial() noexcept;

// Calls body(begin, end) on disjoint blocks covering [0, n); block boundaries are multiples of
// `grain` and do not depend on the thread count.
void for_blocks(std::size_t n, std::size_t grain, FunctionRef<void(std::size_t, std::size_t)> body);

// Like for_blocks, with body(slot, begin, end): `slot` is below slots(), and no two bodies that run at
// the same time have the same slot. A body may therefore add into buffers of its slot without atomics;
// which blocks share a slot depends on the scheduling, so the caller must combine the slots' buffers
// into something that does not depend on it (integer sums, maxima, bitwise ORs). A body must not start
// parallel loops of its own (a thread waiting for them could take another block of this loop).
void for_blocks_slotted(std::size_t n, std::size_t grain,
                        FunctionRef<void(std::size_t, std::size_t, std::size_t)> body);
// The number of slots of for_blocks_slotted (at least 1; about the number of hardware threads, whatever
// set_threads chose, so that buffers per slot are allocated lazily, by the slots used).
[[nodiscard]] std::size_t slots() noexcept;

// body(i) for every i in [0, n), in parallel. Each call must write only what i owns.
template <class Body>
void for_each(std::size_t n, Body&& body, std::size_t grain = 1024) {
  for_blocks(n, grain, [&body](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) body(i);
  });
}

// Deterministic reduction: block_result(begin, end) for fixed blocks of `block` elements, then
// combine(acc, block_value) folded left in block order starting from init.
template <class T, class BlockFn, class Combine>
T deterministic_reduce(std::size_t n, T init, BlockFn&& block_result, Combine&& combine, std::size_t block = 4096) {
  if (n == 0) return init;
  const std::size_t blocks = (n + block - 1) / block;
  std::vector<T> partial(blocks, init);
  for_blocks(blocks, 1, [&](std::size_t b0, std::size_t b1) {
    for (std::size_t b = b0; b < b1; ++b) {
      const std::size_t begin = b * block;
      const std::size_t end = begin + block < n ? begin + block : n;
      partial[b] = block_result(begin, end);
    }
  });
  T acc = std::move(init);
  for (auto& value : partial) acc = combine(std::move(acc), std::move(value));
  return acc;
}

// The indices i in [0, n) with keep(i), in increasing order: fixed blocks are filtered in parallel
// and joined in block order, so the result does not depend on the thread count.
template <class Index, class Keep>
std::vector<Index> indices_where(std::size_t n, Keep&& keep, std::size_t block = 16384) {
  if (n == 0) return {};
  const std::size_t blocks = (n + block - 1) / block;
  std::vector<std::vector<Index>> parts(blocks);
  for_blocks(blocks, 1, [&](std::size_t b0, std::size_t b1) {
    for (std::size_t b = b0; b < b1; ++b) {
      const std::size_t end = (b + 1) * block < n ? (b + 1) * block : n;
      for (std::size_t i = b * block; i < end; ++i) {
        if (keep(i)) parts[b].push_back(static_cast<Index>(i));
      }
    }
  });
  std::size_t total = 0;
  for (const auto& part : parts) total += part.size();
  std::vector<Index> out;
  out.reserve(total);
  for (const auto& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

// Sorts [first, last) with operator< in parallel. The result is unique whenever the order is total
// (no two elements compare equivalent), so it does not depend on the thread count.
void sort_u64(std::vector<unsigned long long>& values);

}  // namespace mentorsim::parallel
