// mentorsim_bench's main: Google Benchmark's, plus one flag of ours.
//
//   --threads=N   worker threads of the library's parallel loops (0 = all hardware threads, the
//                 default), set once before any benchmark runs, as `mentorsim run --threads` does.
//
// The thread count used, the hardware threads and the huge-page setting are added to the benchmark context (printed in
// the header and stored in the JSON output's "context").

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/core/process_memory.hpp"

int main(int argc, char** argv) {
  // The same heap settings as `mentorsim run` (huge pages, large blocks kept when freed), so the
  // figures are those of the program; may re-execute the program once.
  mentorsim::configure_process_memory(argv);
  int threads = 0;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    constexpr const char* kFlag = "--threads=";
    if (i > 0 && std::strncmp(argv[i], kFlag, std::strlen(kFlag)) == 0) {
      char* end = nullptr;
      const long value = std::strtol(argv[i] + std::strlen(kFlag), &end, 10);
      if (end == argv[i] + std::strlen(kFlag) || *end != '\0' || value < 0 || value > 1024) {
        std::cerr << "mentorsim_bench: error: --threads needs an integer in 0..1024, got '" << argv[i] << "'\n";
        return 2;
      }
      threads = static_cast<int>(value);
      continue;
    }
    args.push_back(argv[i]);
  }
  int count = static_cast<int>(args.size());
  args.push_back(nullptr);

  mentorsim::parallel::set_threads(threads);
  benchmark::AddCustomContext("mentorsim_threads", std::to_string(mentorsim::parallel::threads()));
  benchmark::AddCustomContext("hardware_threads", std::to_string(mentorsim::parallel::hardware_threads()));
  benchmark::AddCustomContext("tbb", mentorsim::parallel::runtime_version());
  benchmark::AddCustomContext("huge_pages", mentorsim::huge_pages_status());

  benchmark::Initialize(&count, args.data());
  if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
