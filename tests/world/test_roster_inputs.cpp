// A roster scenario's inputs read together: roster and edge list problems in one report, edge weights
// that are counts or durations scaled as network.edge_weight says, and the arms' eligibility checked
// against the roster's staff.

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "mentorsim/core/errors.hpp"
#include "mentorsim/scenario/scenario.hpp"
#include "mentorsim/world/roster.hpp"
#include "support/scenario_errors.hpp"
#include "support/temp_dir.hpp"

using namespace mentorsim;
using mentorsim::test::render;
using mentorsim::test::TempDir;

namespace {

constexpr const char* kRoster =
    "id,institution,unit,profession,stage,minority\n"
    "1,H,ICU,nursing,senior,0\n"
    "2,H,ICU,nursing,early_career,0\n"
    "3,H,Ward,nursing,mid_career,1\n"
    "4,U,Lab,research,senior,0\n";

constexpr const char* kInstitutions =
    "[[population.institutions]]\nname = \"H\"\nkind = \"hospital\"\n"
    "[[population.institutions]]\nname = \"U\"\nkind = \"university\"\n";

// A roster scenario in `dir` with the given roster, edge list and extra scenario text.
Scenario scenario_in(const TempDir& dir, const std::string& roster, const std::string& edges,
                     const std::string& extra = "") {
  std::ofstream(dir / "staff.csv") << roster;
  std::ofstream(dir / "ties.csv") << edges;
  const std::string text = std::string("[population]\nroster = \"staff.csv\"\n") + kInstitutions +
                           "[network]\nedges = \"ties.csv\"\ninitial_weight = 0.4\n" + extra;
  return Scenario::parse(text, (dir / "s.toml").string(), {}, dir.path());
}

std::vector<Diagnostic> input_errors(const Scenario& scenario) {
  try {
    (void)load_roster_inputs(scenario, RandomSource(1, 0));
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  return {};
}

float weight_of(const std::vector<Tie>& ties, AgentId a, AgentId b) {
  for (const Tie& t : ties) {
    if (t.a == a && t.b == b) return t.weight;
  }
  return -1.0f;
}

}  // namespace

TEST_CASE("roster and edge list problems are reported together", "[roster][input]") {
  TempDir dir;
  const Scenario s =
      scenario_in(dir, std::string(kRoster) + "5,H,ICU,surgeon,senior,0\n", "src,dst,weight\n1,2,27\n1,99,0.5\n");
  const auto errors = input_errors(s);
  INFO(render(errors));
  REQUIRE(errors.size() == 3);
  CHECK(errors[0].where.file == (dir / "staff.csv").string());
  CHECK(errors[0].where.line == 6);
  CHECK(errors[0].key == "column 'profession'");
  CHECK(errors[0].message.starts_with("unknown profession \"surgeon\""));
  CHECK(errors[1].to_string() == (dir / "ties.csv").string() + ":2:3: column 'weight': must be in (0, 1], got 27");
  CHECK(errors[2].to_string() == (dir / "ties.csv").string() + ":3:2: column 'dst': id 99 is not an id in the roster");
}

TEST_CASE("an edge list is checked for its own problems even when the roster cannot be read", "[roster][input]") {
  TempDir dir;
  const Scenario s = scenario_in(dir, kRoster, "src,dst\n1,x\n");
  std::filesystem::remove(dir / "staff.csv");
  const auto errors = input_errors(s);
  INFO(render(errors));
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].message == "file does not exist");
  CHECK(errors[1].message == "expected a non-negative integer id, got \"x\"");
}

TEST_CASE("edge weights that are counts or durations are scaled by the largest", "[roster][input]") {
  TempDir dir;
  const std::string edges = "src,dst,weight\n1,2,27\n2,3,3\n3,4,\n";
  SECTION("scale_max: w / max w") {
    const auto ties =
        *load_roster_inputs(scenario_in(dir, kRoster, edges, "edge_weight = \"scale_max\"\n"), RandomSource(1, 0)).ties;
    REQUIRE(ties.size() == 3);
    CHECK(weight_of(ties, 0, 1) == 1.0f);
    CHECK(weight_of(ties, 1, 2) == static_cast<float>(3.0 / 27.0));
    CHECK(weight_of(ties, 2, 3) == 0.4f);  // no weight: initial_weight, not scaled
  }
  SECTION("log_scale_max: ln(1 + w) / ln(1 + max w)") {
    const auto ties =
        *load_roster_inputs(scenario_in(dir, kRoster, edges, "edge_weight = \"log_scale_max\"\n"), RandomSource(1, 0))
             .ties;
    CHECK(weight_of(ties, 0, 1) == 1.0f);
    CHECK(weight_of(ties, 1, 2) == static_cast<float>(std::log(4.0) / std::log(28.0)));
    CHECK(weight_of(ties, 2, 3) == 0.4f);
  }
  SECTION("as_is (the default) keeps the error for a weight above 1") {
    const auto errors = input_errors(scenario_in(dir, kRoster, edges));
    INFO(render(errors));
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].message == "must be in (0, 1], got 27");
    CHECK(errors[1].message == "must be in (0, 1], got 3");
  }
  SECTION("scaled weights must still be positive numbers") {
    const auto errors =
        input_errors(scenario_in(dir, kRoster, "src,dst,weight\n1,2,0\n2,3,-4\n", "edge_weight = \"scale_max\"\n"));
    INFO(render(errors));
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].message == "must be > 0, got 0");
    CHECK(errors[1].message == "must be > 0, got -4");
  }
}

TEST_CASE("a roster that is only a header without a line break is reported, not read past its end",
          "[roster][input][fuzz]") {
  // Found by fuzzing (tests/fuzz/corpus/roster/crash-header-without-line-break.csv): counting the rows
  // started past the end of the text.
  TempDir dir;
  const Scenario s = scenario_in(dir, "\xEF\xBB\xBFid,institution,unit,profession,stage,minority", "src,dst\n");
  const auto errors = input_errors(s);
  INFO(render(errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "the roster has a header but no staff rows");
}

TEST_CASE("the arms' eligibility is checked against the roster's staff", "[roster][input]") {
  TempDir dir;
  // Only nurses and one researcher: a program for doctors has nobody to take part.
  const Scenario s =
      scenario_in(dir, kRoster, "src,dst\n", "[program]\nkind = \"traditional\"\nprofessions = [\"medicine\"]\n");
  const RosterInputs inputs = load_roster_inputs(s, RandomSource(1, 0));
  const StaffCounts staff = count_staff(inputs.population, s.population().institutions.size());
  CHECK(staff[0][index_of(Profession::nursing)][index_of(CareerStage::senior)] == 1);
  CHECK(staff[1][index_of(Profession::research)][index_of(CareerStage::senior)] == 1);
  const EligibilityReport report = s.check_eligibility(staff, true);
  INFO(render(report.errors));
  REQUIRE(report.errors.size() == 2);
  CHECK(report.errors[0].key == "program.mentor_stages");
  CHECK(report.errors[0].message ==
        "arm \"program\": no staff in the roster are eligible as mentors (check institutions, professions and "
        "mentor_stages)");
  CHECK(report.errors[1].key == "program.mentee_stages");
  // Nurses as mentees and mid-career/senior nurses as mentors: 2 mentors for 1 mentee, no problem.
  const Scenario nurses =
      scenario_in(dir, kRoster, "src,dst\n", "[program]\nkind = \"traditional\"\nprofessions = [\"nursing\"]\n");
  CHECK(nurses.check_eligibility(staff, true).errors.empty());
}
