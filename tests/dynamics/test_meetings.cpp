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
  // (1/4) * 1 * 0.5 * (0.9 + 0.1 * 0.6) = 0.12 (quality_floor 0.9)
  CHECK(meeting_probability(scenario, state.dyads, state.dyad_constants, d) == Approx(0.12));

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

TEST_CASE("a virtual meeting costs what the equation says", "[dynamics][meetings][virtual]") {
  // time_required 0.4, virtual_time_factor 0.5, cross_institution_travel 1 (an in-person meeting
  // across institutions takes twice as long), blended_virtual_share 0.5. The mentee's time budget is
  // 0.1, the mentor's 1, the pair's quality 0.6 and the cadence 4 weeks.
  const std::string dynamics =
      "[dynamics.meetings]\nvirtual_time_factor = 0.5\ncross_institution_travel = 1.0\n"
      "blended_virtual_share = 0.5\n";
  auto run = [&](const std::string& mode, bool across) {
    const Scenario scenario =
        tiny_scenario(2, "[program]\nkind = \"reverse\"\nstart_week = 0\ncadence_weeks = 4\nmeeting_mode = \"" + mode +
                             "\"\n" + dynamics);
    auto agents = junior_and_senior(1.0f);
    agents[1].time_budget = 0.1f;
    SimulationState state(scenario, 0, tiny_world(agents, {}, 0.7, 0.2));
    if (across) test::move_to_second_institution(state, 1);
    const DyadId d = add_dyad(state, 0, 1, 0.6f);
    return std::tuple{meeting_time_factor(scenario, state.population, state.dyads, d),
                      state.dyad_constants.mentee_availability[d],
                      meeting_probability(scenario, state.dyads, state.dyad_constants, d)};
  };
  // In person within one institution: factor 1, τ = 0.4, a = 0.1 / 0.4 = 0.25,
  // p = (1/4) * 1 * 0.25 * (0.9 + 0.1 * 0.6) = 0.06 (quality_floor 0.9).
  auto [f, a, p] = run("in_person", false);
  CHECK(f == 1.0);
  CHECK(a == Approx(0.25));
  CHECK(p == Approx(0.06));
  // Virtual: factor 0.5, τ = 0.2, a = 0.5, p = 0.12; across institutions the same (no travel).
  std::tie(f, a, p) = run("virtual", false);
  CHECK(f == Approx(0.5));
  CHECK(a == Approx(0.5));
  CHECK(p == Approx(0.12));
  std::tie(f, a, p) = run("virtual", true);
  CHECK(f == Approx(0.5));
  CHECK(p == Approx(0.12));
  // In person across institutions: factor 1 + 1 = 2, τ = 0.8, a = 0.125, p = 0.03.
  std::tie(f, a, p) = run("in_person", true);
  CHECK(f == Approx(2.0));
  CHECK(a == Approx(0.125));
  CHECK(p == Approx(0.03));
  // Blended across institutions: 0.5 * 2 + 0.5 * 0.5 = 1.25, τ = 0.5, a = 0.2, p = 0.048.
  std::tie(f, a, p) = run("blended", true);
  CHECK(f == Approx(1.25));
  CHECK(a == Approx(0.2));
  CHECK(p == Approx(0.048));
}
