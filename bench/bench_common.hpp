#pragma once
// Helpers shared by the mentorsim micro-benchmarks: quick mode, scenario text, and memory counters.
//
// Quick mode: with MENTORSIM_BENCH_QUICK=1 in the environment every benchmark registers much smaller
// sizes (about a tenth), so that the whole suite runs in seconds. Use it to check that the suite and
// scripts/bench work, never for numbers.
//
// Memory: peak_rss_mb is the process's resident high-water mark (VmHWM) reached during the benchmark,
// after resetting the mark at its start (Linux: writing 5 to /proc/self/clear_refs). It therefore
// includes whatever the process already held (the benchmark binary, objects cached by earlier
// benchmarks), which is small next to a 1M-agent world. When the reset is not permitted, the mark is
// the process-wide peak so far, and the counter `peak_rss_reset` is 0.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

namespace mentorsim::bench {

// True when MENTORSIM_BENCH_QUICK is set to anything but "" or "0".
inline bool quick() {
  const char* value = std::getenv("MENTORSIM_BENCH_QUICK");
  return value != nullptr && std::string_view(value) != "" && std::string_view(value) != "0";
}

// The size used in quick mode for a benchmark size of n: n / 10, at least 2,000.
inline std::int64_t scaled(std::int64_t n) { return quick() ? std::max<std::int64_t>(n / 10, 2000) : n; }

// The default population (the baseline trio of docs/model.md: hospital, university, institute, with
// their default profession and stage mixes and joint appointments) scaled to `size` staff, with the
// default collegial network (mean degree 10, clustering 0.15), run.weeks = `weeks`, plus `extra` TOML
// (tables other than [run], [population] and [network]).
inline std::string population_toml(std::int64_t size, std::string_view extra = {}, int weeks = 104) {
  std::string text = "[run]\nseed = 20240601\nweeks = " + std::to_string(weeks) +
                     "\n[population]\nsize = " + std::to_string(size) + "\n[network]\nmean_degree = 10\n";
  text += extra;
  return text;
}

// A /proc/self/status field in kB (VmRSS, VmHWM), or -1.
inline long proc_status_kb(std::string_view field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.size() > field.size() && line.compare(0, field.size(), field) == 0 && line[field.size()] == ':') {
      return std::strtol(line.c_str() + field.size() + 1, nullptr, 10);
    }
  }
  return -1;
}

// Resets the resident high-water mark; false when the kernel does not allow it.
inline bool reset_peak_rss() {
  std::ofstream clear("/proc/self/clear_refs");
  if (!clear) return false;
  clear << "5";
  clear.flush();
  return static_cast<bool>(clear);
}

// Call at the start of a benchmark function (before its setup), and finish() at its end: adds
// peak_rss_mb (high-water mark during the benchmark, setup included) and rss_mb (resident at the end).
class MemoryProbe {
 public:
  MemoryProbe() : reset_(reset_peak_rss()) {}
  void finish(benchmark::State& state) const {
    state.counters["peak_rss_mb"] = static_cast<double>(proc_status_kb("VmHWM")) / 1024.0;
    state.counters["rss_mb"] = static_cast<double>(proc_status_kb("VmRSS")) / 1024.0;
    state.counters["peak_rss_reset"] = reset_ ? 1.0 : 0.0;
  }

 private:
  bool reset_;
};

}  // namespace mentorsim::bench
