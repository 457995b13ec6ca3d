// Enthusiasm (src/dynamics/enthusiasm.cpp): the weekly update on a hand-built tiny world.

#include <catch2/catch.hpp>

#include "mentorsim/dynamics/enthusiasm.hpp"
#include "support/tiny_world.hpp"

using namespace mentorsim;

namespace {

// reference 0.8, recovery 0.1, workload_erosion 0.1, renewal 0.5, time_erosion 0.2; time_required 0.4 and
// workload_reference 0.6 (defaults). At workload 0.6 (L = 1) the rest value is 0.1 * 0.8 / (0.1 + 0.1) = 0.4.
constexpr const char* kEnthusiasmScenario =
    "[program]\nkind = \"reverse\"\nstart_week = 0\n"
    "[dynamics.enthusiasm]\nreference = 0.8\nrecovery = 0.1\nworkload_erosion = 0.1\nrenewal = 0.5\n"
    "time_erosion = 0.2\n";

}  // namespace

TEST_CASE("enthusiasm is renewed by successful meetings and eroded by workload and meeting time",
          "[dynamics][enthusiasm]") {
  const Scenario scenario = test::tiny_scenario(4, kEnthusiasmScenario);
  auto agents = test::junior_and_senior(0.5f);  // 0 mentors 1; both workload 0.6, time budget 1
  agents.push_back(agents[1]);                  // 3: a second mentee
  agents.push_back(agents[1]);
  agents[2].workload = 0.3f;  // 2: in no dyad, L = 0.5: rest 0.08 / (0.1 + 0.05) = 0.5333
  SimulationState state(scenario, 0, test::tiny_world(agents, {}, 0.7, 0.2));
  CHECK(state.enthusiasm[0] == Approx(0.4));
  CHECK(state.enthusiasm[2] == Approx(0.08 / 0.15));
  const DyadId good = test::add_dyad(state, 0, 1, 0.5f);
  const DyadId failed = test::add_dyad(state, 0, 3, 0.9f);
  state.dyads.met[good] = 1;
  state.dyads.succeeded[good] = 1;
  state.dyads.met[failed] = 1;  // met, not successful: its time counts, its quality does not renew
  EnthusiasmStage stage;
  run_stage(stage, state);
  // Each meeting takes 0.4 of a time budget of 1. Mentee 1: R = 0.5, T = 0.4:
  //   0.4 + 0.1 (0.8 - 0.4) + min(1, 0.5 * 0.5) (1 - 0.4) - 0.1 * 1 * 0.4 - min(1, 0.2 * 0.4) 0.4 = 0.518.
  CHECK(state.enthusiasm[1] == Approx(0.518));
  // Mentee 3: R = 0, T = 0.4: 0.4 + 0.04 - 0.04 - 0.032 = 0.368.
  CHECK(state.enthusiasm[3] == Approx(0.368));
  // Mentor 0: R = 0.5 (the good meeting), T = 0.8 (both): 0.4 + 0.04 + 0.15 - 0.04 - 0.064 = 0.486.
  CHECK(state.enthusiasm[0] == Approx(0.486));
  // Agent 2 met nobody: at its rest value it does not move.
  CHECK(state.enthusiasm[2] == Approx(0.08 / 0.15));
}

TEST_CASE("a hire starts at its rest value and a leaver's enthusiasm is frozen", "[dynamics][enthusiasm]") {
  const Scenario scenario = test::tiny_scenario(2, kEnthusiasmScenario);
  auto agents = test::junior_and_senior(0.5f);
  SimulationState state(scenario, 0, test::tiny_world(agents, {}, 0.7, 0.2));
  state.enthusiasm[1] = 0.9f;
  state.population.left[1] = 0;
  const AgentId hire = state.population.append(0, 0, Profession::medicine, CareerStage::early_career, false, 1);
  state.population.workload[hire] = 0.3f;
  CHECK(enthusiasm_of(state, hire) == Approx(0.08 / 0.15));  // before the stage has seen it
  EnthusiasmStage stage;
  run_stage(stage, state);
  REQUIRE(state.enthusiasm.size() == 3);
  CHECK(state.enthusiasm[hire] == Approx(0.08 / 0.15));
  CHECK(state.enthusiasm[1] == 0.9f);
  CHECK(state.enthusiasm[0] == Approx(0.4));  // at rest, no meeting
}

TEST_CASE("a circle meeting renews its mentor once and counts only the circle dyads that met",
          "[dynamics][enthusiasm][group]") {
  // A group circle: agent 0 mentors 1 (quality 0.5) and 2 (quality 0.9); both meet successfully. The mentor's
  // R = (0.5 + 0.9) / 2 = 0.7 and T = (0.4 + 0.4) / 2 = 0.4: 0.4 + 0.04 + min(1, 0.35) 0.6 - 0.04 - 0.08 * 0.4
  // = 0.578. If the circle's second dyad has ended this week (it met before it ended), it still counts.
  const Scenario scenario = test::tiny_scenario(
      3,
      "[program]\nkind = \"group\"\nstart_week = 0\n[dynamics.enthusiasm]\nreference = 0.8\nrecovery = 0.1\n"
      "workload_erosion = 0.1\nrenewal = 0.5\ntime_erosion = 0.2\n");
  auto agents = test::junior_and_senior(0.5f);
  std::swap(agents[0], agents[1]);  // the senior mentors
  agents.push_back(agents[1]);
  SimulationState state(scenario, 0, test::tiny_world(agents, {}, 0.7, 0.2));
  const DyadId first = test::add_dyad(state, 0, 1, 0.5f);
  const DyadId second = test::add_dyad(state, 0, 2, 0.9f);
  REQUIRE(state.dyads.type[first] == DyadType::group);
  state.dyads.group[second] = state.dyads.group[first];  // one circle (the calendar would do this)
  for (DyadId d : {first, second}) state.dyads.met[d] = state.dyads.succeeded[d] = 1;
  end_dyad(state.dyads, state.program, second, 0, EndReason::leaving);
  EnthusiasmStage stage;
  run_stage(stage, state);
  CHECK(state.enthusiasm[0] == Approx(0.578));
}
