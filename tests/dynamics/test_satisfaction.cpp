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
