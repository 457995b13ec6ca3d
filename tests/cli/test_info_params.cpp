// `mentorsim info params`: every declared key with its default, range and source; a scenario's values
// with the keys it gives marked and changed values showing their default; the Markdown tables of
// docs/model.md; one-line errors with exit code 2.

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "mentorsim/scenario/parameters.hpp"
#include "support/command.hpp"
#include "support/paths.hpp"
#include "support/text.hpp"

using mentorsim::scenario::parameter_groups;
using mentorsim::test::run_mentorsim;
using mentorsim::test::TempDir;
using mentorsim::test::write_file;

namespace {

using mentorsim::test::contains;

}  // namespace

TEST_CASE("info params lists every declared key with its default, meaning and source", "[cli][params]") {
  const auto r = run_mentorsim("info params");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::size_t keys = 0;
  for (const auto& g : parameter_groups()) {
    for (const auto& p : g.parameters) {
      INFO(g.full_key(p));
      CHECK(contains(r.out, "\n  " + g.full_key(p) + " = "));
      CHECK(contains(r.out, "      " + p.meaning + "\n      source: " + p.source + "\n"));
      ++keys;
    }
  }
  CHECK(keys > 150);
  CHECK(contains(r.out, "\n  dynamics.exchange.rate = 0.2  ([0, 1]; per meeting)\n"));
  CHECK(
      contains(r.out, "\n  population.institutions[].size = hospital: 3000, university: 800, research_institute: 300"));
}

TEST_CASE("info params SCENARIO shows its values, marks the keys it gives and the defaults it changes",
          "[cli][params]") {
  TempDir dir;
  write_file(dir / "s.toml", "[network]\nmean_degree = 12\n[dynamics.exchange]\nrate = 0.2\n");
  const auto r = run_mentorsim("info params '" + (dir / "s.toml").string() + "' --set run.weeks=52");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "\n* network.mean_degree = 12  [default 10]  ((0, 500]; ties)\n"));
  CHECK(contains(r.out, "\n* run.weeks = 52  [default 104]  (0–5200; weeks)\n"));
  // Given, but equal to the default: marked, no default shown.
  CHECK(contains(r.out, "\n* dynamics.exchange.rate = 0.2  ([0, 1]; per meeting)\n"));
  // Not given: unmarked.
  CHECK(contains(r.out, "\n  network.clustering = 0.15  ([0, 0.5])\n"));
  // The implicit institutions, one line per institution.
  CHECK(contains(r.out, "\n  population.institutions[1].hierarchy = 0.5  ([0, 1])\n"));
  CHECK(contains(r.out, "\n  run.threads = 0  "));

  SECTION("--changed keeps only the keys the scenario gives") {
    const auto c = run_mentorsim("info params '" + (dir / "s.toml").string() + "' --set run.weeks=52 --changed");
    REQUIRE(c.exit_code == 0);
    CHECK(contains(c.out, "* network.mean_degree = 12"));
    CHECK(contains(c.out, "* run.weeks = 52"));
    CHECK_FALSE(contains(c.out, "network.clustering"));
    CHECK_FALSE(contains(c.out,
                         "\n  "
                         "population."));
  }
}

TEST_CASE("info params shows each arm of a scenario with arms", "[cli][params]") {
  const auto r = run_mentorsim("info params '" + mentorsim::test::source_dir().string() + "/scenarios/baseline.toml'");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "\n* arms[1].kind = reverse  [default none]"));
  CHECK(contains(r.out, "\n* arms[0].share = 0.5"));
  CHECK(contains(r.out, "\n* run.seed = 20190826  [default 1]"));
  // A table of shares given as a whole.
  CHECK(contains(r.out, "\n* population.institutions[0].professions = medicine 0.24, nursing 0.5, physiotherapy 0.06"));
  CHECK_FALSE(contains(r.out, "\n  program."));
}

TEST_CASE("info params --markdown prints the tables of docs/model.md between their markers", "[cli][params]") {
  const auto r = run_mentorsim("info params --markdown");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  for (const auto& g : parameter_groups()) {
    INFO(g.path);
    CHECK(contains(r.out, mentorsim::scenario::markdown_begin_marker(g) + "\n" +
                              mentorsim::scenario::markdown_table(g) + mentorsim::scenario::markdown_end_marker()));
  }
  const auto one = run_mentorsim("info params --markdown --group dynamics.ties");
  REQUIRE(one.exit_code == 0);
  CHECK(contains(one.out, "`merge_interval`"));
  CHECK_FALSE(contains(one.out, "`rate`"));
}

TEST_CASE("info params rejects what it cannot do with one line and exit code 2", "[cli][params]") {
  struct Case {
    std::string arguments;
    std::string message;
  };
  const std::string baseline = "'" + mentorsim::test::source_dir().string() + "/scenarios/baseline.toml'";
  const std::vector<Case> cases = {
      {"info params --group nope", "mentorsim: error: --group: unknown parameter group \"nope\"; the groups are run, "},
      {"info params --markdown " + baseline,
       "mentorsim: error: --markdown prints the documented defaults: give no scenario or --set\n"},
      {"info params --changed", "mentorsim: error: --changed needs a scenario (or --set)\n"},
      {"info params --set run.weeks=-1", "run.weeks: must be an integer in [0, 5200], got -1\n"},
      {"info params /nonexistent/s.toml", "/nonexistent/s.toml: cannot open scenario file\n"},
  };
  for (const auto& c : cases) {
    INFO(c.arguments);
    const auto r = run_mentorsim(c.arguments);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(contains(r.err, c.message));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
}
