// Meetings (src/dynamics/meetings.cpp) on tiny worlds with hand-computed answers (docs/model.md 7.8).

#include <catch2/catch.hpp>

#include "mentorsim/dynamics/meetings.hpp"
#include "support/tiny_world.hpp"

using namespace mentorsim;
using test::add_dyad;
using test::junior_and_senior;
using test::kReverseProgram;
using test::tiny_scenario;
using test::tiny_world;
using test::TinyAgent;

TEST_CASE("the meeting probability follows cadence, availability and quality", "[dynamics][meetings]") {
  const Scenario scenario = tiny_scenario(2, "[program]\nkind = \"reverse\"\nstart_week = 0\ncadence_weeks = 4\n");
  auto agents = junior_and_senior(1.0f);
  agents[1].time_budget = 0.2f;  // half of the 0.4 a meeting needs
  SimulationState state(scenario, 0, tiny_world(agents, {}, 0.7, 0.2));
  const DyadId d = add_dyad(state, 0, 1, 0.6f);
  // (1/4) * 1 * 0.5 * (0.5 + 0.5 * 0.6) = 0.1
  CHECK(meeting_probability(scenario, state.dyads, state.dyad_constants, d) == Approx(0.1));

  const Scenario weekly = tiny_scenario(2, "[program]\nkind = \"reverse\"\nstart_week = 0\ncadence_weeks = 1\n");
  SimulationState sure(weekly, 0, tiny_world(junior_and_senior(1.0f), {}, 0.7, 0.2));
  const DyadId e = add_dyad(sure, 0, 1, 1.0f);
  CHECK(meeting_probability(weekly, sure.dyads, sure.dyad_constants, e) == 1.0);
  sure.dyads.succeeded[e] = 1;  // last week's success is cleared
  MeetingsStage stage;
  run_stage(stage, sure);
  CHECK(sure.dyads.met[e] == 1);
  CHECK(sure.dyads.succeeded[e] == 0);
}

TEST_CASE("a dyad whose mentor has no time never meets", "[dynamics][meetings]") {
  const Scenario scenario = tiny_scenario(2, "[program]\nkind = \"reverse\"\nstart_week = 0\ncadence_weeks = 1\n");
  auto agents = junior_and_senior(1.0f);
  agents[0].time_budget = 0.0f;
  SimulationState state(scenario, 0, tiny_world(agents, {}, 0.7, 0.2));
  const DyadId d = add_dyad(state, 0, 1, 1.0f);
  CHECK(state.dyad_constants.mentor_availability[d] == 0.0);
  MeetingsStage stage;
  for (Step week = 0; week < 20; ++week) {
    state.step = week;
    run_stage(stage, state);
    CHECK(state.dyads.met[d] == 0);
  }
}
