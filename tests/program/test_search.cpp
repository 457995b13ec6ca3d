// Self-identified search week by week (the calendar's weekly rounds), on tiny worlds whose answers are
// worked out by hand: giving up after patience_weeks, losing the only mentor to another mentee, and
// the week of the first match.

#include <catch2/catch.hpp>

#include <algorithm>

#include "mentorsim/program/calendar.hpp"
#include "mentorsim/program/pairing/pairing.hpp"
#include "support/program_calendar.hpp"
#include "support/tiny_world.hpp"

using namespace mentorsim;

namespace {

// A self-identified traditional program starting at week 1 in which nobody is anxious, nobody sees
// the directory and mentors are never reluctant: a mentee approaches every candidate it considers,
// and a mentor accepts whenever it has the time (availability = min(1, time budget / 0.4)).
Scenario search_scenario(std::uint32_t patience, const std::string& extra = "") {
  return test::tiny_scenario(
      4,
      "[program]\nkind = \"traditional\"\nstrategy = \"self_identified\"\nstart_week = 1\nduration_weeks = 20\n"
      "uptake = 1.0\nmentor_uptake = 1.0\ndirectory_visibility = 0.0\n"
      "[dynamics.approach]\napproach_base = 0.999999999\npower_weight = 0.0\nconfidence_weight = 0.0\n"
      "reluctance_weight = 0.0\npatience_weeks = " +
          std::to_string(patience) + "\n" + extra);
}

}  // namespace

TEST_CASE("a mentee whose only mentor declines searches patience_weeks weeks and gives up", "[search]") {
  // Mentee 0 (early career) tied to mentor 1 (senior) who has no time (availability 0): it approaches
  // the mentor in its first week (week 1) and is declined; it has nobody new to consider after that,
  // searches in weeks 2 and 3 too, and at week 1 + 3 = 4 gives up.
  std::vector<test::TinyAgent> agents(2);
  agents[1].stage = CareerStage::senior;
  agents[1].time_budget = 0.0f;
  const Scenario scenario = search_scenario(3);
  test::ProgramCalendar c(test::tiny_world(agents, {Tie{0, 1, 0.5f}}, 0.5, 0.5), scenario);
  c.run(4);  // weeks 0-3
  for (Step t : {1, 2, 3}) {
    REQUIRE(c.rounds[t].size() == 1);
    CHECK(c.rounds[t][0].mentees == 1);
    CHECK(c.rounds[t][0].pairs == 0);
    CHECK(c.rounds[t][0].reasons == std::vector<UnmatchedReason>{UnmatchedReason::declined});
  }
  CHECK((c.program.search[0] & kSearchGaveUp) == 0);  // still searching after week 3
  CHECK(c.program.considered.at(0) == std::vector<AgentId>{1});
  for (Step t = 4; t < 12; ++t) {
    ProgramWorld pw{c.world.population, c.world.population.confidence, c.world.network, c.dyads, c.program};
    CHECK(run_calendar(pw, scenario, c.random, t).empty());  // no round after it gave up
  }
  CHECK((c.program.search[0] & kSearchGaveUp) != 0);
  CHECK(c.program.considered.empty());
  CHECK(c.program.matched_week[0] == kNever);
  CHECK(c.program.unmatched_reason[0] == static_cast<std::uint8_t>(UnmatchedReason::declined));
  CHECK(c.dyads.size() == 0);
}

TEST_CASE("of two mentees of one mentor, one is matched and the other lost to others", "[search]") {
  // Mentees 0 and 1 (identical) both tied to mentor 2 (one place, time enough). Both approach it in
  // week 1 and it would accept both; liking only similarity and complementarity (fit_choice_weight 0),
  // it likes them equally and keeps the lower index, mentee 0. Mentee 1 finds the mentor full in
  // weeks 2-3, keeps lost_to_others (a free feasible mentor did exist in its search) and gives up at 4.
  std::vector<test::TinyAgent> agents(3);
  agents[2].stage = CareerStage::senior;
  const Scenario scenario = search_scenario(3, "fit_choice_weight = 0.0\n");
  test::ProgramCalendar c(test::tiny_world(agents, {Tie{0, 2, 0.5f}, Tie{1, 2, 0.5f}}, 0.5, 0.5), scenario);
  c.run(6);
  REQUIRE(c.dyads.size() == 1);
  CHECK(c.dyads.mentee[0] == 0);
  CHECK(c.dyads.start[0] == 1);
  CHECK(c.program.matched_week[0] == 1);
  CHECK(c.program.matched_week[1] == kNever);
  CHECK(c.rounds[1][0].reasons == std::vector<UnmatchedReason>{UnmatchedReason::lost_to_others});
  CHECK(c.rounds[2][0].mentees == 1);  // mentee 1 searches on, the mentor full
  CHECK(c.program.unmatched_reason[1] == static_cast<std::uint8_t>(UnmatchedReason::lost_to_others));
  CHECK((c.program.search[1] & kSearchGaveUp) != 0);
  CHECK((c.program.search[0] & kSearchGaveUp) == 0);
}

TEST_CASE("the first match comes in the week the mentee reaches a mentor who accepts", "[search]") {
  // Mentee 0 tied to three identical senior mentors; with fit_noise 0 it ranks them by true fit and
  // considers one a week. The two best have no time (they decline), the third accepts: the mentee
  // is matched in its third week of search, week 1 + 2 = 3, so weeks to match = 2.
  std::vector<test::TinyAgent> agents(4);
  for (AgentId m = 1; m <= 3; ++m) agents[m].stage = CareerStage::senior;
  const Scenario scenario = search_scenario(8, "fit_noise = 0.0\n");
  const RandomSource random(7, 0);
  std::vector<AgentId> by_fit = {1, 2, 3};
  std::sort(by_fit.begin(), by_fit.end(),
            [&](AgentId x, AgentId y) { return pair_fit(random, x, 0) > pair_fit(random, y, 0); });
  agents[by_fit[0]].time_budget = 0.0f;
  agents[by_fit[1]].time_budget = 0.0f;
  test::ProgramCalendar c(test::tiny_world(agents, {Tie{0, 1, 0.5f}, Tie{0, 2, 0.5f}, Tie{0, 3, 0.5f}}, 0.5, 0.5),
                          scenario);
  c.run(10);
  REQUIRE(c.dyads.size() == 1);
  CHECK(c.dyads.mentor[0] == by_fit[2]);
  CHECK(c.dyads.start[0] == 3);
  CHECK(c.program.matched_week[0] - c.program.enrolled_week[0] == 2);
  CHECK(c.rounds[1][0].reasons == std::vector<UnmatchedReason>{UnmatchedReason::declined});
  CHECK(c.rounds[2][0].reasons == std::vector<UnmatchedReason>{UnmatchedReason::declined});
  CHECK(c.rounds[3][0].pairs == 1);
  for (Step t = 4; t < 10; ++t) CHECK(c.rounds[t].empty());  // nobody searches once matched
  CHECK(c.program.considered.empty());
}
