// What a scenario may be read from (a regular file or a pipe, at most 64 MiB), how many problems are
// listed and in what order, and the rules for --set values, program keys and shortened runs.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <thread>

#include "mentorsim/core/errors.hpp"
#include "mentorsim/scenario/scenario.hpp"
#include "support/scenario_errors.hpp"
#include "support/temp_dir.hpp"
#include "support/text.hpp"

using mentorsim::Diagnostic;
using mentorsim::InputError;
using mentorsim::Scenario;
using mentorsim::test::render;
using mentorsim::test::scenario_errors;
using mentorsim::test::TempDir;

namespace {

using mentorsim::test::contains;

// The one-line message of the InputError that loading `path` throws ("" when it does not throw).
std::string load_error(const std::filesystem::path& path) {
  try {
    (void)Scenario::load(path);
  } catch (const InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics()[0].where.file == path.string());
    return e.diagnostics()[0].message;
  }
  return "";
}

}  // namespace

TEST_CASE("a scenario path that is a directory is refused instead of running the defaults", "[scenario][input]") {
  TempDir dir;
  CHECK(load_error(dir.path()) == "is a directory, not a scenario file");
}

TEST_CASE("a scenario path that is a device is refused before anything is read", "[scenario][input]") {
  // /dev/zero never ends: reading it once grew the process to 23 GB.
  CHECK(load_error("/dev/zero") == "not a regular file or a pipe; a scenario must be a TOML file");
}

TEST_CASE("a scenario file over 64 MiB is refused by its size", "[scenario][input]") {
  TempDir dir;
  const auto big = dir / "big.toml";
  std::ofstream(big) << "# nothing but a comment\n";
  std::filesystem::resize_file(big, mentorsim::kMaxScenarioBytes + 1);  // sparse: costs no disk
  CHECK(load_error(big) == "the file has 67108865 bytes; a scenario file may have at most 67108864 bytes (64 MiB)");
  std::filesystem::resize_file(big, mentorsim::kMaxScenarioBytes);  // exactly the limit is read
  CHECK_THROWS_AS(Scenario::load(big), mentorsim::ScenarioError);   // (NUL bytes are not TOML)
}

TEST_CASE("a scenario can be read from a pipe", "[scenario][input]") {
  TempDir dir;
  const auto fifo = dir / "scenario.fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::thread writer([&] { std::ofstream(fifo) << "[run]\nweeks = 12\n"; });
  const Scenario s = Scenario::load(fifo);
  writer.join();
  CHECK(s.run().weeks == 12);
}

TEST_CASE("thousands of problems list the first 50 in file order, then a count", "[scenario][input]") {
  std::string text = "[run]\n";
  for (int k = 0; k < 2000; ++k) text += "unknown_" + std::to_string(k) + " = 1\n";
  text += "weeks = -1\n";
  // A --set problem is found first but listed after the file's.
  const auto errors = scenario_errors(text, {"network.mean_degree=-3"});
  REQUIRE(errors.size() == 51);
  for (std::size_t i = 0; i < 50; ++i) {
    INFO(i);
    CHECK(errors[i].where.line == static_cast<int>(i) + 2);
    CHECK(errors[i].key == "run.unknown_" + std::to_string(i));
  }
  CHECK(errors[50].to_string() == "test.toml: ... and 1952 more problems");
}

TEST_CASE("problems are sorted by position in the file, --set ones last in command-line order", "[scenario][input]") {
  const auto errors =
      scenario_errors("[output]\nobserve_every = 0\n[run]\nweeks = -1\n", {"run.seed=-1", "network.clustering=2"});
  INFO(render(errors));
  REQUIRE(errors.size() == 4);
  CHECK(errors[0].key == "output.observe_every");
  CHECK(errors[1].key == "run.weeks");
  CHECK(errors[2].where.file == "--set run.seed=-1");
  CHECK(errors[3].where.file == "--set network.clustering=2");
}

TEST_CASE("a --set value with a line break is refused, not cut at the break", "[scenario][input]") {
  const auto errors = scenario_errors("", {"run.seed=7\nweeks = 3"});
  INFO(render(errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].key == "run.seed");
  CHECK(errors[0].message == "the value must be on one line (it holds a line break)");
  CHECK(scenario_errors("", {"output.path=a\rb"}).size() == 1);
}

TEST_CASE("program keys on an arm without a program are refused, like group_size on a non-group arm",
          "[scenario][input]") {
  const std::string arms =
      "[[arms]]\nname = \"control\"\nshare = 0.5\nkind = \"none\"\nuptake = 0.9\nstrategy = \"hybrid\"\n"
      "[[arms]]\nname = \"reverse\"\nshare = 0.5\nkind = \"reverse\"\n";
  const auto errors = scenario_errors(arms);
  INFO(render(errors));
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].key == "arms[0].uptake");
  CHECK(errors[0].where.line == 5);
  CHECK(errors[0].message == "has no effect: this arm runs no program (kind = \"none\"); remove the key or set kind");
  CHECK(errors[1].key == "arms[0].strategy");
  // [program] without a kind runs no program either.
  const auto single = scenario_errors("[program]\ncadence_weeks = 2\n");
  REQUIRE(single.size() == 1);
  CHECK(single[0].key == "program.cadence_weeks");
  CHECK(contains(single[0].message, "(kind = \"none\", the default)"));
  // group_size on a non-group arm is still an error, with its own reason.
  const auto group = scenario_errors("[program]\nkind = \"traditional\"\ngroup_size = 5\n");
  REQUIRE(group.size() == 1);
  CHECK(contains(group[0].message, "applies to group mentoring only"));
}

TEST_CASE("[program] together with [[arms]] is one error, without a spurious unknown key", "[scenario][input]") {
  const auto errors = scenario_errors("[[arms]]\nname = \"a\"\nkind = \"reverse\"\n", {"program.cadence_weeks=4"});
  INFO(render(errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].key == "program");
  CHECK(errors[0].where.file == "--set program.cadence_weeks=4");
  CHECK(contains(errors[0].message, "use --set arms.<index>.<key>=<value> (the first arm is 0)"));
  // The suggested form works.
  const Scenario s =
      Scenario::parse("[[arms]]\nname = \"a\"\nkind = \"reverse\"\n", "t.toml", {"arms.0.cadence_weeks=2"});
  CHECK(s.arms()[0].program.cadence_weeks == 2);
}

TEST_CASE("a run shortened with --set run.weeks leaves out later snapshot weeks, with a warning", "[scenario][input]") {
  const std::string text = "[output]\nsnapshot_weeks = [4, 30, 52]\n";
  const Scenario s = Scenario::parse(text, "t.toml", {"run.weeks=20"});
  CHECK(s.output().snapshot_weeks == std::vector<mentorsim::Step>{4});
  REQUIRE(s.warnings().size() == 1);
  CHECK(s.warnings()[0] ==
        "output.snapshot_weeks: week(s) 30, 52 come after the end of the run (run.weeks = 20 from --set) and are "
        "left out");
  std::string json = s.resolved_json();
  json.erase(std::remove_if(json.begin(), json.end(), [](char c) { return std::isspace(c) != 0; }), json.end());
  CHECK(contains(json, "\"snapshot_weeks\":[4]"));
  // In the file itself a week after the end stays an error, and so do weeks given with --set.
  CHECK(scenario_errors("[run]\nweeks = 20\n" + text).size() == 2);
  CHECK(scenario_errors(text, {"run.weeks=20", "output.snapshot_weeks=[4, 30]"}).size() == 1);
}

TEST_CASE("network.edge_weight needs an edge list and names its choices", "[scenario][input]") {
  const auto errors = scenario_errors("[network]\nedge_weight = \"scale_max\"\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].key == "network.edge_weight");
  CHECK(errors[0].message == "applies to an edge list only (network.edges)");
  // Without an edge list the key is not recorded: resolved_json of ordinary runs is unchanged.
  CHECK_FALSE(contains(Scenario::parse("", "t.toml").resolved_json(), "edge_weight"));
}

TEST_CASE("run.threads has the same upper bound as --threads", "[scenario][input]") {
  const auto errors = scenario_errors("[run]\nthreads = 1025\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "must be an integer in [0, 1024], got 1025");
  CHECK(Scenario::parse("[run]\nthreads = 1024\n", "t.toml").run().threads == mentorsim::kMaxThreads);
}

TEST_CASE("a control character in a table header is a TOML syntax error", "[scenario][input][fuzz]") {
  // Found by fuzzing (tests/fuzz/corpus/scenario/crash-control-character-in-table-header.toml): toml++
  // asserts on it when built without NDEBUG; the library as installed reports a syntax error.
  const auto errors = scenario_errors("[\x13un]\nkind = \"none\"\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].where.line == 1);
  CHECK(contains(errors[0].message, "TOML syntax error"));
}

TEST_CASE("a non-ASCII character where toml++ expects whitespace is a TOML syntax error", "[scenario][input][fuzz]") {
  // Found by fuzzing (tests/fuzz/corpus/scenario/toml-unreachable-non-ascii-whitespace.toml): toml++
  // 3.x reaches a TOML_UNREACHABLE in its whitespace test for some characters (a bug of the library;
  // the fuzz build does not let UBSan stop there). The installed library reports a syntax error.
  const auto errors =
      scenario_errors(std::string("no\xD0\xBF\x01\x00\x00\x0B"
                                  "e ",
                                  10));
  REQUIRE(errors.size() == 1);
  CHECK(contains(errors[0].message, "TOML syntax error"));
}
