// The sweep, merge and power commands: one-line errors with exit codes and nothing written, a real
// SIGKILL and a Ctrl-C in the middle of a sweep followed by --resume, and MPI ranks that give the
// single-process file.

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <chrono>
#include <thread>

#include "experiment_fixture.hpp"
#include "mentorsim/core/errors.hpp"
#include "mentorsim/experiment/experiment.hpp"
#include "mentorsim/experiment/journal.hpp"
#include "mentorsim/experiment/sweep.hpp"
#include "support/command.hpp"
#include "support/h5_compare.hpp"
#include "support/paths.hpp"
#include "support/text.hpp"

using mentorsim::test::ExperimentDir;
using mentorsim::test::h5_differences;
using mentorsim::test::run_mentorsim;
using mentorsim::test::write_file;

namespace {

using mentorsim::test::count_lines;

// Lines that report an error (warnings may precede them).
std::size_t count_errors(const std::string& text) {
  std::size_t n = 0;
  for (std::size_t at = text.find("mentorsim: error: "); at != std::string::npos;
       at = text.find("mentorsim: error: ", at + 1)) {
    ++n;
  }
  return n;
}

std::string quoted(const std::filesystem::path& p) {
  std::string out = "'";
  out += p.string();
  out += '\'';
  return out;
}

// 24 runs of a 1000-staff workforce over 30 weeks: long enough to be stopped in the middle.
const char* const kSlowExperiment = R"(scenario = "base.toml"
replicates = 3
outcomes = ["coverage", "retention", "satisfaction_change"]
timeseries = ["satisfaction"]
[[dimensions]]
key = "network.mean_degree"
values = [6, 8, 10, 12]
[[dimensions]]
key = "arms.1.uptake"
values = [0.3, 0.6]
)";

std::string slow_scenario() {
  std::string s = mentorsim::test::kSweepScenario;
  s.replace(s.find("size = 300"), 10, "size = 1000");
  s.replace(s.find("weeks = 8"), 9, "weeks = 30");
  s.replace(s.find("duration_weeks = 6"), 18, "duration_weeks = 26");
  return s;
}

// Starts `mentorsim ARGS...` in the background; returns its pid.
pid_t spawn(const std::vector<std::string>& args, const std::filesystem::path& log) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(mentorsim::test::mentorsim_binary().c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(mentorsim::test::mentorsim_binary().c_str(), argv.data());
    ::_exit(127);
  }
  return pid;
}

// Runs recorded in a journal so far (0 while it does not exist yet).
std::size_t journal_runs(const std::filesystem::path& path) {
  try {
    return mentorsim::experiment::read_journal(path, false).runs.size();
  } catch (const mentorsim::IoError&) {
    return 0;
  }
}

// Waits until the journal holds at least `runs` runs (or the process ended); true if it does.
bool wait_for_runs(pid_t pid, const std::filesystem::path& journal, std::size_t runs) {
  for (int i = 0; i < 60000; ++i) {
    if (journal_runs(journal) >= runs) return true;
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return false;
}

}  // namespace

TEST_CASE("sweep reports every experiment error on its own line, exits 2 and writes nothing", "[cli][experiment]") {
  ExperimentDir dir(
      "scenario = \"base.toml\"\ndesing = \"grid\"\n[[dimensions]]\nkey = \"network.clustering\"\n"
      "values = [0.1, 0.7]\n");
  const auto r = run_mentorsim("sweep " + quoted(dir.experiment()) + " -o " + quoted(dir.path("out.h5")));
  CHECK(r.exit_code == 2);
  CHECK(count_lines(r.err) == 1);  // the unknown key stops the reading before the scenario is probed
  CHECK(r.err.find("exp.toml:2:1: desing: unknown key \"desing\"; did you mean \"design\"?") != std::string::npos);
  write_file(dir.experiment(),
             "scenario = \"base.toml\"\n[[dimensions]]\nkey = \"network.clustering\"\n"
             "values = [0.1, 0.7]\n[[dimensions]]\nkey = \"network.mean_degre\"\nvalues = [1]\n");
  const auto r2 = run_mentorsim("sweep " + quoted(dir.experiment()) + " -o " + quoted(dir.path("out.h5")));
  CHECK(r2.exit_code == 2);
  CHECK(count_lines(r2.err) == 2);
  CHECK(r2.err.find("exp.toml:4:16: dimensions[0].values[1]: 0.7 is outside the range of network.clustering, [0, "
                    "0.5]") != std::string::npos);
  CHECK(r2.err.find("exp.toml:6:7: dimensions[1].key: \"network.mean_degre\" is not a scenario key") !=
        std::string::npos);
  CHECK(dir.dir.entries() == 2);
}

TEST_CASE("sweep shows the projected size above max_output_mb and needs --force", "[cli][experiment]") {
  ExperimentDir dir("scenario = \"base.toml\"\nmax_output_mb = 0.0001\n");
  const auto r = run_mentorsim("sweep " + quoted(dir.experiment()) + " -o " + quoted(dir.path("out.h5")));
  CHECK(r.exit_code == 2);
  CHECK(count_lines(r.err) == 1);
  // 2 runs (2 replicates of 1 point) keep every outcome value of both arms; one design point of no keys.
  std::size_t values = 0;
  for (const auto& o : mentorsim::experiment::available_outcomes())
    values += 2 * mentorsim::experiment::outcome_width(o);
  const double bytes = 8.0 * (2.0 * static_cast<double>(values) + 2.0);
  CHECK(r.err.find("max_output_mb: the results would take about " + mentorsim::experiment::format_bytes(bytes) +
                   " (2 runs x " + std::to_string(values) +
                   " values), above the limit of 0.1 kB; raise "
                   "max_output_mb or pass --force") != std::string::npos);
  CHECK(dir.dir.entries() == 2);
  const auto forced =
      run_mentorsim("sweep " + quoted(dir.experiment()) + " -o " + quoted(dir.path("out.h5")) + " --force");
  CHECK(forced.exit_code == 0);
  CHECK(std::filesystem::exists(dir.path("out.h5")));
}

TEST_CASE("after kill -9 in the middle of a sweep, --resume finishes it to the uninterrupted file",
          "[cli][experiment]") {
  ExperimentDir dir(kSlowExperiment, slow_scenario());
  const auto whole =
      run_mentorsim("sweep " + quoted(dir.experiment()) + " -o " + quoted(dir.path("whole.h5")) + " --threads 2");
  REQUIRE(whole.exit_code == 0);
  const auto out = dir.path("killed.h5");
  const auto journal = dir.path("killed.h5.journal");
  const pid_t pid = spawn({"sweep", dir.experiment().string(), "-o", out.string(), "--threads", "2"}, dir.path("log"));
  const bool midway = wait_for_runs(pid, journal, 3);
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(midway);
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
  const std::size_t kept = journal_runs(journal);
  CHECK(kept >= 3);
  CHECK(kept < 24);
  CHECK_FALSE(std::filesystem::exists(out));
  const auto resumed = run_mentorsim("sweep " + quoted(dir.experiment()) + " -o " + quoted(out) + " --resume");
  CHECK(resumed.exit_code == 0);
  CHECK(resumed.err.find(std::to_string(kept) + " already done") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(journal));
  CHECK(h5_differences(dir.path("whole.h5"), out).empty());
}

TEST_CASE("Ctrl-C stops a sweep cleanly, keeping the completed runs for --resume", "[cli][experiment]") {
  ExperimentDir dir(kSlowExperiment, slow_scenario());
  const auto out = dir.path("stopped.h5");
  const auto journal = dir.path("stopped.h5.journal");
  const pid_t pid = spawn({"sweep", dir.experiment().string(), "-o", out.string(), "--threads", "1"}, dir.path("log"));
  const bool midway = wait_for_runs(pid, journal, 2);
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(midway);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  const std::string log = mentorsim::test::slurp(dir.path("log"));
  CHECK(log.find("mentorsim: interrupted: ") != std::string::npos);
  CHECK(log.find("continue with --resume") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(out));
  CHECK(journal_runs(journal) >= 2);
  const auto resumed = run_mentorsim("sweep " + quoted(dir.experiment()) + " -o " + quoted(out) + " --resume");
  CHECK(resumed.exit_code == 0);
  const auto whole = run_mentorsim("sweep " + quoted(dir.experiment()) + " -o " + quoted(dir.path("whole.h5")));
  REQUIRE(whole.exit_code == 0);
  CHECK(h5_differences(dir.path("whole.h5"), out).empty());
}

TEST_CASE("without a terminal, sweep progress is a line every N runs", "[cli][experiment]") {
  ExperimentDir dir("scenario = \"base.toml\"\nreplicates = 6\n");
  const auto r = run_mentorsim("sweep " + quoted(dir.experiment()) + " -o " + quoted(dir.path("out.h5")) +
                               " --progress-every 2 --threads 1");
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("progress: 2/6 runs (33 %), ") != std::string::npos);
  CHECK(r.err.find("progress: 4/6 runs (66 %), ") != std::string::npos);
  CHECK(r.err.find("progress: 6/6 runs (100 %), ") != std::string::npos);
  CHECK(r.out.find("wrote ") != std::string::npos);
}

TEST_CASE("merge: corrupt and truncated shards are I/O errors, shards of different sweeps bad input",
          "[cli][experiment]") {
  using namespace mentorsim::experiment;
  ExperimentDir dir("scenario = \"base.toml\"\nreplicates = 4\n");
  // Shards as MPI ranks make them (the mpirun test below runs the real thing).
  auto make_shards = [&](const std::filesystem::path& output) {
    const Experiment e = Experiment::load(dir.experiment());
    for (std::uint32_t rank = 0; rank < 2; ++rank) {
      SweepOptions o;
      o.output = output;
      o.threads = 1;
      o.rank = rank;
      o.ranks = 2;
      run_sweep(e, o);
    }
    return std::vector<std::filesystem::path>{journal_path(output, 0, 2), journal_path(output, 1, 2)};
  };
  const auto shards = make_shards(dir.path("a.h5"));
  const auto good =
      run_mentorsim("merge " + quoted(shards[0]) + " " + quoted(shards[1]) + " -o " + quoted(dir.path("merged.h5")));
  CHECK(good.exit_code == 0);
  CHECK(good.out.find("2 shard(s), 4 runs") != std::string::npos);

  std::filesystem::copy_file(shards[1], dir.path("cut.journal"));
  std::filesystem::resize_file(dir.path("cut.journal"), std::filesystem::file_size(shards[1]) - 30);
  const auto cut = run_mentorsim("merge " + quoted(shards[0]) + " " + quoted(dir.path("cut.journal")) + " -o " +
                                 quoted(dir.path("m.h5")));
  CHECK(cut.exit_code == 3);
  CHECK(count_lines(cut.err) == 1);
  CHECK(cut.err.find("cut.journal: incomplete shard (1 runs, no end record, a torn last record): its rank did not "
                     "finish; run the sweep again with --resume") != std::string::npos);

  write_file(dir.path("junk.journal"), "not a shard");
  const auto junk = run_mentorsim("merge " + quoted(dir.path("junk.journal")) + " -o " + quoted(dir.path("m.h5")));
  CHECK(junk.exit_code == 3);
  CHECK(junk.err ==
        "mentorsim: error: " + dir.path("junk.journal").string() + ": not a mentorsim sweep journal or shard\n");

  write_file(dir.experiment(), "scenario = \"base.toml\"\nreplicates = 4\noutcomes = [\"coverage\"]\n");
  const auto other = make_shards(dir.path("b.h5"));
  const auto mixed =
      run_mentorsim("merge " + quoted(shards[0]) + " " + quoted(other[1]) + " -o " + quoted(dir.path("m.h5")));
  CHECK(mixed.exit_code == 2);
  CHECK(count_lines(mixed.err) == 1);
  CHECK(mixed.err.find("a shard of a different experiment than " + shards[0].string() +
                       ": the experiment file's text differs") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.path("m.h5")));
}

TEST_CASE("mpirun -n 2 mentorsim sweep gives the single-process file", "[cli][experiment][mpi]") {
  ExperimentDir dir(R"(scenario = "base.toml"
replicates = 3
timeseries = ["satisfaction"]
[[dimensions]]
key = "network.mean_degree"
values = [6, 10]
)");
  const auto single =
      run_mentorsim("sweep " + quoted(dir.experiment()) + " -o " + quoted(dir.path("single.h5")) + " --threads 1");
  REQUIRE(single.exit_code == 0);
  const auto mpi = mentorsim::test::run_mentorsim_mpi(
      2, "sweep " + quoted(dir.experiment()) + " -o " + quoted(dir.path("mpi.h5")) + " --threads 1");
  INFO(mpi.err);
  REQUIRE(mpi.exit_code == 0);
  CHECK(mpi.out.find("6 runs on 2 ranks") != std::string::npos);
  CHECK(h5_differences(dir.path("single.h5"), dir.path("mpi.h5")).empty());
  // The shards are merged and removed.
  CHECK_FALSE(std::filesystem::exists(dir.path("mpi.h5.0-of-2.journal")));
  CHECK_FALSE(std::filesystem::exists(dir.path("mpi.h5.1-of-2.journal")));
}

TEST_CASE("power prints the power per size and writes the file", "[cli][experiment][power]") {
  std::string scenario = mentorsim::test::kSweepScenario;
  scenario.replace(scenario.find("size = 300"), 10, "size = 900");
  scenario += "\n[randomisation]\nmethod = \"cluster\"\n";
  ExperimentDir dir("scenario = \"base.toml\"\nreplicates = 6\n", scenario);
  const auto r = run_mentorsim("power " + quoted(dir.experiment()) +
                               " --outcome satisfaction_change --units 4,8 "
                               "--per-unit 4 -o " +
                               quoted(dir.path("power.h5")));
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("4 clusters x 4: power ") != std::string::npos);
  CHECK(r.out.find("8 clusters x 4: power ") != std::string::npos);
  CHECK(std::filesystem::exists(dir.path("power.h5")));
  const auto bad = run_mentorsim("power " + quoted(dir.experiment()) + " --outcome coverag --units 4 --per-unit 4 -o " +
                                 quoted(dir.path("bad.h5")));
  CHECK(bad.exit_code == 2);
  CHECK(count_errors(bad.err) == 1);  // (the scenario's capacity warning comes first)
  CHECK(bad.err.find("power.outcome: \"coverag\" is not a per-person outcome") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.path("bad.h5")));
}

TEST_CASE("power: a pilot the workforce cannot supply fails before any output", "[cli][experiment][power]") {
  // Issue 14: the error used to follow a "progress: 0/N" line.
  std::string scenario = mentorsim::test::kSweepScenario;
  scenario.replace(scenario.find("size = 300"), 10, "size = 900");
  scenario += "\n[randomisation]\nmethod = \"cluster\"\n";
  ExperimentDir dir("scenario = \"base.toml\"\nreplicates = 6\n", scenario);
  const auto r =
      run_mentorsim("power " + quoted(dir.experiment()) +
                    " --outcome satisfaction_change --units 4,400 --per-unit 4 -o " + quoted(dir.path("big.h5")));
  CHECK(r.exit_code == 2);
  CHECK(count_errors(r.err) == 1);
  CHECK(r.err.find("power.units: the workforce of replicate 0 has ") != std::string::npos);
  CHECK(r.err.find("a pilot of 400 needs 200 of each") != std::string::npos);
  // Found on the first workforce before anything is simulated: no header, no progress line.
  CHECK(r.err.find("progress") == std::string::npos);
  CHECK(r.err.find("power: ") == std::string::npos);
  CHECK(r.out.empty());
  CHECK_FALSE(std::filesystem::exists(dir.path("big.h5")));
}
