// The command line: exit codes, one line per problem, nothing written on error, and identical
// results whatever the thread count.

#include <catch2/catch.hpp>

#include <algorithm>

#include "mentorsim/io/hdf5_file.hpp"
#include "support/command.hpp"
#include "support/h5_compare.hpp"
#include "support/text.hpp"

using mentorsim::test::run_mentorsim;
using mentorsim::test::TempDir;
using mentorsim::test::write_file;

namespace {

using mentorsim::test::count_lines;

const char* const kSmall = "[run]\nseed = 11\nweeks = 4\nreplicates = 2\n[population]\nsize = 600\n";

}  // namespace

TEST_CASE("validate reports every scenario error on its own line and exits 2", "[cli]") {
  TempDir dir;
  write_file(dir / "bad.toml", "[run]\nweeks = -4\n[network]\nmean_degre = 3\nclustering = \"high\"\n");
  const auto r = run_mentorsim("validate '" + (dir / "bad.toml").string() + "'");
  CHECK(r.exit_code == 2);
  CHECK(count_lines(r.err) == 3);
  CHECK(r.err.find("bad.toml:2:9: run.weeks: must be an integer in [0, 5200], got -4") != std::string::npos);
  CHECK(r.err.find("bad.toml:4:1: network.mean_degre: unknown key \"mean_degre\"; did you mean \"mean_degree\"?") !=
        std::string::npos);
  CHECK(r.err.find("bad.toml:5:14: network.clustering: expected a number, got a string") != std::string::npos);
  CHECK(r.out.empty());
}

TEST_CASE("validate accepts a good scenario and exits 0", "[cli]") {
  TempDir dir;
  write_file(dir / "good.toml", kSmall);
  const auto r = run_mentorsim("validate '" + (dir / "good.toml").string() + "'");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("ok:") == 0);
  CHECK(r.err.empty());
}

TEST_CASE("a bad scenario writes no output file", "[cli]") {
  TempDir dir;
  write_file(dir / "bad.toml", "[network]\nmean_degree = 0\n");
  const auto r = run_mentorsim("run '" + (dir / "bad.toml").string() + "' -o '" + (dir / "out.h5").string() + "'");
  CHECK(r.exit_code == 2);
  CHECK(dir.entries() == 1);  // only the scenario
}

TEST_CASE("a missing scenario file is bad input", "[cli]") {
  const auto r = run_mentorsim("run /no/such/file.toml");
  CHECK(r.exit_code == 2);
  CHECK(count_lines(r.err) == 1);
  CHECK(r.err.find("/no/such/file.toml: cannot open scenario file") != std::string::npos);
}

TEST_CASE("an output directory that does not exist is an I/O error before any work", "[cli]") {
  TempDir dir;
  write_file(dir / "s.toml", kSmall);
  const auto r =
      run_mentorsim("run '" + (dir / "s.toml").string() + "' -o '" + (dir / "nowhere/out.h5").string() + "'");
  CHECK(r.exit_code == 3);
  CHECK(count_lines(r.err) == 1);
  CHECK(r.err.find("does not exist") != std::string::npos);
}

TEST_CASE("an unknown option or a missing argument is bad input", "[cli]") {
  CHECK(run_mentorsim("run").exit_code == 2);
  CHECK(run_mentorsim("frobnicate").exit_code == 2);
  CHECK(run_mentorsim("run x.toml --no-such-flag").exit_code == 2);
  CHECK(run_mentorsim("--help").exit_code == 0);
}

TEST_CASE("info prints version, commit, dependencies and threads", "[cli]") {
  const auto r = run_mentorsim("info");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("mentorsim ") == 0);
  CHECK(r.out.find("commit") != std::string::npos);
  CHECK(r.out.find("hdf5") != std::string::npos);
  CHECK(r.out.find("oneTBB") != std::string::npos);
  CHECK(r.out.find("threads") != std::string::npos);
}

#if defined(__GLIBC__) && defined(__linux__)
TEST_CASE("the program asks glibc for huge pages unless MENTORSIM_HUGE_PAGES=0 or the user chose", "[cli][memory]") {
  // `info` reports the GLIBC_TUNABLES the program runs with, after its one re-execution.
  const auto line = [](const std::string& out) {
    const auto at = out.find("huge pages    ");
    return at == std::string::npos ? std::string() : out.substr(at, out.find('\n', at) - at);
  };
  struct Case {
    const char* env;       // env(1) arguments for the run
    const char* expected;  // what its "huge pages" line must contain
  };
  const Case cases[] = {
      {"-u GLIBC_TUNABLES -u MENTORSIM_HUGE_PAGES", "GLIBC_TUNABLES=glibc.malloc.hugetlb=1;"},
      {"-u GLIBC_TUNABLES MENTORSIM_HUGE_PAGES=0", "off (glibc.malloc.hugetlb not set)"},
      {"-u MENTORSIM_HUGE_PAGES GLIBC_TUNABLES=glibc.malloc.hugetlb=0", "GLIBC_TUNABLES=glibc.malloc.hugetlb=0;"},
      {"-u MENTORSIM_HUGE_PAGES GLIBC_TUNABLES=glibc.malloc.arena_max=4",
       "GLIBC_TUNABLES=glibc.malloc.arena_max=4:glibc.malloc.hugetlb=1;"},
  };
  for (const Case& c : cases) {
    INFO("env " << c.env);
    const auto r = run_mentorsim("info", "", c.env);
    REQUIRE(r.exit_code == 0);
    CHECK(line(r.out).find(c.expected) != std::string::npos);
  }
}

TEST_CASE("results are identical with and without huge pages, except timing attributes", "[cli][determinism][memory]") {
  TempDir dir;
  write_file(dir / "s.toml", kSmall);
  const auto on = run_mentorsim("run '" + (dir / "s.toml").string() + "' -o '" + (dir / "on.h5").string() + "'", "",
                                "-u GLIBC_TUNABLES -u MENTORSIM_HUGE_PAGES");
  const auto off = run_mentorsim("run '" + (dir / "s.toml").string() + "' -o '" + (dir / "off.h5").string() + "'", "",
                                 "-u GLIBC_TUNABLES MENTORSIM_HUGE_PAGES=0");
  REQUIRE(on.exit_code == 0);
  REQUIRE(off.exit_code == 0);
  CHECK(mentorsim::test::h5_differences(dir / "on.h5", dir / "off.h5").empty());
}
#endif

TEST_CASE("info network compares the achieved network with its targets", "[cli]") {
  TempDir dir;
  write_file(dir / "s.toml", kSmall);
  const auto r = run_mentorsim("info network '" + (dir / "s.toml").string() + "'");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("mean degree") != std::string::npos);
  CHECK(r.out.find("average local clustering") != std::string::npos);
  CHECK(r.out.find("profession homophily") != std::string::npos);
  CHECK(r.out.find("components") != std::string::npos);
}

TEST_CASE("results are identical with 1 and 2 threads, except timing attributes", "[cli][determinism]") {
  TempDir dir;
  write_file(dir / "s.toml", kSmall);
  const auto one =
      run_mentorsim("run '" + (dir / "s.toml").string() + "' --threads 1 -o '" + (dir / "one.h5").string() + "'");
  const auto two =
      run_mentorsim("run '" + (dir / "s.toml").string() + "' --threads 2 -o '" + (dir / "two.h5").string() + "'");
  REQUIRE(one.exit_code == 0);
  REQUIRE(two.exit_code == 0);
  CHECK(mentorsim::test::h5_differences(dir / "one.h5", dir / "two.h5").empty());
  // And a different seed does change the data (the comparison is able to fail).
  const auto other = run_mentorsim("run '" + (dir / "s.toml").string() + "' --set run.seed=12 -o '" +
                                   (dir / "other.h5").string() + "'");
  REQUIRE(other.exit_code == 0);
  CHECK_FALSE(mentorsim::test::h5_differences(dir / "one.h5", dir / "other.h5").empty());
}

TEST_CASE("the results file holds provenance and the per-agent and network groups", "[cli]") {
  TempDir dir;
  write_file(dir / "s.toml", kSmall);
  REQUIRE(run_mentorsim("run '" + (dir / "s.toml").string() + "' -o '" + (dir / "r.h5").string() + "'").exit_code == 0);
  mentorsim::io::InputFile in(dir / "r.h5");
  CHECK(in.int_attribute("/", "schema_version") == 1);
  CHECK(in.string_attribute("/meta", "scenario_toml") == kSmall);
  CHECK(in.string_attribute("/meta", "resolved_json").find("\"mean_degree\"") != std::string::npos);
  CHECK(in.int_attribute("/meta", "seed") == 11);
  // The initial 600 staff, and the hires who replaced leavers during the run.
  const auto hired = in.read<std::int32_t>("/agents/final/hired");
  CHECK(std::count(hired.begin(), hired.end(), 0) == 600);
  CHECK(in.dims("/agents/final/skills") == std::vector<std::uint64_t>{hired.size(), 6});
  CHECK(in.exists("/network/final/src"));
  CHECK(in.read_strings("/codes/profession").size() == 8);
}

TEST_CASE("run --profile prints every stage and the phases outside the weekly schedule", "[cli]") {
  TempDir dir;
  write_file(dir / "small.toml", kSmall);
  const auto r =
      run_mentorsim("run '" + (dir / "small.toml").string() + "' --profile -o '" + (dir / "out.h5").string() + "'");
  CHECK(r.exit_code == 0);
  for (const char* name : {"calendar", "meetings", "exchange", "diffusion", "relationships", "confidence", "ties",
                           "satisfaction", "turnover", "culture", "build world", "observe", "finish file"}) {
    INFO(name);
    CHECK(r.out.find(std::string("    ") + name) != std::string::npos);
  }
  CHECK(r.out.find("outside the weekly schedule:") != std::string::npos);
}

TEST_CASE("an unknown submodel in dynamics.disabled is one line naming file line and key and writes nothing",
          "[cli][ablation]") {
  TempDir dir;
  write_file(dir / "bad.toml", std::string(kSmall) + "[dynamics]\ndisabled = [\"culture\", \"power_distance\"]\n");
  const auto r = run_mentorsim("run '" + (dir / "bad.toml").string() + "' -o '" + (dir / "out.h5").string() + "'");
  CHECK(r.exit_code == 2);
  CHECK(count_lines(r.err) == 1);
  // Line 8 of the file, column 24: the second element of the array.
  CHECK(r.err.find("bad.toml:8:24: dynamics.disabled[1]: unknown submodel \"power_distance\"; expected \"meetings\"") !=
        std::string::npos);
  CHECK(r.out.empty());
  CHECK(dir.entries() == 1);  // only the scenario
  // The same from --set, which has no file line: the option is named instead.
  write_file(dir / "good.toml", kSmall);
  const auto s = run_mentorsim("run '" + (dir / "good.toml").string() +
                               "' --set 'dynamics.disabled=[\"calendar\"]' -o '" + (dir / "out.h5").string() + "'");
  CHECK(s.exit_code == 2);
  CHECK(count_lines(s.err) == 1);
  CHECK(s.err.find("--set dynamics.disabled=[\"calendar\"]: dynamics.disabled[0]: unknown submodel \"calendar\"") !=
        std::string::npos);
  CHECK(dir.entries() == 2);
}

TEST_CASE("run names the submodels switched off on its summary and in --profile", "[cli][ablation]") {
  TempDir dir;
  write_file(dir / "off.toml", std::string(kSmall) + "[dynamics]\ndisabled = [\"culture\", \"diffusion\"]\n");
  const auto r =
      run_mentorsim("run '" + (dir / "off.toml").string() + "' --profile -o '" + (dir / "out.h5").string() + "'");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("  switched off (dynamics.disabled): diffusion, culture\n") != std::string::npos);
  std::size_t marked = 0;
  for (std::size_t at = r.out.find("(switched off)"); at != std::string::npos;
       at = r.out.find("(switched off)", at + 1))
    ++marked;
  CHECK(marked == 2);
  mentorsim::io::InputFile in(dir / "out.h5");
  CHECK(in.string_attribute("/meta", "disabled_submodels") == "[\"diffusion\", \"culture\"]");
  write_file(dir / "on.toml", kSmall);
  const auto on = run_mentorsim("run '" + (dir / "on.toml").string() + "' -o '" + (dir / "on.h5").string() + "'");
  REQUIRE(on.exit_code == 0);
  CHECK(on.out.find("switched off") == std::string::npos);
}
