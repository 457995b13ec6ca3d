#include "mentorsim/core/parallel.hpp"

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>
#include <tbb/version.h>

#include <algorithm>
#include <memory>
#include <mutex>

namespace mentorsim::parallel {
namespace {

std::mutex control_mutex;
std::unique_ptr<tbb::global_control> control;
int current_threads = 0;

}  // namespace

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

void for_blocks(std::size_t n, std::size_t grain, FunctionRef<void(std::size_t, std::size_t)> body) {
  if (n == 0) return;
  grain = std::max<std::size_t>(grain, 1);
  const std::size_t blocks = (n + grain - 1) / grain;
  if (blocks == 1) {
    body(0, n);
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

void sort_u64(std::vector<unsigned long long>& values) { tbb::parallel_sort(values.begin(), values.end()); }

}  // namespace mentorsim::parallel
