// Nothing a user types destroys data: output targets that are not regular files, outputs over the
// run's own inputs, scenarios that are not files, options out of range, and checks that `validate`
// and `run` report everything at once.

#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "mentorsim/io/hdf5_file.hpp"
#include "support/command.hpp"
#include "support/paths.hpp"
#include "support/text.hpp"

using mentorsim::test::CommandResult;
using mentorsim::test::run_mentorsim;
using mentorsim::test::slurp;
using mentorsim::test::TempDir;
using mentorsim::test::write_file;

namespace {

const char* const kTinyScenario = "[run]\nseed = 3\nweeks = 2\n[population]\nsize = 200\n";

using mentorsim::test::count_lines;

using mentorsim::test::contains;

std::string quoted(const std::filesystem::path& path) {
  std::string out(1, '\'');
  out += path.string();
  out += '\'';
  return out;
}

CommandResult run_to(const TempDir& dir, const std::string& output, const std::string& more = "") {
  write_file(dir / "s.toml", kTinyScenario);
  return run_mentorsim("run " + quoted(dir / "s.toml") + " -o " + output + " " + more);
}

// The names of the directory's entries, sorted.
std::vector<std::string> entries(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("a named pipe as the results file is refused and stays a pipe", "[cli][output]") {
  TempDir dir;
  REQUIRE(::mkfifo((dir / "f.h5").c_str(), 0600) == 0);
  const auto r = run_to(dir, quoted(dir / "f.h5"));
  CHECK(r.exit_code == 3);
  CHECK(count_lines(r.err) == 1);
  CHECK(contains(r.err, "f.h5: it is a named pipe (FIFO); results replace only a regular file"));
  CHECK(std::filesystem::is_fifo(dir / "f.h5"));
  CHECK(entries(dir.path()) == std::vector<std::string>{"f.h5", "s.toml"});
}

TEST_CASE("a device as the results file is refused and stays a device", "[cli][output]") {
  TempDir dir;
  // /dev/null itself must never be at risk in a test: a node of the same device in the test directory.
  if (::mknod((dir / "null").c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) {
    WARN("cannot create a device node here (not root); testing /dev/null's rule through a directory instead");
    return;
  }
  const auto r = run_to(dir, quoted(dir / "null"));
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, "null: it is a character device; results replace only a regular file"));
  CHECK(std::filesystem::is_character_file(dir / "null"));
  // The common idiom -o /dev/null is refused before anything is done to it (tried only once the rule
  // is seen to hold, so that a broken build cannot replace the machine's /dev/null).
  REQUIRE(r.exit_code == 3);
  const auto devnull = run_to(dir, "/dev/null");
  CHECK(devnull.exit_code == 3);
  CHECK(std::filesystem::is_character_file("/dev/null"));
}

TEST_CASE("a symbolic link to a regular file is written through, and the link kept", "[cli][output]") {
  TempDir dir;
  std::filesystem::create_directory(dir / "store");
  write_file(dir / "store/old.h5", "previous results");
  std::filesystem::create_symlink("store/old.h5", dir / "latest.h5");
  const auto r = run_to(dir, quoted(dir / "latest.h5"));
  REQUIRE(r.exit_code == 0);
  CHECK(std::filesystem::is_symlink(dir / "latest.h5"));
  CHECK(std::filesystem::read_symlink(dir / "latest.h5") == "store/old.h5");
  mentorsim::io::InputFile in(dir / "store/old.h5");  // the target now holds the results
  CHECK(in.int_attribute("/", "schema_version") == 1);
  CHECK(entries(dir / "store") == std::vector<std::string>{"old.h5"});  // no temporary file left
}

TEST_CASE("a dangling symbolic link or a link to a directory is refused", "[cli][output]") {
  TempDir dir;
  std::filesystem::create_symlink(dir / "nowhere.h5", dir / "dangling.h5");
  const auto dangling = run_to(dir, quoted(dir / "dangling.h5"));
  CHECK(dangling.exit_code == 3);
  CHECK(contains(dangling.err, "it is a symbolic link to a file that does not exist"));
  CHECK_FALSE(std::filesystem::exists(dir / "nowhere.h5"));
  std::filesystem::create_directory(dir / "d");
  std::filesystem::create_directory_symlink(dir / "d", dir / "dir.h5");
  const auto directory = run_to(dir, quoted(dir / "dir.h5"));
  CHECK(directory.exit_code == 3);
  CHECK(contains(directory.err, "it is a directory, not a file name"));
  CHECK(std::filesystem::is_empty(dir / "d"));
}

TEST_CASE("results are never written over the run's own scenario, roster or edge list", "[cli][output]") {
  TempDir dir;
  SECTION("the scenario") {
    write_file(dir / "victim.toml", kTinyScenario);
    const auto r = run_mentorsim("run " + quoted(dir / "victim.toml") + " -o " + quoted(dir / "victim.toml"));
    CHECK(r.exit_code == 3);
    CHECK(contains(r.err, "victim.toml: it is the scenario file, an input of this run; choose another results file"));
    CHECK(slurp(dir / "victim.toml") == kTinyScenario);
    // Through another name of the same file (a hard link) too.
    std::filesystem::create_hard_link(dir / "victim.toml", dir / "alias.h5");
    CHECK(run_mentorsim("run " + quoted(dir / "victim.toml") + " -o " + quoted(dir / "alias.h5")).exit_code == 3);
    CHECK(slurp(dir / "victim.toml") == kTinyScenario);
  }
  SECTION("the roster and the edge list") {
    const std::filesystem::path data = mentorsim::test::test_data_dir();
    for (const char* name : {"roster_small.toml", "roster_small.csv", "edges_small.csv"}) {
      std::filesystem::copy_file(data / name, dir / name);
    }
    const std::string roster = slurp(dir / "roster_small.csv");
    const auto r =
        run_mentorsim("run " + quoted(dir / "roster_small.toml") + " -o " + quoted(dir / "roster_small.csv"));
    CHECK(r.exit_code == 3);
    CHECK(contains(r.err, "it is the roster (population.roster), an input of this run"));
    CHECK(slurp(dir / "roster_small.csv") == roster);
    const auto e = run_mentorsim("run " + quoted(dir / "roster_small.toml") + " -o " + quoted(dir / "edges_small.csv"));
    CHECK(e.exit_code == 3);
    CHECK(contains(e.err, "it is the edge list (network.edges)"));
    // validate reports an output.path that is an input as a problem of the scenario.
    const auto v = run_mentorsim("validate " + quoted(dir / "roster_small.toml") +
                                 " --set output.path=" + quoted(dir / "roster_small.csv"));
    CHECK(v.exit_code == 2);
    CHECK(contains(v.err, "output.path: \"" + (dir / "roster_small.csv").string() + "\" is the roster"));
  }
}

TEST_CASE("an empty results file name is refused instead of falling back to output.path", "[cli][output]") {
  TempDir dir;
  const auto r = run_to(dir, "''");
  CHECK(r.exit_code == 2);
  CHECK(r.err == "mentorsim: error: -o/--output: the results file name is empty\n");
  CHECK(entries(dir.path()) == std::vector<std::string>{"s.toml"});
}

TEST_CASE("a scenario that is a directory is refused by validate and run", "[cli][input]") {
  TempDir dir;
  std::filesystem::create_directory(dir / "d");
  const auto v = run_mentorsim("validate " + quoted(dir / "d"));
  CHECK(v.exit_code == 2);
  CHECK(v.err == "mentorsim: error: " + (dir / "d").string() + ": is a directory, not a scenario file\n");
  CHECK(v.out.empty());
  const auto r = run_mentorsim("run " + quoted(dir / "d") + " -o " + quoted(dir / "out.h5"));
  CHECK(r.exit_code == 2);
  CHECK(entries(dir.path()) == std::vector<std::string>{"d"});
}

TEST_CASE("a scenario can come from a pipe", "[cli][input]") {
  TempDir dir;
  write_file(dir / "s.toml", kTinyScenario);
  const auto r = run_mentorsim("validate /dev/stdin < " + quoted(dir / "s.toml"));
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "200 staff"));
}

TEST_CASE("the --threads option has one rule with run.threads: an integer in [0, 1024]", "[cli]") {
  TempDir dir;
  for (const char* bad : {"100000", "-1", "1025", "two", "1.5"}) {
    INFO(bad);
    const auto r = run_to(dir, quoted(dir / "out.h5"), std::string("--threads ") + bad);
    CHECK(r.exit_code == 2);
    CHECK(r.err == std::string("mentorsim: error: --threads: must be an integer in [0, 1024], got \"") + bad + "\"\n");
    CHECK_FALSE(std::filesystem::exists(dir / "out.h5"));
  }
  CHECK(run_mentorsim("info network " + quoted(dir / "s.toml") + " --threads 5000").exit_code == 2);
}

TEST_CASE("an unknown command is named as such", "[cli]") {
  const auto r = run_mentorsim("frobnicate x.toml");
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err,
                 "mentorsim: error: unknown command \"frobnicate\"; the commands are run, validate, info, sweep, "
                 "merge, power, patterns or calibrate"));
}

TEST_CASE("validate reads the roster and the edge list, and reports their problems with the scenario's",
          "[cli][input]") {
  TempDir dir;
  const std::filesystem::path data = mentorsim::test::test_data_dir();
  std::filesystem::copy_file(data / "roster_small.toml", dir / "s.toml");
  std::string roster = slurp(data / "roster_small.csv");
  roster.replace(roster.find("medicine,senior"), 8, "surgeon");
  write_file(dir / "roster_small.csv", roster);
  write_file(dir / "edges_small.csv", "src,dst,weight\n101,102,27\n");
  const std::string command = quoted(dir / "s.toml") + " --set network.mean_degre=3";
  const auto v = run_mentorsim("validate " + command);
  CHECK(v.exit_code == 2);
  INFO(v.err);
  REQUIRE(count_lines(v.err) == 3);
  CHECK(contains(v.err, "--set network.mean_degre=3: network.mean_degre: unknown key"));
  CHECK(contains(v.err, "roster_small.csv:2:4: column 'profession': unknown profession \"surgeon\""));
  CHECK(contains(v.err, "edges_small.csv:2:3: column 'weight': must be in (0, 1], got 27"));
  // run reports the same, and writes nothing.
  const auto r = run_mentorsim("run " + command + " -o " + quoted(dir / "out.h5"));
  CHECK(r.exit_code == 2);
  CHECK(r.err == v.err);
  CHECK_FALSE(std::filesystem::exists(dir / "out.h5"));
}

TEST_CASE("validate checks a roster scenario's arms against the roster's staff", "[cli][input]") {
  TempDir dir;
  const std::filesystem::path data = mentorsim::test::test_data_dir();
  for (const char* name : {"roster_small.toml", "roster_small.csv", "edges_small.csv"}) {
    std::filesystem::copy_file(data / name, dir / name);
  }
  // The small roster has no pharmacists.
  const std::string command =
      quoted(dir / "roster_small.toml") +
      " --set program.kind=traditional --set program.start_week=0 --set 'program.professions=[\"pharmacy\"]'";
  const auto v = run_mentorsim("validate " + command);
  CHECK(v.exit_code == 2);
  CHECK(count_lines(v.err) == 2);
  CHECK(contains(v.err, "program.mentor_stages: arm \"program\": no staff in the roster are eligible as mentors"));
  CHECK(contains(v.err, "program.mentee_stages: arm \"program\": no staff in the roster are eligible as mentees"));
  const auto ok = run_mentorsim("validate " + quoted(dir / "roster_small.toml"));
  CHECK(ok.exit_code == 0);
  CHECK(contains(ok.out, "roster " + (dir / "roster_small.csv").string()));
}

TEST_CASE("run removes the temporary files that killed runs left beside its results file", "[cli][output]") {
  TempDir dir;
  // A process id that surely does not run: a child that has been reaped.
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  const std::string stale = ".out.h5.partial-" + std::to_string(child) + "-0";
  write_file(dir / stale, "half a file");
  // A live process's temporary file (this test's own) is left alone.
  const std::string live = ".out.h5.partial-" + std::to_string(::getppid()) + "-0";
  write_file(dir / live, "being written");
  write_file(dir / ".other.h5.partial-1-0", "another target's");
  const auto r = run_to(dir, quoted(dir / "out.h5"));
  REQUIRE(r.exit_code == 0);
  CHECK(entries(dir.path()) == std::vector<std::string>{".other.h5.partial-1-0", live, "out.h5", "s.toml"});
}
