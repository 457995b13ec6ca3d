#include "mentorsim/core/parallel.hpp"

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>
#include <tbb/task_arena.h>
#include <tbb/version.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace mentorsim::parallel {
namespace {

std::mutex control_mutex;
std::unique_ptr<tbb::global_control> control;
int current_threads = 0;
thread_local bool serial_here = false;

}  // namespace

SerialScope::SerialScope() noexcept : previous_(serial_here) { serial_here = true; }
SerialScope::~SerialScope() { serial_here = previous_; }
bool serial() noexcept { return serial_here; }

int hardware_threads() noexcept { return std::max(1, tbb::info::default_concurrency()); }

void set_threads(int count) {
  const std::lock_guard lock(control_mutex);
  const int resolved = count > 0 ? count : hardware_threads();
  control.reset();
  control = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                  static_cast<std::size_t>(resolved));
  current_threads = resolved;
}

std::string runtime_version() { return std::string("oneTBB ") + TBB_runtime_version(); }

int threads() noexcept {
  const std::lock_guard lock(control_mutex);
  return current_threads > 0 ? current_threads : hardware_threads();
}

#if defined(__SANITIZE_THREAD__)
#define MENTORSIM_THREAD_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MENTORSIM_THREAD_SANITIZER 1
#endif
#endif

#if defined(MENTORSIM_THREAD_SANITIZER)
// ThreadSanitizer build (the tsan preset): Debian's oneTBB library is not instrumented, so TSan cannot
// see how its scheduler hands a task to a worker and reports that hand-off as a data race. Here the
// blocks run on plain std::threads (created and joined per call, which TSan understands), with the same
// contract: every block exactly once, in any order, on up to threads() threads. Data races in the
// bodies, the engine's code, are then what TSan reports.
void for_blocks(std::size_t n, std::size_t grain, FunctionRef<void(std::size_t, std::size_t)> body) {
  if (n == 0) return;
  grain = std::max<std::size_t>(grain, 1);
  const std::size_t blocks = (n + grain - 1) / grain;
  const std::size_t workers = serial_here ? 1 : std::min<std::size_t>(blocks, static_cast<std::size_t>(threads()));
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t b; (b = next.fetch_add(1)) < blocks;) body(b * grain, std::min(n, (b + 1) * grain));
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < workers; ++t) pool.emplace_back(work);
  work();
  for (auto& thread : pool) thread.join();
}

void for_blocks_slotted(std::size_t n, std::size_t grain,
                        FunctionRef<void(std::size_t, std::size_t, std::size_t)> body) {
  if (n == 0) return;
  grain = std::max<std::size_t>(grain, 1);
  const std::size_t blocks = (n + grain - 1) / grain;
  const std::size_t workers = serial_here ? 1 : std::min({blocks, static_cast<std::size_t>(threads()), slots()});
  std::atomic<std::size_t> next{0};
  const auto work = [&](std::size_t slot) {
    for (std::size_t b; (b = next.fetch_add(1)) < blocks;) body(slot, b * grain, std::min(n, (b + 1) * grain));
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < workers; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& thread : pool) thread.join();
}

std::size_t slots() noexcept { return static_cast<std::size_t>(std::max(1, threads())); }

void sort_u64(std::vector<unsigned long long>& values) { std::sort(values.begin(), values.end()); }
#else
void for_blocks(std::size_t n, std::size_t grain, FunctionRef<void(std::size_t, std::size_t)> body) {
  if (n == 0) return;
  grain = std::max<std::size_t>(grain, 1);
  const std::size_t blocks = (n + grain - 1) / grain;
  if (blocks == 1) {
    body(0, n);
    return;
  }
  if (serial_here) {
    for (std::size_t b = 0; b < blocks; ++b) body(b * grain, std::min(n, (b + 1) * grain));
    return;
  }
  // simple_partitioner with grain 1 over block indices: each task is a whole number of blocks.
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, blocks, 1),
      [&](const tbb::blocked_range<std::size_t>& r) {
        const std::size_t begin = r.begin() * grain;
        const std::size_t end = std::min(n, r.end() * grain);
        body(begin, end);
      },
      tbb::simple_partitioner{});
}

std::size_t slots() noexcept {
  // The arena's threads are numbered below its concurrency, which set_threads may lower but not raise.
  return static_cast<std::size_t>(std::max({1, tbb::this_task_arena::max_concurrency(), hardware_threads()}));
}

void for_blocks_slotted(std::size_t n, std::size_t grain,
                        FunctionRef<void(std::size_t, std::size_t, std::size_t)> body) {
  if (n == 0) return;
  grain = std::max<std::size_t>(grain, 1);
  const std::size_t blocks = (n + grain - 1) / grain;
  if (blocks == 1 || serial_here) {
    // Serial: one body at a time on this thread, so slot 0 is free for it.
    for (std::size_t b = 0; b < blocks; ++b) body(0, b * grain, std::min(n, (b + 1) * grain));
    return;
  }
  const std::size_t count = slots();
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, blocks, 1),
      [&](const tbb::blocked_range<std::size_t>& r) {
        // The thread's index in the arena: no two threads of the arena share it.
        const int index = tbb::this_task_arena::current_thread_index();
        if (index < 0 || static_cast<std::size_t>(index) >= count) {
          throw std::logic_error("for_blocks_slotted: thread index outside the arena's slots");
        }
        body(static_cast<std::size_t>(index), r.begin() * grain, std::min(n, r.end() * grain));
      },
      tbb::simple_partitioner{});
}

void sort_u64(std::vector<unsigned long long>& values) {
  if (serial_here) {
    std::sort(values.begin(), values.end());
  } else {
    tbb::parallel_sort(values.begin(), values.end());
  }
}
#endif

}  // namespace mentorsim::parallel
