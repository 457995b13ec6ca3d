// Arms, randomisation, matching rounds (hybrid fallback, re-matching) and the program's scenario errors.

#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <set>

#include "mentorsim/core/apportion.hpp"
#include "mentorsim/engine/outcomes.hpp"
#include "mentorsim/engine/simulation.hpp"
#include "mentorsim/program/calendar.hpp"
#include "support/scenario_errors.hpp"

using namespace mentorsim;
using test::render;
using test::scenario_errors;

namespace {

std::string two_arms(const std::string& randomisation, const std::string& extra = "") {
  return "[run]\nseed = 31\nweeks = 30\n[population]\nsize = 1200\n" + randomisation +
         "[[arms]]\nname = \"control\"\nshare = 0.3\nkind = \"none\"\n"
         "[[arms]]\nname = \"reverse\"\nshare = 0.7\nkind = \"reverse\"\n" +
         extra;
}

}  // namespace

TEST_CASE("individual randomisation gives each arm its exact share of staff", "[arms]") {
  const Scenario scenario = Scenario::parse(two_arms(""), "t.toml");
  Simulation sim(scenario, 0);
  const auto& arm = sim.state().program.arm;
  const auto in_program = std::count(arm.begin(), arm.end(), ArmId{1});
  const auto expected = apportion(sim.state().population.size(), std::vector<double>{0.3, 0.7});
  CHECK(static_cast<std::uint64_t>(in_program) == expected[1]);
  // The same seed gives the same allocation; another gives another.
  Simulation again(scenario, 0);
  CHECK(again.state().program.arm == arm);
  Simulation other(scenario, 1);
  CHECK(other.state().program.arm != arm);
}

TEST_CASE("cluster randomisation puts whole units in one arm with the requested shares", "[arms]") {
  const Scenario scenario = Scenario::parse(two_arms("[randomisation]\nmethod = \"cluster\"\n"), "t.toml");
  Simulation sim(scenario, 0);
  const Population& pop = sim.state().population;
  std::map<UnitId, std::set<ArmId>> arms_of_unit;
  for (AgentId a = 0; a < pop.size(); ++a) arms_of_unit[pop.unit[a]].insert(sim.state().program.arm[a]);
  std::size_t program_units = 0;
  for (const auto& [unit, arms] : arms_of_unit) {
    CHECK(arms.size() == 1);
    program_units += *arms.begin() == 1 ? 1 : 0;
  }
  const auto expected = apportion(pop.units.size(), std::vector<double>{0.3, 0.7});
  CHECK(program_units == expected[1]);
}

TEST_CASE("a stepped wedge randomises units to waves that start in turn", "[arms]") {
  const Scenario scenario = Scenario::parse(
      "[run]\nweeks = 60\n[population]\nsize = 800\n[randomisation]\nwaves = 3\nwave_interval_weeks = 10\n"
      "[program]\nkind = \"reciprocal\"\nstart_week = 4\n"
      "[dynamics]\ndisabled = [\"informal\"]\n",  // program dyads only
      "t.toml");
  REQUIRE(scenario.arms().size() == 3);
  CHECK(scenario.arms()[0].name == "program_wave1");
  CHECK(scenario.arms()[2].program.start_week == 24);
  CHECK(scenario.randomisation().method == RandomisationMethod::cluster);
  Simulation sim(scenario, 0);
  sim.run_until(20);
  // Waves 1 and 2 have started by week 20; wave 3 (week 24) has not.
  std::array<std::size_t, 3> dyads{};
  for (DyadId d = 0; d < sim.state().dyads.size(); ++d) ++dyads[sim.state().dyads.arm[d]];
  CHECK(dyads[0] > 0);
  CHECK(dyads[1] > 0);
  CHECK(dyads[2] == 0);
}

TEST_CASE("a hybrid program assigns the still unmatched after its self-identification weeks", "[arms][hybrid]") {
  const Scenario scenario = Scenario::parse(
      "[run]\nseed = 8\nweeks = 20\n[population]\nsize = 1500\n"
      "[program]\nkind = \"traditional\"\nstrategy = \"hybrid\"\nstart_week = 2\nfallback_weeks = 6\n"
      "mentor_capacity = 3\ndirectory_visibility = 0.0\n"
      "[dynamics]\ndisabled = [\"informal\"]\n"  // program dyads only
      "[dynamics.approach]\napproach_base = 0.4\n",
      "t.toml");
  Simulation sim(scenario, 0);
  sim.run_until(20);
  const DyadTable& dyads = sim.state().dyads;
  std::size_t self = 0, fallback = 0;
  std::set<Step> self_weeks;
  for (DyadId d = 0; d < dyads.size(); ++d) {
    if (dyads.formation[d] == Formation::self_identified) {
      ++self;
      // Searching from week 2 until the fallback week 8 (patience_weeks 8 does not end it earlier).
      CHECK(dyads.start[d] >= 2);
      CHECK(dyads.start[d] < 8);
      self_weeks.insert(dyads.start[d]);
    } else {
      CHECK(dyads.formation[d] == Formation::hybrid_fallback);
      CHECK(dyads.start[d] == 8);
      ++fallback;
    }
  }
  CHECK(self > 0);
  CHECK(fallback > 0);
  CHECK(self_weeks.size() > 1);  // matches in more than the first week of search
}

TEST_CASE("re-matching gives mentees of dissolved pairs a new mentor", "[arms][rematch]") {
  const std::string text =
      "[run]\nseed = 12\nweeks = 40\n[population]\nsize = 1500\n"
      "[program]\nkind = \"reverse\"\nstart_week = 1\nduration_weeks = 36\nmentor_capacity = 2\nrematch = {}\n"
      "[dynamics]\ndisabled = [\"informal\"]\n"  // program dyads only
      "[dynamics.relationships]\nrole_ambiguity = 0.6\n";
  auto second_dyads = [&](const char* rematch) {
    std::string t = text;
    t.replace(t.find("{}"), 2, rematch);
    const Scenario scenario = Scenario::parse(t, "t.toml");
    Simulation sim(scenario, 0);
    sim.run_until(40);
    std::map<AgentId, int> count;
    for (DyadId d = 0; d < sim.state().dyads.size(); ++d) ++count[sim.state().dyads.mentee[d]];
    std::size_t again = 0;
    for (const auto& [mentee, n] : count) again += n > 1 ? 1 : 0;
    return again;
  };
  CHECK(second_dyads("false") == 0);
  CHECK(second_dyads("true") > 0);
}

TEST_CASE("a lower minority odds ratio of approaching lowers minority coverage", "[arms][anxiety]") {
  auto minority_coverage = [](double odds_ratio) {
    const Scenario scenario = Scenario::parse(
        "[run]\nseed = 77\nweeks = 6\n[population]\nsize = 3000\nminority_share = 0.3\n"
        "[program]\nkind = \"traditional\"\nstrategy = \"self_identified\"\nstart_week = 1\nmentor_capacity = 4\n"
        "uptake = 1.0\nmentor_uptake = 1.0\n[dynamics.approach]\nminority_odds_ratio = " +
            std::to_string(odds_ratio) + "\n",
        "t.toml");
    double covered = 0.0, total = 0.0;
    for (Replicate r = 0; r < 2; ++r) {
      Simulation sim(scenario, r);
      sim.run_until(6);
      const Outcomes o = compute_outcomes(sim.state());
      const auto& pop = sim.state().population;
      double covered_here = 0.0, total_here = 0.0;
      for (AgentId a = 0; a < pop.size(); ++a) {
        if (!pop.minority[a] || pop.hired[a] != 0 || !(sim.state().program.eligible[a] & kMenteeRole)) continue;
        total_here += 1.0;
        covered_here += sim.state().program.matched_week[a] != kNever ? 1.0 : 0.0;
      }
      // The outcome table's minority coverage (arm 0, minority 1) is this replicate's share among the
      // initial staff.
      CHECK(o.subgroup(Outcome::coverage, Subgroup::minority, 0, 1) == Approx(covered_here / total_here));
      covered += covered_here;
      total += total_here;
    }
    return covered / total;
  };
  const double relaxed = minority_coverage(1.0);
  const double anxious = minority_coverage(0.1);
  INFO("minority coverage without extra anxiety " << relaxed << ", with " << anxious);
  CHECK(anxious < relaxed - 0.05);
}

TEST_CASE("program errors: empty eligibility, impossible constraints, arm shares", "[arms][scenario]") {
  SECTION("nobody eligible as mentee") {
    const auto e = scenario_errors(
        "[program]\nkind = \"reverse\"\nmentee_stages = [\"student\"]\n"
        "institutions = [\"institute\"]\nprofessions = [\"speech_pathology\"]\n");
    INFO(render(e));
    REQUIRE(e.size() == 1);
    CHECK(e[0].key == "program.mentee_stages");
    CHECK(e[0].message.find("no staff are eligible as mentees") != std::string::npos);
  }
  SECTION("a cross-institution mentor required with one institution taking part") {
    const auto e = scenario_errors(
        "[program]\nkind = \"reverse\"\ncross_institution = \"required\"\n"
        "institutions = [\"hospital\"]\n");
    REQUIRE(e.size() == 1);
    CHECK(e[0].key == "program.cross_institution");
  }
  SECTION("shares that do not sum to 1 across arms") {
    const auto e = scenario_errors("[[arms]]\nname = \"a\"\nshare = 0.5\n[[arms]]\nname = \"b\"\nshare = 0.4\n");
    REQUIRE(e.size() == 1);
    CHECK(e[0].key == "arms");
    CHECK(e[0].message.find("must sum to 1") != std::string::npos);
  }
  SECTION("an unknown institution in the eligibility") {
    const auto e = scenario_errors("[program]\nkind = \"reverse\"\ninstitutions = [\"hospitl\"]\n");
    REQUIRE(e.size() == 1);
    CHECK(e[0].message.find("did you mean \"hospital\"?") != std::string::npos);
  }
  SECTION("a stepped wedge with two arms") {
    const auto e = scenario_errors(
        "[randomisation]\nwaves = 2\n[[arms]]\nname = \"a\"\nkind = \"reverse\"\n"
        "[[arms]]\nname = \"b\"\nkind = \"none\"\n");
    REQUIRE(e.size() == 1);
    CHECK(e[0].key == "randomisation.waves");
  }
  SECTION("both [program] and [[arms]]") {
    const auto e = scenario_errors("[program]\nkind = \"reverse\"\n[[arms]]\nname = \"a\"\n");
    CHECK_FALSE(e.empty());
    CHECK(e[0].message.find("not both") != std::string::npos);
  }
  SECTION("too few mentor places is a warning, not an error") {
    const Scenario s = Scenario::parse("[program]\nkind = \"reverse\"\nuptake = 1.0\nmentor_uptake = 0.1\n", "t.toml");
    REQUIRE(s.warnings().size() == 1);
    CHECK(s.warnings()[0].find("no_capacity") != std::string::npos);
  }
}

TEST_CASE("dyads record the pair's latent fit, and only self-chosen pairs a perceived fit", "[arms][fit]") {
  const Scenario scenario = Scenario::parse(
      "[run]\nseed = 41\nweeks = 3\n[population]\nsize = 800\n"
      "[[arms]]\nname = \"assigned\"\nshare = 0.5\nkind = \"reverse\"\nstrategy = \"assigned_random\"\n"
      "start_week = 1\n"
      "[[arms]]\nname = \"self\"\nshare = 0.5\nkind = \"reverse\"\nstrategy = \"self_identified\"\n"
      "start_week = 1\n",
      "t.toml");
  Simulation sim(scenario, 2);
  sim.run_until(3);
  const DyadTable& d = sim.state().dyads;
  const RandomSource random(41, 2);
  std::size_t by_arm[2] = {0, 0};
  for (DyadId k = 0; k < d.size(); ++k) {
    // The fit is the pair's, from the replicate's stream: the same whichever arm formed the pair.
    CHECK(d.fit[k] == static_cast<float>(pair_fit(random, d.mentor[k], d.mentee[k])));
    ++by_arm[d.arm[k]];
    if (d.formation[k] == Formation::self_identified || d.formation[k] == Formation::informal) {
      // Informal mentees chose their mentor too (docs/model.md 7.18).
      CHECK(d.fit_perceived[k] == static_cast<float>(mentee_perceived_fit(random, d.mentor[k], d.mentee[k],
                                                                          scenario.dynamics().approach.fit_noise)));
    } else {
      CHECK(std::isnan(d.fit_perceived[k]));
    }
  }
  CHECK(by_arm[0] > 0);
  CHECK(by_arm[1] > 0);
}

TEST_CASE("self-identifying mentees search week by week until matched or out of patience", "[arms][search]") {
  const Scenario scenario = Scenario::parse(
      "[run]\nseed = 23\nweeks = 20\n[population]\nsize = 1500\n"
      "[[arms]]\nname = \"assigned\"\nshare = 0.5\nkind = \"traditional\"\nstrategy = \"assigned_random\"\n"
      "start_week = 1\n"
      "[[arms]]\nname = \"self\"\nshare = 0.5\nkind = \"traditional\"\nstrategy = \"self_identified\"\n"
      "start_week = 1\n[dynamics.approach]\npatience_weeks = 4\n"
      "[dynamics]\ndisabled = [\"informal\"]\n",  // program dyads only
      "t.toml");
  Simulation sim(scenario, 0);
  sim.run_until(20);
  const auto& st = sim.state();
  std::set<Step> self_starts;
  for (DyadId d = 0; d < st.dyads.size(); ++d) {
    if (st.dyads.arm[d] == 0) {
      CHECK(st.dyads.start[d] == 1);  // assigned: all in the enrolment week
    } else {
      self_starts.insert(st.dyads.start[d]);
    }
  }
  // Search weeks 0-3 after enrolment at week 1: first matches in weeks 1-4 only, some after week 1.
  REQUIRE_FALSE(self_starts.empty());
  CHECK(*self_starts.begin() == 1);
  CHECK(*self_starts.rbegin() <= 4);
  CHECK(*self_starts.rbegin() > 1);
  // Every enrolled, never matched mentee of the self arm still employed has a reason and gave up.
  double gave_up = 0.0;
  for (AgentId a = 0; a < st.population.size(); ++a) {
    if (st.program.arm[a] != 1 || !(st.program.enrolled[a] & kMenteeRole) || st.population.hired[a] != 0) continue;
    if (st.program.matched_week[a] != kNever) {
      CHECK((st.program.search[a] & kSearchGaveUp) == 0);
      continue;
    }
    CHECK(st.program.unmatched_reason[a] != kNotUnmatched);
    if (st.population.active(a)) CHECK((st.program.search[a] & kSearchGaveUp) != 0);
    if ((st.program.search[a] & kSearchGaveUp) && (st.program.eligible[a] & kMenteeRole)) gave_up += 1.0;
  }
  const Outcomes o = compute_outcomes(st);
  CHECK(o.value(Outcome::weeks_to_match, 0) == 0.0);
  CHECK(o.value(Outcome::weeks_to_match, 1) > 0.0);
  CHECK(gave_up > 0.0);
  CHECK(o.value(Outcome::gave_up, 1) == gave_up);
  CHECK(o.value(Outcome::gave_up, 0) == 0.0);  // assigners never give up
  CHECK(st.program.considered.empty());        // nobody searches any more
}
