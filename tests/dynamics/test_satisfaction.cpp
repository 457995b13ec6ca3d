// Satisfaction and intent to leave (src/dynamics/satisfaction.cpp) on a tiny world with a
// hand-computed answer (docs/model.md 7.14).

#include <catch2/catch.hpp>

#include "mentorsim/dynamics/satisfaction.hpp"
#include "support/tiny_world.hpp"

using namespace mentorsim;
using test::add_dyad;
using test::junior_and_senior;
using test::kReverseProgram;
using test::tiny_scenario;
using test::tiny_world;
using test::TinyAgent;

TEST_CASE("satisfaction stays at baseline without a program and rises in a good dyad", "[dynamics][satisfaction]") {
  const Scenario scenario = tiny_scenario(2, kReverseProgram);
  SimulationState state(scenario, 0, tiny_world(junior_and_senior(1.0f), {}, 0.7, 0.2));
  SatisfactionStage stage;
  run_stage(stage, state);
  CHECK(state.population.satisfaction[0] == Approx(0.65f));
  add_dyad(state, 0, 1, 0.9f);
  run_stage(stage, state);
  // Target = 0.65 + 0.3 (0.9 - 0.5) - 0.1 min(1, (0.4 / 4) / 1) = 0.76; S += 0.05 (0.76 - 0.65).
  CHECK(state.population.satisfaction[0] == Approx(0.65 + 0.05 * 0.11).epsilon(1e-5));
  // Intent to leave follows satisfaction; at the reference satisfaction it is the baseline intent.
  CHECK(state.population.intent_to_leave[0] ==
        Approx(intent_to_leave(scenario.dynamics().turnover, state.population.satisfaction[0])));
  CHECK(intent_to_leave(scenario.dynamics().turnover, 0.65) == Approx(0.188));
  // Its per-agent sums are left zero between weeks: the same dyad gives the same step again.
  const float before = state.population.satisfaction[0];
  run_stage(stage, state);
  CHECK(state.population.satisfaction[0] - before == Approx(0.05 * (0.76 - before)).epsilon(1e-4));
}

TEST_CASE("workload weighs the burden and a recent failure lowers the target", "[dynamics][satisfaction]") {
  // The mentor's workload is 0.9 = 1.5 times workload_reference 0.6: burden 1.5 * (0.4 / 4) / 1 = 0.15.
  // Target = 0.65 + 0.3 (0.9 - 0.5) - 0.1 * 0.15 = 0.755; S = 0.65 + 0.05 (0.755 - 0.65).
  const Scenario scenario = tiny_scenario(2, kReverseProgram);
  auto agents = junior_and_senior(1.0f);
  agents[0].workload = 0.9f;
  SimulationState state(scenario, 0, tiny_world(agents, {}, 0.7, 0.2));
  SatisfactionStage stage;
  const DyadId d = add_dyad(state, 0, 1, 0.9f);
  run_stage(stage, state);
  const double first = 0.65 + 0.05 * (0.755 - 0.65);
  CHECK(state.population.satisfaction[0] == Approx(first).epsilon(1e-5));
  // The dyad ends for power imbalance at week 1. At week 13 (within failure_window_weeks = 13 of the
  // end) both partners' targets lose failure_weight 0.1: the mentor's target is 0.65 - 0.1 = 0.55.
  state.dyads.finish(d, 1, EndReason::power_imbalance);
  state.step = 13;
  run_stage(stage, state);
  const double second = first + 0.05 * (0.55 - first);
  CHECK(state.population.satisfaction[0] == Approx(second).epsilon(1e-5));
  // The mentee (workload 0.6) had target 0.65 + 0.3 * 0.4 - 0.1 * 0.1 = 0.76 in the first week.
  const double mentee_first = 0.65 + 0.05 * (0.76 - 0.65);
  CHECK(state.population.satisfaction[1] == Approx(mentee_first + 0.05 * (0.55 - mentee_first)).epsilon(1e-5));
  // At week 14 the failure is past the window: the target is back to 0.65.
  state.step = 14;
  run_stage(stage, state);
  CHECK(state.population.satisfaction[0] == Approx(second + 0.05 * (0.65 - second)).epsilon(1e-5));
}

TEST_CASE("power imbalance a mentor bears lowers its satisfaction target", "[dynamics][satisfaction]") {
  // Mentor confidence 0.5, h = 0.8, psi = 0.5: f = 0.8 * 1 * 0.5 * 0.5 = 0.2. The mentor's target is
  // 0.65 + 0.3 (0.9 - 0.5) - 0.1 * 0.1 (burden) - imbalance_weight 0.1 * 0.2 = 0.74; the mentee bears
  // none: 0.76, as in the first test.
  const Scenario scenario = tiny_scenario(2, kReverseProgram);
  SimulationState state(scenario, 0, tiny_world(junior_and_senior(0.5f), {}, 0.8, 0.5));
  SatisfactionStage stage;
  add_dyad(state, 0, 1, 0.9f);
  run_stage(stage, state);
  CHECK(state.population.satisfaction[0] == Approx(0.65 + 0.05 * (0.74 - 0.65)).epsilon(1e-5));
  CHECK(state.population.satisfaction[1] == Approx(0.65 + 0.05 * (0.76 - 0.65)).epsilon(1e-5));
}
