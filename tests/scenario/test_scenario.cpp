// Scenario parsing and validation: every error a user can make is reported, all at once, with
// file:line:column and the key path; defaults and overrides land in resolved_json.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "mentorsim/core/errors.hpp"
#include "mentorsim/scenario/scenario.hpp"
#include "support/scenario_errors.hpp"
#include "support/text.hpp"

using mentorsim::Diagnostic;
using mentorsim::kStages;
using mentorsim::ProgramSpec;
using mentorsim::Scenario;
using mentorsim::test::render;
using mentorsim::test::scenario_errors;

namespace {

using mentorsim::test::only;

using mentorsim::test::contains;

}  // namespace

TEST_CASE("an empty scenario is the baseline trio with calibrated defaults", "[scenario]") {
  const Scenario s = Scenario::parse("", "empty.toml");
  const auto& inst = s.population().institutions;
  REQUIRE(inst.size() == 3);
  CHECK(inst[0].kind == mentorsim::InstitutionKind::hospital);
  CHECK(inst[0].size == 3000);
  CHECK(inst[1].size == 800);
  CHECK(inst[2].size == 300);
  // Nurses per doctor about 2.1 in the hospital (docs/calibration.md).
  const double ratio = inst[0].profession_mix[mentorsim::index_of(mentorsim::Profession::nursing)] /
                       inst[0].profession_mix[mentorsim::index_of(mentorsim::Profession::medicine)];
  CHECK(ratio == Approx(2.1).margin(0.1));
  CHECK(s.network().mean_degree == 10.0);
  CHECK(s.run().weeks == 104);
  CHECK(s.output().agent_fields.size() == mentorsim::kAgentFields.size());
}

TEST_CASE("a TOML syntax error names file, line and column", "[scenario]") {
  const auto errors = scenario_errors("[run]\nseed = 1\nweeks = = 4\n");
  const Diagnostic e = only(errors);
  CHECK(e.where.file == "test.toml");
  CHECK(e.where.line == 3);
  CHECK(e.where.column > 0);
  CHECK(contains(e.message, "TOML syntax error"));
}

TEST_CASE("an unknown key is rejected with a did-you-mean suggestion", "[scenario]") {
  const Diagnostic e = only(scenario_errors("[network]\nmean_degre = 12\n"));
  CHECK(e.where.line == 2);
  CHECK(e.where.column == 1);
  CHECK(e.key == "network.mean_degre");
  CHECK(contains(e.message, "unknown key \"mean_degre\""));
  CHECK(contains(e.message, "did you mean \"mean_degree\"?"));
}

TEST_CASE("an unknown section is rejected with a suggestion", "[scenario]") {
  const Diagnostic e = only(scenario_errors("[netwrk]\nmean_degree = 12\n"));
  CHECK(e.key == "netwrk");
  CHECK(contains(e.message, "did you mean \"network\"?"));
}

TEST_CASE("a value of the wrong type is rejected", "[scenario]") {
  const Diagnostic e = only(scenario_errors("[run]\nweeks = \"ten\"\n"));
  CHECK(e.key == "run.weeks");
  CHECK(e.where.line == 2);
  CHECK(e.message == "expected an integer, got a string");
  // A float where an integer is needed is a type error too, not a silent truncation.
  CHECK(only(scenario_errors("[run]\nweeks = 10.5\n")).message == "expected an integer, got a float");
}

TEST_CASE("an out-of-range value is rejected with the range", "[scenario]") {
  const Diagnostic e = only(scenario_errors("[network]\nmean_degree = -3\n"));
  CHECK(e.key == "network.mean_degree");
  CHECK(contains(e.message, "must be in (0, 500], got -3"));
  const Diagnostic share =
      only(scenario_errors("[[population.institutions]]\nname = \"h\"\nkind = \"hospital\"\n"
                           "minority_share = 1.5\n"));
  CHECK(share.key == "population.institutions[0].minority_share");
  CHECK(share.where.line == 4);
  CHECK(contains(share.message, "must be in [0, 1], got 1.5"));
}

TEST_CASE("an unknown enum value lists the allowed ones", "[scenario]") {
  const Diagnostic e = only(scenario_errors("[[population.institutions]]\nname = \"h\"\nkind = \"clinic\"\n"));
  CHECK(e.key == "population.institutions[0].kind");
  CHECK(contains(e.message, "unknown institution kind \"clinic\""));
  CHECK(contains(e.message, "\"hospital\", \"university\" or \"research_institute\""));
}

TEST_CASE("shares that do not sum to 1 are rejected", "[scenario]") {
  const Diagnostic e =
      only(scenario_errors("[[population.institutions]]\nname = \"h\"\nkind = \"hospital\"\n"
                           "professions = { medicine = 0.5, nursing = 0.4 }\n"));
  CHECK(e.key == "population.institutions[0].professions");
  CHECK(e.where.line == 4);
  CHECK(contains(e.message, "shares must sum to 1, got 0.9"));
  const Diagnostic unknown =
      only(scenario_errors("[[population.institutions]]\nname = \"h\"\nkind = \"hospital\"\n"
                           "professions = { medicine = 0.5, nurses = 0.5 }\n"));
  CHECK(unknown.key == "population.institutions[0].professions.nurses");
  CHECK(contains(unknown.message, "did you mean \"nursing\"?"));
}

TEST_CASE("contradictory settings are rejected", "[scenario]") {
  SECTION("joint appointments need a second institution") {
    const Diagnostic e =
        only(scenario_errors("[[population.institutions]]\nname = \"h\"\nkind = \"hospital\"\n"
                             "joint_share = 0.1\n"));
    CHECK(contains(e.message, "no other institution"));
  }
  SECTION("more units than staff") {
    const Diagnostic e =
        only(scenario_errors("[[population.institutions]]\nname = \"h\"\nkind = \"hospital\"\n"
                             "size = 10\nunits = 11\n"));
    CHECK(e.key == "population.institutions[0].units");
  }
  SECTION("two institutions with one name") {
    const Diagnostic e =
        only(scenario_errors("[[population.institutions]]\nname = \"h\"\nkind = \"hospital\"\n"
                             "[[population.institutions]]\nname = \"h\"\nkind = \"university\"\n"));
    CHECK(contains(e.message, "\"h\" is used twice"));
  }
  SECTION("a snapshot after the last week") {
    const Diagnostic e = only(scenario_errors("[run]\nweeks = 10\n[output]\nsnapshot_weeks = [5, 11]\n"));
    CHECK(e.key == "output.snapshot_weeks[1]");
    CHECK(e.where.line == 4);
  }
  SECTION("an edge list without a roster") {
    std::ofstream("edges_for_test.csv") << "src,dst\n";
    const Diagnostic e = only(scenario_errors("[network]\nedges = \"edges_for_test.csv\"\n"));
    CHECK(e.key == "network.edges");
    CHECK(contains(e.message, "needs population.roster"));
    std::filesystem::remove("edges_for_test.csv");
  }
  SECTION("a missing required key in an institution") {
    const Diagnostic e = only(scenario_errors("[[population.institutions]]\nkind = \"hospital\"\n"));
    CHECK(contains(e.message, "missing required key \"name\""));
    CHECK(e.where.line == 1);
  }
}

TEST_CASE("a missing roster file is reported at its key", "[scenario]") {
  const Diagnostic e = only(scenario_errors("[population]\nroster = \"no/such/roster.csv\"\n"));
  CHECK(e.key == "population.roster");
  CHECK(e.where.line == 2);
  CHECK(contains(e.message, "does not exist"));
}

TEST_CASE("every problem in a file is reported together, each on its own line", "[scenario]") {
  const auto errors = scenario_errors(
      "[run]\nweeks = -1\nseeed = 3\n[network]\nclustering = 0.9\n[output]\nagent_fields = [\"degree\", \"skils\"]\n");
  INFO(render(errors));
  REQUIRE(errors.size() == 4);
  CHECK(errors[0].key == "run.weeks");
  CHECK(errors[1].key == "run.seeed");
  CHECK(contains(errors[1].message, "did you mean \"seed\"?"));
  CHECK(errors[2].key == "network.clustering");
  CHECK(errors[3].key == "output.agent_fields[1]");
  CHECK(contains(errors[3].message, "did you mean \"skills\"?"));
  for (const auto& e : errors) CHECK(e.to_string().find('\n') == std::string::npos);
}

TEST_CASE("an override (--set) reaches any key with the same validation", "[scenario]") {
  const Scenario s = Scenario::parse("[network]\nmean_degree = 8\n", "t.toml",
                                     {"network.mean_degree=12", "run.seed=99", "output.path=out/x.h5"});
  CHECK(s.network().mean_degree == 12.0);
  CHECK(s.run().seed == 99);
  CHECK(s.output().path == "out/x.h5");  // a bare word is taken as a string

  const Diagnostic bad = only(scenario_errors("", {"network.mean_degree=-1"}));
  CHECK(bad.where.file == "--set network.mean_degree=-1");
  CHECK(bad.key == "network.mean_degree");
  CHECK(contains(bad.message, "must be in (0, 500], got -1"));

  const Diagnostic unknown = only(scenario_errors("", {"netwrk.mean_degree=3"}));
  CHECK(unknown.where.file == "--set netwrk.mean_degree=3");
  CHECK(contains(unknown.message, "did you mean \"network\"?"));

  const Diagnostic syntax = only(scenario_errors("", {"run.seed"}));
  CHECK(contains(syntax.message, "expected key=value"));
}

TEST_CASE("an override (--set) reaches into arrays of tables by index", "[scenario]") {
  const std::string text = "[[population.institutions]]\nname = \"h\"\nkind = \"hospital\"\nsize = 100\nunits = 5\n";
  const Scenario s = Scenario::parse(text, "t.toml", {"population.institutions.0.size=200"});
  CHECK(s.population().institutions[0].size == 200);
  const Diagnostic e = only(scenario_errors(text, {"population.institutions.3.size=200"}));
  CHECK(contains(e.message, "not an index of this array"));
}

TEST_CASE("population.size scales institutions and their units in proportion", "[scenario]") {
  const Scenario s = Scenario::parse("[population]\nsize = 410\n", "t.toml");
  const auto& inst = s.population().institutions;
  // 3000 : 800 : 300 scaled to 410 is exactly 300 : 80 : 30; units 100, 20, 15 scale by 0.1.
  CHECK(inst[0].size == 300);
  CHECK(inst[1].size == 80);
  CHECK(inst[2].size == 30);
  CHECK(inst[0].units == 10);
  CHECK(inst[1].units == 2);
  CHECK(inst[2].units == 2);  // 1.5 rounds to 2
  CHECK(s.population().total_size() == 410);
  CHECK(contains(s.resolved_json(), "\"size\" : 300"));
}

TEST_CASE("resolved_json holds every default and every override", "[scenario]") {
  const Scenario s = Scenario::parse("[run]\nseed = 5\n", "t.toml", {"network.clustering=0.2"});
  const std::string& json = s.resolved_json();
  CHECK(contains(json, "\"seed\" : 5"));
  CHECK(contains(json, "\"clustering\" : 0.2"));
  CHECK(contains(json, "\"mean_degree\" : 10.0"));   // a default nobody wrote
  CHECK(contains(json, "\"name\" : \"hospital\""));  // the implicit institutions
  CHECK(contains(json, "\"culture_wellbeing\""));    // skill priors
}

TEST_CASE("a scenario file that does not exist is an input error", "[scenario]") {
  CHECK_THROWS_AS(Scenario::load("/no/such/scenario.toml"), mentorsim::InputError);
}

TEST_CASE("agent fields are kept in canonical order whatever order is written", "[scenario]") {
  const Scenario s = Scenario::parse("[output]\nagent_fields = [\"degree\", \"id\"]\n", "t.toml");
  REQUIRE(s.output().agent_fields.size() == 2);
  CHECK(s.output().agent_fields[0] == "id");
  CHECK(s.output().agent_fields[1] == "degree");
}

TEST_CASE("peer mentoring refuses mentor_uptake and pairs all stages by default", "[scenario][peer]") {
  const Diagnostic e = only(scenario_errors("[program]\nkind = \"peer\"\nuptake = 0.5\nmentor_uptake = 0.3\n"));
  CHECK(e.key == "program.mentor_uptake");
  CHECK(e.where.line == 4);
  CHECK(contains(e.message, "peer mentoring enrols by uptake alone"));
  const Scenario peer = Scenario::parse("[program]\nkind = \"peer\"\n", "peer.toml");
  const ProgramSpec& p = peer.arms().front().program;
  CHECK(p.mentor_stages.size() == kStages);
  CHECK(p.mentee_stages.size() == kStages);
  CHECK(p.mentor_uptake == p.uptake);
}

TEST_CASE("cascade keys are validated with located one-line errors", "[scenario][cascade]") {
  // Threshold and depth apply only to a cascade.
  Diagnostic e = only(scenario_errors("[program]\nkind = \"reverse\"\ncascade_threshold = 0.6\n"));
  CHECK(e.key == "program.cascade_threshold");
  CHECK(e.where.line == 3);
  CHECK(contains(e.message, "applies to cascading programs only (cascade_waves > 1)"));
  e = only(scenario_errors("[program]\nkind = \"reverse\"\ncascade_depth = 0\n"));
  CHECK(e.key == "program.cascade_depth");
  // A depth beyond the waves.
  e = only(
      scenario_errors("[program]\nkind = \"reverse\"\ncascade_waves = 3\nduration_weeks = 20\ncascade_depth = 3\n"));
  CHECK(e.key == "program.cascade_depth");
  CHECK(e.where.line == 5);
  CHECK(contains(e.message, "a cascade of 3 waves has at most 2 generations of graduate mentors, got 3"));
  // Waves that do not fit in the run: waves 0-2 of 40 weeks from week 4 start at 4, 44 and 84 >= 60.
  e = only(
      scenario_errors("[run]\nweeks = 60\n[program]\nkind = \"reverse\"\ncascade_waves = 3\nduration_weeks = 40\n"));
  CHECK(e.key == "program.cascade_waves");
  CHECK(e.where.line == 5);
  CHECK(contains(e.message, "the last of 3 waves of 40 weeks starts at week 84, after the run ends (run.weeks = 60)"));
  // Peers have no mentor role to graduate to.
  e = only(scenario_errors("[program]\nkind = \"peer\"\ncascade_waves = 2\n"));
  CHECK(e.key == "program.cascade_waves");
  CHECK(contains(e.message, "a peer program cannot cascade"));
  // Out of range, and on an arm without a program.
  e = only(scenario_errors("[program]\nkind = \"reverse\"\ncascade_waves = 9\n"));
  CHECK(e.key == "program.cascade_waves");
  e = only(scenario_errors("[program]\nkind = \"reverse\"\ncascade_waves = 2\ncascade_threshold = 1.5\n"));
  CHECK(e.key == "program.cascade_threshold");
  e = only(scenario_errors("[program]\nkind = \"none\"\ncascade_waves = 2\n"));
  CHECK(e.key == "program.cascade_waves");
  CHECK(contains(e.message, "has no effect: this arm runs no program"));
  // The default depth is waves - 1; the program ends after the last wave.
  const Scenario s =
      Scenario::parse("[program]\nkind = \"reverse\"\ncascade_waves = 3\nduration_weeks = 20\n", "c.toml");
  const mentorsim::ProgramSpec& p = s.arms().front().program;
  CHECK(p.cascade_depth == 2);
  CHECK(p.end_week() == 4 + 3 * 20);
  CHECK(p.wave_start(43) == 24);
  CHECK(p.wave_of(44) == 2);
  CHECK(p.wave_of(100) == 2);
  CHECK(p.wave_of(0) == 0);
}

TEST_CASE("network mentoring keys are validated with located one-line errors", "[scenario][network]") {
  // The default split and an explicit one.
  const Scenario s = Scenario::parse("[program]\nkind = \"traditional\"\nmentors_per_mentee = 3\n", "n.toml");
  const auto& split = s.arms().front().program.network_domains;
  // clinical 1, research 4, teaching 8 + leadership 16: four domains dealt into 1, 1 and 2.
  CHECK(split == std::vector<std::uint8_t>{1, 4, 24});
  Diagnostic e = only(scenario_errors("[program]\nkind = \"reverse\"\nmentors_per_mentee = 3\n"));
  CHECK(e.key == "program.mentors_per_mentee");
  CHECK(e.where.line == 3);
  CHECK(contains(e.message, "reverse mentors teach 2 domains (digital, culture_wellbeing): at most 2"));
  e = only(scenario_errors("[program]\nkind = \"group\"\nmentors_per_mentee = 2\n"));
  CHECK(e.key == "program.mentors_per_mentee");
  CHECK(contains(e.message, "group programs cannot have several mentors per mentee"));
  // Every pairing strategy forms networks, with or without re-matching (7.20).
  for (const char* strategy : {"assigned_random", "assigned_optimal", "self_identified", "hybrid"}) {
    INFO(strategy);
    CHECK(scenario_errors(std::string("[program]\nkind = \"reverse\"\nmentors_per_mentee = 2\nrematch = true\n") +
                          "strategy = \"" + strategy + "\"\n")
              .empty());
  }
  e = only(scenario_errors("[program]\nkind = \"peer\"\nmentors_per_mentee = 2\n"));
  CHECK(e.key == "program.mentors_per_mentee");
  CHECK(contains(e.message, "peer programs cannot have several mentors per mentee"));
  // Domain sets: unknown, not taught by the kind, in two sets, the wrong number of sets.
  e = only(scenario_errors(
      "[program]\nkind = \"reverse\"\nmentors_per_mentee = 2\nnetwork_domains = [\"digital\", \"wellbeing\"]\n"));
  CHECK(e.key == "program.network_domains");
  CHECK(e.where.line == 4);
  CHECK(contains(e.message, "unknown skill domain \"wellbeing\" in \"wellbeing\""));
  e = only(scenario_errors(
      "[program]\nkind = \"reverse\"\nmentors_per_mentee = 2\nnetwork_domains = [\"digital\", \"research\"]\n"));
  CHECK(contains(e.message, "\"research\" is not a domain a reverse mentor teaches (digital, culture_wellbeing)"));
  e =
      only(scenario_errors("[program]\nkind = \"traditional\"\nmentors_per_mentee = 2\n"
                           "network_domains = [\"clinical+research\", \"research\"]\n"));
  CHECK(contains(e.message, "\"research\" is in two domain sets"));
  e = only(
      scenario_errors("[program]\nkind = \"traditional\"\nmentors_per_mentee = 2\nnetwork_domains = [\"clinical\"]\n"));
  CHECK(contains(e.message, "gives 1 domain sets for 2 mentors per mentee"));
  e = only(scenario_errors("[program]\nkind = \"reverse\"\nnetwork_domains = [\"digital\"]\n"));
  CHECK(e.key == "program.network_domains");
  CHECK(contains(e.message, "applies to network mentoring only (mentors_per_mentee > 1)"));
  e = only(scenario_errors("[program]\nkind = \"reverse\"\nmentors_per_mentee = 7\n"));
  CHECK(e.key == "program.mentors_per_mentee");
}

TEST_CASE("spot mentoring keys are validated with located one-line errors", "[scenario][spot]") {
  Diagnostic e = only(scenario_errors("[program]\nkind = \"reverse\"\nspot_rate = 0.1\n"));
  CHECK(e.key == "program.spot_rate");
  CHECK(e.where.line == 3);
  CHECK(contains(e.message, "applies to spot mentoring only (kind = \"spot\")"));
  e = only(scenario_errors("[program]\nkind = \"spot\"\nspot_min_gap = -0.1\n"));
  CHECK(e.key == "program.spot_min_gap");
  e = only(scenario_errors("[program]\nkind = \"spot\"\nstrategy = \"self_identified\"\n"));
  CHECK(e.key == "program.strategy");
  CHECK(e.where.line == 3);
  CHECK(contains(e.message, "has no effect in spot mentoring"));
  e = only(scenario_errors("[program]\nkind = \"spot\"\ncadence_weeks = 2\n"));
  CHECK(e.key == "program.cadence_weeks");
  e = only(scenario_errors("[program]\nkind = \"spot\"\ncascade_waves = 2\n"));
  CHECK(e.key == "program.cascade_waves");
  e = only(scenario_errors("[program]\nkind = \"spot\"\nmentors_per_mentee = 2\n"));
  CHECK(e.key == "program.mentors_per_mentee");
  // A consultation is one meeting in its week: the cadence is 1 week.
  const Scenario s = Scenario::parse("[program]\nkind = \"spot\"\n", "spot.toml");
  CHECK(s.arms().front().program.cadence_weeks == 1);
}
