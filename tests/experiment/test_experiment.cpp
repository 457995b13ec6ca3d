// Experiment files are read and validated like scenarios: every problem with file:line:column and the
// key, unknown keys with a suggestion, empty and inverted ranges, and sweep keys checked by the scenario
// reader itself at the ends of their ranges.

#include <catch2/catch.hpp>

#include <algorithm>

#include "experiment_fixture.hpp"
#include "mentorsim/core/errors.hpp"
#include "mentorsim/experiment/experiment.hpp"
#include "mentorsim/experiment/power.hpp"
#include "support/scenario_errors.hpp"

using namespace mentorsim;
using namespace mentorsim::experiment;
using mentorsim::test::ExperimentDir;

namespace {

// Every diagnostic of a rejected experiment, one per line; empty if it is accepted.
std::string problems(const std::string& text, const CommandLine& command_line = {}) {
  ExperimentDir dir(text);
  try {
    (void)Experiment::load(dir.experiment(), command_line);
  } catch (const ScenarioError& e) {
    std::string out = test::render(e.diagnostics());
    // Paths vary: keep the file name only.
    const std::string prefix = dir.dir.path().string() + "/";
    for (auto at = out.find(prefix); at != std::string::npos; at = out.find(prefix)) out.erase(at, prefix.size());
    return out;
  }
  return "";
}

}  // namespace

TEST_CASE("a grid experiment: defaults from the scenario, arms from the scenario", "[experiment][parse]") {
  ExperimentDir dir(R"(scenario = "base.toml"
[[dimensions]]
key = "network.mean_degree"
values = [8, 10.5]
[[dimensions]]
key = "arms.1.strategy"
values = ["assigned_random", "self_identified"]
)");
  const Experiment e = Experiment::load(dir.experiment());
  CHECK(e.points() == 4);
  CHECK(e.replicates() == 2);  // run.replicates of the scenario
  CHECK(e.seed() == 31);       // run.seed of the scenario
  CHECK(e.arm_names() == std::vector<std::string>{"control", "reverse"});
  CHECK(e.run_arms() == 1);
  CHECK(e.runs() == 8);
  CHECK(e.outcomes() == available_outcomes());
  CHECK(e.overrides(3, 0) ==
        std::vector<std::string>{"network.mean_degree=10.5", "arms.1.strategy=\"self_identified\""});
  const Scenario s = e.scenario(3, 0);
  CHECK(s.network().mean_degree == 10.5);
  CHECK(s.arms()[1].program.strategy == PairingStrategy::self_identified);
  CHECK(e.output().filename() == "exp.h5");
}

TEST_CASE("command-line overrides reach every point and change samples and replicates", "[experiment][parse]") {
  ExperimentDir dir(R"(scenario = "base.toml"
design = "lhs"
samples = 10
[[dimensions]]
key = "dynamics.exchange.rate"
min = 0.01
max = 0.05
)");
  CommandLine cl;
  cl.scenario_overrides = {"run.weeks=4"};
  cl.samples = 3;
  cl.replicates = 5;
  const Experiment e = Experiment::load(dir.experiment(), cl);
  CHECK(e.points() == 3);
  CHECK(e.replicates() == 5);
  CHECK(e.scenario(2, 0).run().weeks == 4);
  for (std::size_t p = 0; p < 3; ++p) {
    const double rate = e.design().number[0][p];
    CHECK(rate >= 0.01);
    CHECK(rate <= 0.05);
  }
}

TEST_CASE("experiment arms run separately, each keeping one scenario arm", "[experiment][parse]") {
  ExperimentDir dir(R"(scenario = "base.toml"
[[arms]]
name = "assigned"
set = ["arms.1.strategy=assigned_random"]
arm = "reverse"
[[arms]]
name = "self"
set = ["arms.1.strategy=self_identified"]
arm = "reverse"
)");
  const Experiment e = Experiment::load(dir.experiment());
  CHECK(e.run_arms() == 2);
  CHECK(e.arms_per_run() == 1);
  CHECK(e.arm_names() == std::vector<std::string>{"assigned", "self"});
  CHECK(e.experiment_arms()[1].scenario_arm_index == 1);
  CHECK(e.scenario(0, 1).arms()[1].program.strategy == PairingStrategy::self_identified);
}

TEST_CASE("independent random numbers give each point and arm its own seed", "[experiment][parse]") {
  ExperimentDir dir(R"(scenario = "base.toml"
random_numbers = "independent"
[[dimensions]]
key = "network.mean_degree"
values = [8, 9]
)");
  const Experiment e = Experiment::load(dir.experiment());
  CHECK(e.run_seed(0, 0) != e.run_seed(1, 0));
  CHECK(e.scenario(1, 0).run().seed == e.run_seed(1, 0));
  CHECK(e.run_seed(1, 0) == Experiment::load(dir.experiment()).run_seed(1, 0));  // deterministic
}

TEST_CASE("unknown keys of the experiment get file:line:column and a suggestion", "[experiment][parse]") {
  CHECK(problems("scenario = \"base.toml\"\ndesing = \"grid\"\n") ==
        "exp.toml:2:1: desing: unknown key \"desing\"; did you mean \"design\"?\n");
  CHECK(problems("scenario = \"base.toml\"\n[[dimensions]]\nkey = \"run.weeks\"\nvalue = [1]\n") ==
        "exp.toml:2:1: dimensions[0]: a grid dimension needs values = [...], or min, max and count\n"
        "exp.toml:4:1: dimensions[0].value: unknown key \"value\"; did you mean \"values\"?\n");
}

TEST_CASE("a TOML syntax error in the experiment names its file line and column", "[experiment][parse]") {
  const std::string out = problems("scenario = \"base.toml\"\ndesign = \"grid\n");
  CHECK(out.rfind("exp.toml:2:", 0) == 0);
  CHECK(out.find("TOML syntax error") != std::string::npos);
  CHECK(std::count(out.begin(), out.end(), '\n') == 1);
}

TEST_CASE("a swept key unknown to the scenario is reported where the experiment names it", "[experiment][parse]") {
  // Checked against the declared parameters (scenario/parameters.hpp), at the key, with the closest
  // declared key as the experiment would spell it.
  CHECK(problems("scenario = \"base.toml\"\n[[dimensions]]\nkey = \"network.mean_degre\"\nvalues = [8, 9]\n") ==
        "exp.toml:3:7: dimensions[0].key: \"network.mean_degre\" is not a scenario key (mentorsim info params lists "
        "them); did you mean \"network.mean_degree\"?\n");
  CHECK(problems("scenario = \"base.toml\"\ndesign = \"lhs\"\nsamples = 4\n[[dimensions]]\n"
                 "key = \"netwrk.clustering\"\nmin = 0.1\nmax = 0.2\n") ==
        "exp.toml:5:7: dimensions[0].key: \"netwrk.clustering\" is not a scenario key (mentorsim info params lists "
        "them); did you mean \"network.clustering\"?\n");
  // An arm's program key, with the arm's index.
  CHECK(problems("scenario = \"base.toml\"\n[[dimensions]]\nkey = \"arms.1.cadense_weeks\"\nvalues = [2, 4]\n") ==
        "exp.toml:3:7: dimensions[0].key: \"arms.1.cadense_weeks\" is not a scenario key (mentorsim info params "
        "lists them); did you mean \"arms.1.cadence_weeks\"?\n");
  CHECK(
      problems("scenario = \"base.toml\"\n[[dimensions]]\nkey = \"arms.1.cadence_weeks\"\nvalues = [2, 4]\n").empty());
}

TEST_CASE("range ends outside the declared range of the key are errors at min, max or the value",
          "[experiment][parse]") {
  // network.clustering is declared in [0, 0.5]; run.weeks as an integer in 0–5200.
  CHECK(problems("scenario = \"base.toml\"\ndesign = \"sobol\"\nsamples = 4\n[[dimensions]]\n"
                 "key = \"network.clustering\"\nmin = 0.1\nmax = 0.7\n") ==
        "exp.toml:7:7: dimensions[0].max: 0.7 is outside the range of network.clustering, [0, 0.5]\n");
  CHECK(problems("scenario = \"base.toml\"\ndesign = \"lhs\"\nsamples = 4\n[[dimensions]]\n"
                 "key = \"network.clustering\"\nmin = -0.1\nmax = 0.3\n") ==
        "exp.toml:6:7: dimensions[0].min: -0.1 is outside the range of network.clustering, [0, 0.5]\n");
  CHECK(problems("scenario = \"base.toml\"\n[[dimensions]]\nkey = \"run.weeks\"\nvalues = [4, 6000]\n") ==
        "exp.toml:4:14: dimensions[0].values[1]: 6000 is outside the range of run.weeks, 0–5200 (weeks)\n");
  CHECK(problems("scenario = \"base.toml\"\n[[dimensions]]\nkey = \"run.weeks\"\nvalues = [4, 2.5]\n") ==
        "exp.toml:4:14: dimensions[0].values[1]: run.weeks: expected an integer, got a float\n");
}

TEST_CASE("empty and inverted ranges, empty grids and missing samples are errors", "[experiment][parse]") {
  const std::string lhs =
      "scenario = \"base.toml\"\ndesign = \"lhs\"\nsamples = 4\n[[dimensions]]\n"
      "key = \"network.clustering\"\n";
  CHECK(problems(lhs + "min = 0.3\nmax = 0.3\n") ==
        "exp.toml:7:7: dimensions[0].max: empty range: min and max are both 0.3\n");
  CHECK(problems(lhs + "min = 0.3\nmax = 0.2\n") ==
        "exp.toml:7:7: dimensions[0].max: inverted range: max 0.2 is below min 0.3\n");
  CHECK(problems(lhs + "distribution = \"log_uniform\"\nmin = 0\nmax = 0.2\n") ==
        "exp.toml:7:7: dimensions[0].min: a log_uniform range needs min > 0, got 0\n");
  CHECK(problems(lhs + "distribution = \"triangular\"\nmin = 0.1\nmax = 0.2\nmode = 0.5\n") ==
        "exp.toml:9:8: dimensions[0].mode: must be in [min, max] = [0.1, 0.2], got 0.5\n");
  CHECK(problems("scenario = \"base.toml\"\n[[dimensions]]\nkey = \"run.weeks\"\nvalues = []\n") ==
        "exp.toml:4:10: dimensions[0].values: is empty: a grid dimension needs at least one value\n");
  CHECK(problems("scenario = \"base.toml\"\ndesign = \"sobol\"\n[[dimensions]]\nkey = \"network.clustering\"\n"
                 "min = 0.1\nmax = 0.2\n") ==
        "exp.toml:2:10: samples: a sobol design needs samples = N (base samples; points = N x (dimensions + 2))\n");
  CHECK(problems("scenario = \"base.toml\"\ndesign = \"lhs\"\nsamples = 3\n") ==
        "exp.toml:1:1: a lhs design needs [[dimensions]]\n");
}

TEST_CASE("arms, contrasts and the scenario file are checked", "[experiment][parse]") {
  CHECK(problems("scenario = \"nope.toml\"\n").find("exp.toml:1:12: scenario: file \"") == 0);
  CHECK(problems("scenario = \"base.toml\"\n[[arms]]\nname = \"a\"\nset = [\"arms.1.stratgy=hybrid\"]\n"
                 "arm = \"reverse\"\n") ==
        "exp.toml:4:7: arms[0].set: arms[1].stratgy: unknown key \"stratgy\"; did you mean \"strategy\"?\n");
  CHECK(problems("scenario = \"base.toml\"\n[[arms]]\nname = \"a\"\n") ==
        "exp.toml:2:1: arms[0]: the scenario has 2 arms (control, reverse): say whose outcomes to keep with "
        "arm = \"...\"\n");
  CHECK(problems("scenario = \"base.toml\"\n[[arms]]\nname = \"a\"\narm = \"revers\"\n") ==
        "exp.toml:4:7: arms[0].arm: the scenario has no arm \"revers\" (it has control, reverse); did you mean "
        "\"reverse\"?\n");
  CHECK(problems("scenario = \"base.toml\"\ndesign = \"sobol\"\nsamples = 2\ncontrasts = [[\"reverse\", \"contrl\"]]\n"
                 "[[dimensions]]\nkey = \"network.clustering\"\nmin = 0.1\nmax = 0.2\n") ==
        "exp.toml:4:14: contrasts: no arm \"contrl\" (arms: control, reverse); did you mean \"control\"?\n");
  CHECK(problems("scenario = \"base.toml\"\noutcomes = [\"coverag\"]\n") ==
        "exp.toml:2:13: outcomes[0]: unknown value \"coverag\"; did you mean \"coverage\"?\n");
  CHECK(problems("scenario = \"base.toml\"\n[power]\noutcome = \"satisfaction_chnge\"\n")
            .find("exp.toml:3:11: power.outcome: \"satisfaction_chnge\" is not a per-person outcome") == 0);
}

TEST_CASE("a key both swept and set on the command line is an error", "[experiment][parse]") {
  CommandLine cl;
  cl.scenario_overrides = {"run.weeks=4"};
  CHECK(problems("scenario = \"base.toml\"\n[[dimensions]]\nkey = \"run.weeks\"\nvalues = [2, 3]\n", cl) ==
        "exp.toml:3:7: dimensions[0].key: \"run.weeks\" is swept here and also set by --set run.weeks=4\n");
}

TEST_CASE("a design point the scenario rejects is named with its values", "[experiment][parse]") {
  // Each value is valid alone; 50 staff in 100 units (the last point) is not.
  std::string scenario = test::kSweepScenario;
  scenario.replace(scenario.find("size = 300"), 10, "");
  scenario += "\n[[population.institutions]]\nname = \"h\"\nkind = \"hospital\"\nsize = 400\nunits = 10\n";
  ExperimentDir dir(R"(scenario = "base.toml"
[[dimensions]]
key = "population.institutions.0.size"
values = [400, 50]
[[dimensions]]
key = "population.institutions.0.units"
values = [10, 100]
)",
                    scenario);
  const Experiment e = Experiment::load(dir.experiment());
  try {
    e.check_points();
    FAIL("accepted");
  } catch (const ScenarioError& error) {
    const std::string message = error.what();
    CHECK(message.find("exp.toml: design point 3 (population.institutions.0.size=50, "
                       "population.institutions.0.units=100): ") != std::string::npos);
    CHECK(message.find("an institution of 50 staff cannot have 100 units") != std::string::npos);
  }
}

TEST_CASE("the outcomes a sweep can keep are the declared outcomes, by name and by subgroup", "[experiment][parse]") {
  // Made from outcome_columns() and outcome_table(): every /outcomes dataset of a run file, then the
  // by-subgroup ones, each found again with its width (1, or the subgroup's size).
  const std::vector<std::string> names = available_outcomes();
  std::size_t k = 0;
  for (const OutcomeColumn& column : outcome_columns()) {
    REQUIRE(k < names.size());
    CHECK(names[k] == column.name);
    const OutcomeRef ref = find_outcome(names[k]);
    CHECK(ref.known);
    CHECK(ref.outcome == column.outcome);
    CHECK(ref.level == column.level);
    CHECK_FALSE(ref.by_subgroup);
    CHECK(outcome_width(names[k]) == 1);
    ++k;
  }
  std::size_t subgroup_outcomes = 0;
  for (const OutcomeInfo& info : outcome_table()) {
    subgroup_outcomes += (info.by_minority ? 1 : 0) + (info.by_isolation ? 1 : 0);
  }
  CHECK(names.size() == k + subgroup_outcomes);
  CHECK(outcome_width("by_minority/coverage") == 2);
  CHECK(outcome_width("by_isolation/coverage") == 4);
  CHECK(find_outcome("by_isolation/coverage").subgroup == Subgroup::isolation);
  CHECK_FALSE(find_outcome("by_isolation/retention").known);  // retention is reported by minority only
  CHECK_FALSE(find_outcome("coverag").known);
  CHECK_FALSE(find_outcome("end").known);  // a breakdown's prefix is not a dataset
}
