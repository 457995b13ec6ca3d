// Kill tests: `mentorsim run` killed with SIGKILL (which no handler can catch) at random points of its
// life leaves the previous results file byte for byte intact, and nothing at the results path or
// beside it that looks like a finished results file; the next run cleans up the stale temporary files.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "mentorsim/io/hdf5_file.hpp"
#include "support/command.hpp"
#include "support/paths.hpp"

using mentorsim::test::run_mentorsim;
using mentorsim::test::TempDir;
using mentorsim::test::write_file;

namespace {

// Big enough that a run lasts a moment, small enough for the suite.
const char* const kScenario = "[run]\nseed = 5\nweeks = 12\nreplicates = 2\n[population]\nsize = 1500\n";

std::vector<char> bytes_of(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Starts `mentorsim run scenario -o output --set run.seed=seed` and returns its process id.
pid_t start_run(const std::filesystem::path& scenario, const std::filesystem::path& output, int seed) {
  const std::string seed_override = "run.seed=" + std::to_string(seed);
  const pid_t child = ::fork();
  if (child == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    ::execl(mentorsim::test::mentorsim_binary().c_str(), mentorsim::test::mentorsim_binary().c_str(), "run",
            scenario.c_str(), "-o", output.c_str(), "--set", seed_override.c_str(), "--threads", "2",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return child;
}

}  // namespace

TEST_CASE("a run killed with SIGKILL at any point leaves the previous results intact", "[cli][kill]") {
  TempDir dir;
  write_file(dir / "s.toml", kScenario);
  const auto output = dir / "results.h5";
  // The previous results, and how long a whole run takes here (kill points spread over it).
  const auto started = std::chrono::steady_clock::now();
  REQUIRE(run_mentorsim("run '" + (dir / "s.toml").string() + "' -o '" + output.string() + "'").exit_code == 0);
  const double run_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  std::vector<char> previous = bytes_of(output);
  REQUIRE(previous.size() > 1000);

  int killed = 0;
  for (const int seed : {101, 202, 303, 404, 505, 606, 707, 808, 909, 1010, 1111, 1212}) {
    std::mt19937 random(static_cast<unsigned>(seed));
    const auto delay = std::chrono::microseconds(
        static_cast<long>(std::uniform_real_distribution<double>(0.0, 1.1 * run_ms)(random) * 1000.0));
    const pid_t child = start_run(dir / "s.toml", output, seed);
    REQUIRE(child > 0);
    std::this_thread::sleep_for(delay);
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    INFO("seed " << seed << ", killed after " << delay.count() / 1000 << " ms of a " << run_ms << " ms run");
    if (WIFSIGNALED(status)) {
      ++killed;
      // The rename of the finished file is the commit point: killed before it, the previous results
      // are intact, byte for byte; killed after it (while the process exits), the file is this run's
      // complete results. Anything else (a partial, corrupt or removed file) fails.
      std::vector<char> now = bytes_of(output);
      const bool intact = now == previous;
      if (!intact) {
        INFO("the file changed: it must be this run's complete results");
        mentorsim::io::InputFile in(output);
        CHECK(in.int_attribute("/meta", "seed") == seed);
        CHECK(in.exists("/outcomes"));
        previous = std::move(now);
      }
    } else {
      // The run finished before the kill: then the file is its complete results.
      REQUIRE(WIFEXITED(status));
      CHECK(WEXITSTATUS(status) == 0);
      mentorsim::io::InputFile in(output);
      CHECK(in.int_attribute("/meta", "seed") == seed);
      // Later kills are compared with this run's results.
      previous = bytes_of(output);
    }
    // Beside it, at most hidden temporary files, whose names say they are partial.
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
      const std::string name = entry.path().filename().string();
      if (name == "s.toml" || name == "results.h5") continue;
      INFO(name);
      CHECK(name.starts_with(".results.h5.partial-"));
    }
  }
  // Most kill points fall inside the run (the rest are checked as finished runs).
  CHECK(killed >= 6);

  // The next run removes the temporary files of the killed runs, and writes complete results.
  REQUIRE(run_mentorsim("run '" + (dir / "s.toml").string() + "' -o '" + output.string() + "'").exit_code == 0);
  std::vector<std::string> left;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    left.push_back(entry.path().filename().string());
  }
  std::sort(left.begin(), left.end());
  CHECK(left == std::vector<std::string>{"results.h5", "s.toml"});
  CHECK(mentorsim::io::InputFile(output).int_attribute("/meta", "seed") == 5);
}
