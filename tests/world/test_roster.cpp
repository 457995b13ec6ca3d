// Loading real staff from a roster CSV and their ties from an edge list: what the files give is kept
// exactly, what they leave out is drawn as the synthesizer draws it, and every bad cell is reported at
// once with its line and column.

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "mentorsim/core/errors.hpp"
#include "mentorsim/scenario/scenario.hpp"
#include "mentorsim/world/roster.hpp"
#include "mentorsim/world/synthesizer.hpp"
#include "mentorsim/world/world.hpp"
#include "support/paths.hpp"
#include "support/scenario_errors.hpp"
#include "support/text.hpp"

using namespace mentorsim;

namespace {

const std::filesystem::path kData = mentorsim::test::test_data_dir();

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The scenario of roster_small.toml: three named institutions, calibrated priors.
const Scenario& small_scenario() {
  static const Scenario scenario =
      Scenario::parse(read_text(kData / "roster_small.toml"), "roster_small.toml", {}, kData);
  return scenario;
}
const PopulationSpec& spec() { return small_scenario().population(); }

const RandomSource kRandom(7, 0);

// A CSV written for one test, removed afterwards.
class CsvFile {
 public:
  explicit CsvFile(const std::string& text) {
    const auto dir = std::filesystem::temp_directory_path() / ("mentorsim-roster-tests-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    path_ = dir / "staff.csv";
    std::ofstream(path_, std::ios::binary) << text;
  }
  ~CsvFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  CsvFile(const CsvFile&) = delete;
  CsvFile& operator=(const CsvFile&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

constexpr const char* kHeader = "id,institution,unit,profession,stage,minority\n";

std::vector<Diagnostic> roster_errors(const std::string& text) {
  const CsvFile file(text);
  try {
    (void)load_roster(file.path(), spec(), kRandom);
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  return {};
}

std::vector<Diagnostic> edge_errors(const std::string& text) {
  const Population population = load_roster(kData / "roster_small.csv", spec(), kRandom);
  const CsvFile file(text);
  try {
    (void)load_edge_list(file.path(), population, 0.5);
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  return {};
}

using mentorsim::test::render;

using mentorsim::test::only;

using mentorsim::test::contains;

// Checks one diagnostic's place, key and (part of its) message.
void check(const Diagnostic& d, int line, int column, const std::string& key, const std::string& message) {
  INFO(d.to_string());
  CHECK(d.where.line == line);
  CHECK(d.where.column == column);
  CHECK(d.key == key);
  CHECK(contains(d.message, message));
}

}  // namespace

TEST_CASE("a roster keeps its ids, codes, units, joint appointments, managers and given values", "[roster]") {
  const Population p = load_roster(kData / "roster_small.csv", spec(), kRandom);
  REQUIRE(p.size() == 6);
  CHECK(p.external_id == std::vector<std::uint64_t>{101, 102, 103, 104, 105, 106});

  // Units numbered per institution in order of first appearance, institutions in scenario order.
  REQUIRE(p.institutions.size() == 3);
  CHECK(p.institutions[0].name == "Royal Hospital");
  CHECK(p.institutions[0].kind == InstitutionKind::hospital);
  CHECK(p.institutions[0].first_unit == 0);
  CHECK(p.institutions[0].unit_count == 2);
  CHECK(p.institutions[1].first_unit == 2);
  CHECK(p.institutions[1].unit_count == 2);
  CHECK(p.institutions[2].unit_count == 0);  // the institute has no staff in the roster
  REQUIRE(p.units.size() == 4);
  CHECK(p.units[0].code == "ICU");
  CHECK(p.units[1].code == "Ward 5, East");  // a quoted field with a comma
  CHECK(p.units[2].code == "Nursing School");
  CHECK(p.units[3].code == "Medical School");  // spaces around fields are trimmed
  CHECK(p.units[3].institution == 1);
  CHECK(p.unit == std::vector<UnitId>{0, 0, 1, 2, 1, 3});
  CHECK(p.institution == std::vector<InstitutionId>{0, 0, 0, 1, 0, 1});

  CHECK(p.profession[5] == Profession::education);
  CHECK(p.stage[4] == CareerStage::student);
  CHECK(p.minority == std::vector<std::uint8_t>{0, 1, 0, 1, 0, 0});

  // Joint appointments: a named unit is kept, an unnamed one is a unit of the partner institution.
  CHECK(p.joint_institution[3] == 0);
  CHECK(p.joint_unit[3] == 1);
  CHECK(p.joint_institution[4] == 1);
  CHECK((p.joint_unit[4] == 2 || p.joint_unit[4] == 3));
  CHECK(p.joint_institution[0] == kNoInstitution);
  CHECK(p.joint_unit[0] == kNoUnit);

  CHECK(p.manager == std::vector<AgentId>{kNoAgent, 0, 0, kNoAgent, 3, 3});
  CHECK(p.years[0] == 22.0f);
  CHECK(p.years[4] == 0.5f);
  CHECK(p.years[2] >= 5.0f);  // empty cell: drawn from the mid-career band
  CHECK(p.years[2] <= 15.0f);
  CHECK(p.skills(0, Domain::digital) == 0.3f);
  CHECK(p.skills(0, Domain::clinical) == 0.9f);
  CHECK(p.skills(4, Domain::digital) == 1.0f);
  CHECK(p.skills(4, Domain::clinical) == 0.0f);

  CHECK(p.hired == std::vector<Step>(6, 0));
  CHECK(p.left == std::vector<Step>(6, kNever));
  REQUIRE(p.psych_safety.size() == 4);
  for (float psi : p.psych_safety) CHECK((psi > 0.0f && psi < 1.0f));
}

TEST_CASE("roster skill columns override the drawn skills while traits are still drawn", "[roster]") {
  const Population p = load_roster(kData / "roster_small.csv", spec(), kRandom);
  // The same draws the synthesizer would make for these agents.
  Population drawn = p;
  for (AgentId a = 0; a < drawn.size(); ++a) {
    Stream stream = kRandom.stream(0, Purpose::population_traits, a);
    draw_agent_state(drawn, a, spec(), stream);
  }
  for (AgentId a = 0; a < p.size(); ++a) {
    CHECK(p.confidence[a] == drawn.confidence[a]);
    CHECK(p.openness[a] == drawn.openness[a]);
    CHECK(p.time_budget[a] == drawn.time_budget[a]);
    CHECK(p.workload[a] == drawn.workload[a]);
    CHECK(p.satisfaction[a] == drawn.satisfaction[a]);
    CHECK(p.intent_to_leave[a] == 0.0f);
    // Domains without a roster column are drawn.
    CHECK(p.skills(a, Domain::research) == drawn.skills(a, Domain::research));
    CHECK(p.skills(a, Domain::leadership) == drawn.skills(a, Domain::leadership));
  }
  CHECK(p.skills(1, Domain::digital) == 0.8f);
  CHECK(p.skills(1, Domain::clinical) == drawn.skills(1, Domain::clinical));  // empty cell: drawn
  CHECK(p.skills(0, Domain::digital) != drawn.skills(0, Domain::digital));
  CHECK(p.years[2] == drawn.years[2]);
}

TEST_CASE("a roster loads the same world for the same seed", "[roster]") {
  const Population a = load_roster(kData / "roster_small.csv", spec(), kRandom);
  const Population b = load_roster(kData / "roster_small.csv", spec(), kRandom);
  CHECK(a.joint_unit == b.joint_unit);
  CHECK(a.psych_safety == b.psych_safety);
  CHECK(a.confidence == b.confidence);
}

TEST_CASE("a roster without a manager column gets a senior of the unit as line manager", "[roster]") {
  const Population p = load_roster(kData / "roster_no_manager.csv", spec(), kRandom);
  REQUIRE(p.size() == 6);
  CHECK(p.manager[0] == kNoAgent);  // seniors have none
  CHECK(p.manager[1] == kNoAgent);
  CHECK(p.manager[2] == 0);                         // the senior nurse of the ICU
  CHECK(p.manager[3] == 1);                         // the senior doctor
  CHECK((p.manager[4] == 0 || p.manager[4] == 1));  // no senior pharmacist: any senior of the unit
  CHECK(p.manager[5] == kNoAgent);                  // the theatre has no senior
  // Without a years column every agent's years come from its stage band.
  CHECK(p.years[0] >= 15.0f);
  CHECK(p.years[3] <= 2.0f);
}

TEST_CASE("roster fields may be quoted with doubled quotes, and a byte-order mark is ignored", "[roster]") {
  const CsvFile file(
      "\xEF\xBB\xBFid,institution,unit,profession,stage,minority\n"
      "1,Royal Hospital,\"the \"\"new\"\" ward, east\",nursing,senior,0\n"
      "2 , \"City University\" ,Lab,research,student,1\n");
  const Population p = load_roster(file.path(), spec(), kRandom);
  REQUIRE(p.size() == 2);
  CHECK(p.units[p.unit[0]].code == "the \"new\" ward, east");
  CHECK(p.institution[1] == 1);
  CHECK(p.external_id[1] == 2);
}

TEST_CASE("a missing roster file is reported without a line", "[roster]") {
  const Diagnostic e = only([] {
    try {
      (void)load_roster(kData / "no_such_roster.csv", spec(), kRandom);
    } catch (const InputError& error) {
      return error.diagnostics();
    }
    return std::vector<Diagnostic>{};
  }());
  CHECK(contains(e.where.file, "no_such_roster.csv"));
  check(e, 0, 0, "", "file does not exist");
}

TEST_CASE("an empty roster file and a header without rows are rejected", "[roster]") {
  check(only(roster_errors("")), 0, 0, "", "the file is empty; expected a header row");
  check(only(roster_errors("\n  \n")), 0, 0, "", "the file is empty");
  check(only(roster_errors(kHeader)), 1, 0, "", "the roster has a header but no staff rows");
}

TEST_CASE("roster header problems name the column", "[roster]") {
  SECTION("a missing required column") {
    const auto e = only(roster_errors("id,institution,unit,profession,minority\n1,Royal Hospital,ICU,nursing,0\n"));
    check(e, 1, 0, "column 'stage'", "missing required column");
  }
  SECTION("an unknown column with a suggestion") {
    const auto e =
        only(roster_errors("id,institution,unit,profession,stage,minority,skil_digital\n"
                           "1,Royal Hospital,ICU,nursing,senior,0,0.5\n"));
    check(e, 1, 7, "column 'skil_digital'", "unknown column; did you mean \"skill_digital\"?");
  }
  SECTION("an unknown column without a close match lists the columns") {
    const auto e =
        only(roster_errors("id,institution,unit,profession,stage,minority,favourite_colour\n"
                           "1,Royal Hospital,ICU,nursing,senior,0,blue\n"));
    check(e, 1, 7, "column 'favourite_colour'", "the columns are \"id\", \"institution\"");
  }
  SECTION("a duplicate column") {
    const auto e =
        only(roster_errors("id,institution,unit,profession,stage,minority,unit\n"
                           "1,Royal Hospital,ICU,nursing,senior,0,ICU\n"));
    check(e, 1, 7, "column 'unit'", "appears twice (first as column 3)");
  }
}

TEST_CASE("a roster row with the wrong number of fields is reported at its first odd field", "[roster]") {
  const auto errors = roster_errors(std::string(kHeader) + "1,Royal Hospital,ICU,nursing,senior\n" +
                                    "2,Royal Hospital,ICU,nursing,senior,0,extra\n");
  INFO(render(errors));
  REQUIRE(errors.size() == 2);
  check(errors[0], 2, 6, "", "the row has 5 fields but the header has 6");
  check(errors[1], 3, 7, "", "the row has 7 fields but the header has 6");
}

TEST_CASE("an unterminated quote in a roster row is reported", "[roster]") {
  check(only(roster_errors(std::string(kHeader) + "1,Royal Hospital,\"ICU,nursing,senior,0\n")), 2, 3, "",
        "unterminated quoted field");
  check(only(roster_errors(std::string(kHeader) + "1,Royal Hospital,\"ICU\"x,nursing,senior,0\n")), 2, 3, "",
        "unexpected text after the closing quote");
}

TEST_CASE("bad roster ids are reported", "[roster]") {
  SECTION("empty") {
    check(only(roster_errors(std::string(kHeader) + ",Royal Hospital,ICU,nursing,senior,0\n")), 2, 1, "column 'id'",
          "empty cell; a value is required");
  }
  SECTION("not an integer") {
    check(only(roster_errors(std::string(kHeader) + "A17,Royal Hospital,ICU,nursing,senior,0\n")), 2, 1, "column 'id'",
          "expected a non-negative integer id, got \"A17\"");
    check(only(roster_errors(std::string(kHeader) + "1.5,Royal Hospital,ICU,nursing,senior,0\n")), 2, 1, "column 'id'",
          "got \"1.5\"");
  }
  SECTION("negative") {
    check(only(roster_errors(std::string(kHeader) + "-3,Royal Hospital,ICU,nursing,senior,0\n")), 2, 1, "column 'id'",
          "expected a non-negative integer id, got \"-3\"");
  }
  SECTION("too large") {
    check(only(roster_errors(std::string(kHeader) + "99999999999999999999,Royal Hospital,ICU,nursing,senior,0\n")), 2,
          1, "column 'id'", "is too large");
  }
  SECTION("duplicate") {
    check(only(roster_errors(std::string(kHeader) + "7,Royal Hospital,ICU,nursing,senior,0\n" +
                             "7,Royal Hospital,ICU,nursing,senior,0\n")),
          3, 1, "column 'id'", "duplicate id 7 (first on line 2)");
  }
}

TEST_CASE("an unknown institution lists the scenario's institutions", "[roster]") {
  const auto e = only(roster_errors(std::string(kHeader) + "1,Royal Hospitl,ICU,nursing,senior,0\n"));
  check(e, 2, 2, "column 'institution'", "unknown institution \"Royal Hospitl\"; did you mean \"Royal Hospital\"?");
  CHECK(
      contains(e.message, "the scenario's institutions are \"Royal Hospital\", \"City University\" or \"Institute\""));
}

TEST_CASE("an unknown profession or stage lists the allowed names", "[roster]") {
  const auto errors = roster_errors(std::string(kHeader) + "1,Royal Hospital,ICU,surgeon,postdoc,0\n");
  INFO(render(errors));
  REQUIRE(errors.size() == 2);
  check(errors[0], 2, 4, "column 'profession'",
        "unknown profession \"surgeon\"; expected medicine, nursing, physiotherapy, speech_pathology, pharmacy, "
        "dentistry, education or research");
  check(errors[1], 2, 5, "column 'stage'",
        "unknown career stage \"postdoc\"; expected student, early_career, mid_career or senior");
  CHECK(errors[0].to_string() ==
        errors[0].where.file +
            ":2:4: column 'profession': unknown profession \"surgeon\"; expected medicine, nursing, "
            "physiotherapy, speech_pathology, pharmacy, dentistry, education or research");
  check(only(roster_errors(std::string(kHeader) + "1,Royal Hospital,ICU,nursng,senior,0\n")), 2, 4,
        "column 'profession'", "unknown profession \"nursng\"; did you mean \"nursing\"? expected medicine");
}

TEST_CASE("minority must be 0, 1, true or false", "[roster]") {
  check(only(roster_errors(std::string(kHeader) + "1,Royal Hospital,ICU,nursing,senior,yes\n")), 2, 6,
        "column 'minority'", "expected 0, 1, true or false, got \"yes\"");
  CHECK(roster_errors(std::string(kHeader) + "1,Royal Hospital,ICU,nursing,senior,TRUE\n").empty());
}

TEST_CASE("years must be a non-negative number", "[roster]") {
  const std::string header = "id,institution,unit,profession,stage,minority,years\n";
  check(only(roster_errors(header + "1,Royal Hospital,ICU,nursing,senior,0,-2\n")), 2, 7, "column 'years'",
        "must be >= 0, got -2");
  check(only(roster_errors(header + "1,Royal Hospital,ICU,nursing,senior,0,ten\n")), 2, 7, "column 'years'",
        "expected a number, got \"ten\"");
  check(only(roster_errors(header + "1,Royal Hospital,ICU,nursing,senior,0,nan\n")), 2, 7, "column 'years'",
        "expected a number, got \"nan\"");
}

TEST_CASE("roster skills must lie between 0 and 1", "[roster]") {
  const std::string header = "id,institution,unit,profession,stage,minority,skill_culture_wellbeing\n";
  check(only(roster_errors(header + "1,Royal Hospital,ICU,nursing,senior,0,1.5\n")), 2, 7,
        "column 'skill_culture_wellbeing'", "must be in [0, 1], got 1.5");
}

TEST_CASE("a manager must be another id of the roster", "[roster]") {
  const std::string header = "id,institution,unit,profession,stage,minority,manager\n";
  // The manager of row 2 is listed later: forward references are fine.
  CHECK(roster_errors(header + "1,Royal Hospital,ICU,nursing,early_career,0,2\n" +
                      "2,Royal Hospital,ICU,nursing,senior,0,\n")
            .empty());
  check(only(roster_errors(header + "1,Royal Hospital,ICU,nursing,senior,0,42\n")), 2, 7, "column 'manager'",
        "manager id 42 is not an id in the roster");
  check(only(roster_errors(header + "1,Royal Hospital,ICU,nursing,senior,0,1\n")), 2, 7, "column 'manager'",
        "id 1 cannot be its own manager");
  check(only(roster_errors(header + "1,Royal Hospital,ICU,nursing,senior,0,boss\n")), 2, 7, "column 'manager'",
        "expected a non-negative integer id, got \"boss\"");
}

TEST_CASE("a joint appointment must be at another institution with a unit", "[roster]") {
  const std::string header = "id,institution,unit,profession,stage,minority,joint_institution,joint_unit\n";
  SECTION("unknown institution") {
    check(only(roster_errors(header + "1,Royal Hospital,ICU,nursing,senior,0,Mars,\n")), 2, 7,
          "column 'joint_institution'", "unknown institution \"Mars\"; the scenario's institutions are");
  }
  SECTION("the home institution") {
    check(only(roster_errors(header + "1,Royal Hospital,ICU,nursing,senior,0,Royal Hospital,\n")), 2, 7,
          "column 'joint_institution'", "the joint appointment is at the home institution \"Royal Hospital\"");
  }
  SECTION("an institution without staff in the roster") {
    check(only(roster_errors(header + "1,Royal Hospital,ICU,nursing,senior,0,Institute,\n")), 2, 7,
          "column 'joint_institution'", "institution \"Institute\" has no staff in the roster");
  }
  SECTION("an unknown unit of the partner") {
    check(only(roster_errors(header + "1,Royal Hospital,ICU,nursing,senior,0,City University,Lab 9\n" +
                             "2,City University,Lab 1,research,senior,0,,\n")),
          2, 8, "column 'joint_unit'", "institution \"City University\" has no unit \"Lab 9\" in the roster");
  }
  SECTION("a unit without an institution") {
    check(only(roster_errors(header + "1,Royal Hospital,ICU,nursing,senior,0,,ICU\n")), 2, 8, "column 'joint_unit'",
          "a joint unit needs a joint_institution");
  }
}

TEST_CASE("every bad roster row is reported at once, in file order", "[roster]") {
  const auto errors = roster_errors(
      "id,institution,unit,profession,stage,minority,manager\n"
      "1,Royal Hospital,ICU,nursing,senior,0,99\n"
      "2,Royal Hospital,,nursing,senior,0,\n"
      "3,Royal Hospital,ICU,nursing,senior,0,\n"
      "x,Nowhere,ICU,doctor,senior,maybe,\n");
  INFO(render(errors));
  REQUIRE(errors.size() == 6);
  check(errors[0], 2, 7, "column 'manager'", "manager id 99");
  check(errors[1], 3, 3, "column 'unit'", "empty cell");
  check(errors[2], 5, 1, "column 'id'", "\"x\"");
  check(errors[3], 5, 2, "column 'institution'", "\"Nowhere\"");
  check(errors[4], 5, 4, "column 'profession'", "\"doctor\"");
  check(errors[5], 5, 6, "column 'minority'", "\"maybe\"");
}

TEST_CASE("a roster with very many bad cells reports the first 50 and counts the rest", "[roster]") {
  std::string text = kHeader;
  for (int row = 0; row < 60; ++row) text += std::to_string(row) + ",Royal Hospital,ICU,surgeon,senior,0\n";
  const auto errors = roster_errors(text);
  REQUIRE(errors.size() == 51);
  CHECK(errors[0].where.line == 2);
  CHECK(errors[49].where.line == 51);
  check(errors[50], 0, 0, "", "... and 10 more problems");
}

TEST_CASE("an edge list gives ties between roster ids", "[roster]") {
  const Population population = load_roster(kData / "roster_small.csv", spec(), kRandom);
  const auto ties = load_edge_list(kData / "edges_small.csv", population, 0.4);
  // 101-102 listed three times (both directions) keeps its largest weight; a missing weight is the default.
  REQUIRE(ties.size() == 3);
  CHECK(ties[0] == Tie{0, 1, 0.9f});
  CHECK(ties[1] == Tie{2, 3, 0.4f});
  CHECK(ties[2] == Tie{4, 5, 0.25f});
}

TEST_CASE("edge list problems are reported with row and column", "[roster]") {
  SECTION("missing column") {
    check(only(edge_errors("src,weight\n101,0.5\n")), 1, 0, "column 'dst'", "missing required column");
  }
  SECTION("unknown column") {
    check(only(edge_errors("src,dst,wieght\n101,102,0.5\n")), 1, 3, "column 'wieght'", "did you mean \"weight\"?");
  }
  SECTION("unknown ids, self-loops and bad weights, all at once") {
    const auto errors = edge_errors(
        "src,dst,weight\n"
        "101,999,0.5\n"
        "103,103,0.5\n"
        "101,102,0\n"
        "101,102,1.5\n"
        "101,102,strong\n"
        "-1,102,\n");
    INFO(render(errors));
    REQUIRE(errors.size() == 6);
    check(errors[0], 2, 2, "column 'dst'", "id 999 is not an id in the roster");
    check(errors[1], 3, 2, "column 'dst'", "a tie from id 103 to itself");
    check(errors[2], 4, 3, "column 'weight'", "must be in (0, 1], got 0");
    check(errors[3], 5, 3, "column 'weight'", "must be in (0, 1], got 1.5");
    check(errors[4], 6, 3, "column 'weight'", "expected a number, got \"strong\"");
    check(errors[5], 7, 1, "column 'src'", "expected a non-negative integer id, got \"-1\"");
  }
  SECTION("an empty file") { check(only(edge_errors("")), 0, 0, "", "the file is empty"); }
}

TEST_CASE("a scenario with a roster and an edge list builds its world from them", "[roster]") {
  const Scenario& scenario = small_scenario();
  const World world = build_world(scenario, RandomSource(scenario.run().seed, 0));
  const Population& p = world.population;
  REQUIRE(p.size() == 6);
  CHECK(p.external_id[5] == 106);
  CHECK(p.units.size() == 4);
  CHECK(p.manager[4] == 3);
  REQUIRE(world.network.vertex_count() == 6);
  CHECK(world.network.tie_count() == 3);
  CHECK(world.network.weight(0, 1) == 0.9f);
  CHECK(world.network.weight(3, 2) == 0.4f);  // initial_weight for a tie without a weight
  CHECK(world.network.weight(0, 5) == 0.0f);
  CHECK(contains(world.network_report.note, "edges_small.csv"));
}
