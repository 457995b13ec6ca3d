// What the machine's memory can deliver: the rates that bound every stage that is waiting for memory
// (docs/performance.md, "How far from the floor"). They are properties of the machine, not of
// mentorsim; they are measured here so that a stage's time can be set against them on the same
// machine, in the same session.
//
//   BM_SequentialRead/MiB:M  the sum of the 64-bit words of an array of M MiB, in tasks of 1 MiB on the
//                       library's worker threads (--threads, as the stages run); bytes_per_second.
//                       M = 1024 (quick mode: 64).
//   BM_RandomLines/MiB:M  one 64-bit word from each of 2^22 cache lines of an array of M MiB, chosen
//                       at random (a fixed seed: the same lines in every run), in tasks of 65,536
//                       lines on the worker threads, the line 16 loads ahead prefetched as the stages
//                       prefetch; items_per_second is lines per second of wall time. M = 24 (about the size of the
//                       skill rows at 1M staff: it fits in a large last-level cache) and 1024 (it does
//                       not). Quick mode: 24 only.
//
// Run with scripts/bench --benchmark_filter='BM_SequentialRead|BM_RandomLines' (add --threads=1 for one
// worker thread).

#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "bench_common.hpp"
#include "mentorsim/core/parallel.hpp"
#include "mentorsim/core/prefetch.hpp"

namespace mentorsim::bench {
namespace {

constexpr std::size_t kMiB = std::size_t{1} << 20;
constexpr std::size_t kWordsPerLine = 64 / sizeof(std::uint64_t);
constexpr std::size_t kLines = std::size_t{1} << 22;  // random lines read per iteration, over all threads

// One array per size, filled once (page faults and filling are not timed), shared by the threads.
const std::vector<std::uint64_t>& words(std::size_t mib) {
  static std::size_t size = 0;
  static std::vector<std::uint64_t> values;
  if (size != mib) {
    values.assign(mib * kMiB / sizeof(std::uint64_t), 0);
    for (std::size_t k = 0; k < values.size(); ++k) values[k] = k * 0x9E3779B97F4A7C15ull;
    size = mib;
  }
  return values;
}

// The random lines of an array of `mib` MiB, the same for every run (std::mt19937_64 is specified).
const std::vector<std::uint32_t>& lines(std::size_t mib) {
  static std::size_t size = 0;
  static std::vector<std::uint32_t> values;
  if (size != mib) {
    std::mt19937_64 engine(20261207);
    const std::uint64_t count = mib * kMiB / 64;
    values.resize(kLines);
    for (std::uint32_t& line : values) line = static_cast<std::uint32_t>(engine() % count);
    size = mib;
  }
  return values;
}

void BM_SequentialRead(benchmark::State& state) {
  const std::vector<std::uint64_t>& array = words(static_cast<std::size_t>(state.range(0)));
  constexpr std::size_t kBlock = kMiB / sizeof(std::uint64_t);  // 1 MiB per task
  std::vector<std::uint64_t> sums(array.size() / kBlock + 1, 0);
  for (auto _ : state) {
    parallel::for_blocks(array.size(), kBlock, [&](std::size_t begin, std::size_t end) {
      std::uint64_t sum = 0;
      for (std::size_t k = begin; k < end; ++k) sum += array[k];
      sums[begin / kBlock] = sum;
    });
    benchmark::DoNotOptimize(sums.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(array.size() * sizeof(std::uint64_t)));
}

void BM_RandomLines(benchmark::State& state) {
  const auto mib = static_cast<std::size_t>(state.range(0));
  const std::vector<std::uint64_t>& array = words(mib);
  const std::vector<std::uint32_t>& chosen = lines(mib);
  constexpr std::size_t kBlock = std::size_t{1} << 16;  // lines per task
  constexpr std::size_t kAhead = 16;
  std::vector<std::uint64_t> sums(kLines / kBlock, 0);
  for (auto _ : state) {
    parallel::for_blocks(kLines, kBlock, [&](std::size_t begin, std::size_t end) {
      std::uint64_t sum = 0;
      const std::uint64_t* base = array.data();
      for (std::size_t k = begin; k < end; ++k) {
        if (k + kAhead < end) prefetch(base + std::size_t{chosen[k + kAhead]} * kWordsPerLine);
        sum += base[std::size_t{chosen[k]} * kWordsPerLine];
      }
      sums[begin / kBlock] = sum;
    });
    benchmark::DoNotOptimize(sums.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(kLines));
}

void sequential_sizes(benchmark::internal::Benchmark* b) {
  b->ArgName("MiB")->Arg(quick() ? 64 : 1024)->UseRealTime()->Unit(benchmark::kMillisecond);
}

void random_sizes(benchmark::internal::Benchmark* b) {
  b->ArgName("MiB")->Arg(24);
  if (!quick()) b->Arg(1024);
  b->UseRealTime()->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_SequentialRead)->Apply(sequential_sizes);
BENCHMARK(BM_RandomLines)->Apply(random_sizes);

}  // namespace
}  // namespace mentorsim::bench
