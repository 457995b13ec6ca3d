// The calendar stage (src/dynamics/calendar.cpp): what it adds to the program calendar of
// program/calendar.cpp (tested in tests/program): dyad constants, the matching log, the notes for
// the run's warnings and the list of active dyads.

#include <catch2/catch.hpp>

#include "mentorsim/dynamics/calendar.hpp"
#include "support/tiny_world.hpp"

using namespace mentorsim;
using test::add_dyad;
using test::junior_and_senior;
using test::kReverseProgram;
using test::tiny_scenario;
using test::tiny_world;
using test::TinyAgent;

TEST_CASE("the calendar forms dyads, extends their constants and lists the active ones", "[dynamics][calendar]") {
  // One junior mentor (time budget 0.2: availability 0.2 / 0.4 = 0.5) and one senior mentee, everyone enrols.
  const Scenario scenario =
      tiny_scenario(2, "[program]\nkind = \"reverse\"\nstart_week = 0\nuptake = 1.0\nmentor_uptake = 1.0\n");
  auto agents = junior_and_senior(1.0f);
  agents[0].time_budget = 0.2f;
  SimulationState state(scenario, 0, tiny_world(agents, {}, 0.7, 0.2));
  CalendarStage calendar;
  std::vector<StageNote> notes;
  run_stage(calendar, state, &notes);
  REQUIRE(state.dyads.size() == 1);
  CHECK(state.dyads.mentor[0] == 0);
  CHECK(state.active_dyads == std::vector<DyadId>{0});
  REQUIRE(state.dyad_constants.size() == 1);
  CHECK(state.dyad_constants.mentor_availability[0] == Approx(0.5));
  CHECK(state.dyad_constants.mentee_availability[0] == 1.0);
  // The junior mentors the senior: the mentee's institution's hierarchy applies.
  CHECK(state.dyad_constants.power_hierarchy[0] == Approx(0.7));
  REQUIRE(state.matching_log.size() == 1);
  CHECK(state.matching_log[0].pairs == 1);
  CHECK(notes.empty());
}

TEST_CASE("mentees without any feasible mentor are reported in a note", "[dynamics][calendar]") {
  // The only mentor is the mentee's line manager: the pair is not feasible.
  const Scenario scenario = tiny_scenario(
      2, "[program]\nkind = \"reverse\"\nname = \"pilot\"\nstart_week = 0\nuptake = 1.0\nmentor_uptake = 1.0\n");
  auto agents = junior_and_senior(1.0f);
  agents[1].manager = 0;
  SimulationState state(scenario, 0, tiny_world(agents, {}, 0.7, 0.2));
  CalendarStage calendar;
  std::vector<StageNote> notes;
  run_stage(calendar, state, &notes);
  CHECK(state.dyads.size() == 0);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].stage == Stage::calendar);
  CHECK(notes[0].step == 0);
  CHECK(notes[0].message == "arm \"pilot\": 1 of 1 mentees had no feasible mentor (constraints); they stay unmatched");
}

TEST_CASE("mentor training boosts a trained mentor's confidence at its first dyad only", "[dynamics][calendar]") {
  // Two junior mentors (confidence 0.4) enrol, one senior mentee: one mentor gets the mentee and
  // c = 0.4 + 0.2 (1 - 0.4) = 0.52 (training_boost 0.2); the other never mentors and keeps 0.4.
  // A second dyad of the same mentor adds nothing.
  const Scenario scenario = tiny_scenario(
      3, "[program]\nkind = \"reverse\"\nstart_week = 0\nuptake = 1.0\nmentor_uptake = 1.0\nmentor_training = true\n");
  auto agents = junior_and_senior(0.4f);
  agents.push_back(agents[0]);
  SimulationState state(scenario, 0, tiny_world(agents, {}, 0.7, 0.2));
  CalendarStage calendar;
  run_stage(calendar, state);
  REQUIRE(state.dyads.size() == 1);
  const AgentId mentor = state.dyads.mentor[0];
  const AgentId idle = mentor == 0 ? 2 : 0;
  CHECK(state.population.confidence[mentor] == Approx(0.52));
  CHECK(state.population.confidence[idle] == Approx(0.4));
  add_dyad(state, mentor, 1, 0.6f);
  CHECK(state.population.confidence[mentor] == Approx(0.52));
}

TEST_CASE("a peer program enrols each peer in one role and pairs within career stages", "[dynamics][calendar][peer]") {
  // 20 early-career and 20 senior staff, everyone enrols (uptake 1): each takes exactly one role, and
  // every pair formed joins two peers of the same stage.
  const Scenario scenario = tiny_scenario(40, "[program]\nkind = \"peer\"\nstart_week = 0\nuptake = 1.0\n");
  std::vector<TinyAgent> agents(40);
  for (std::size_t a = 20; a < 40; ++a) agents[a].stage = CareerStage::senior;
  SimulationState state(scenario, 0, tiny_world(agents, {}, 0.7, 0.2));
  CalendarStage calendar;
  run_stage(calendar, state);
  int mentors = 0;
  for (AgentId a = 0; a < 40; ++a) {
    const std::uint8_t roles = state.program.enrolled[a];
    CHECK((roles == kMentorRole || roles == kMenteeRole));
    mentors += roles == kMentorRole ? 1 : 0;
  }
  CHECK(mentors > 0);
  CHECK(mentors < 40);
  // Every stage's pairs: min(mentors, mentees) of that stage (one mentee per mentor).
  std::array<int, kStages> stage_mentors{}, stage_mentees{};
  for (AgentId a = 0; a < 40; ++a) {
    (state.program.enrolled[a] == kMentorRole ? stage_mentors : stage_mentees)[index_of(state.population.stage[a])]++;
  }
  std::size_t expected = 0;
  for (std::size_t s = 0; s < kStages; ++s) expected += std::min(stage_mentors[s], stage_mentees[s]);
  REQUIRE(state.dyads.size() == expected);
  for (DyadId d = 0; d < state.dyads.size(); ++d) {
    CHECK(state.dyads.type[d] == DyadType::peer);
    CHECK(state.population.stage[state.dyads.mentor[d]] == state.population.stage[state.dyads.mentee[d]]);
  }
}
