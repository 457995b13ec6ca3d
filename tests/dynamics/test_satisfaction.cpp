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
  // Target = 0.65 + 0.17 (0.9 - 0.5) - 0.1 min(1, (0.4 / 4) / 1) = 0.708 (quality_weight 0.17, the
  // calibrated default); S += 0.05 (0.708 - 0.65).
  CHECK(state.population.satisfaction[0] == Approx(0.65 + 0.05 * 0.058).epsilon(1e-5));
  // Intent to leave follows satisfaction; at the reference satisfaction it is the baseline intent.
  CHECK(state.population.intent_to_leave[0] ==
        Approx(intent_to_leave(scenario.dynamics().turnover, state.population.satisfaction[0])));
  CHECK(intent_to_leave(scenario.dynamics().turnover, 0.65) == Approx(0.188));
  // Its per-agent sums are left zero between weeks: the same dyad gives the same step again.
  const float before = state.population.satisfaction[0];
  run_stage(stage, state);
  CHECK(state.population.satisfaction[0] - before == Approx(0.05 * (0.708 - before)).epsilon(1e-4));
}

TEST_CASE("workload weighs the burden and a recent failure lowers the target", "[dynamics][satisfaction]") {
  // The mentor's workload is 0.9 = 1.5 times workload_reference 0.6: burden 1.5 * (0.4 / 4) / 1 = 0.15.
  // Target = 0.65 + 0.17 (0.9 - 0.5) - 0.1 * 0.15 = 0.703; S = 0.65 + 0.05 (0.703 - 0.65).
  const Scenario scenario = tiny_scenario(2, kReverseProgram);
  auto agents = junior_and_senior(1.0f);
  agents[0].workload = 0.9f;
  SimulationState state(scenario, 0, tiny_world(agents, {}, 0.7, 0.2));
  SatisfactionStage stage;
  const DyadId d = add_dyad(state, 0, 1, 0.9f);
  run_stage(stage, state);
  const double first = 0.65 + 0.05 * (0.703 - 0.65);
  CHECK(state.population.satisfaction[0] == Approx(first).epsilon(1e-5));
  // The dyad ends for power imbalance at week 1. At week 13 (within failure_window_weeks = 13 of the
  // end) both partners' targets lose failure_weight 0.1: the mentor's target is 0.65 - 0.1 = 0.55.
  state.dyads.finish(d, 1, EndReason::power_imbalance);
  state.step = 13;
  run_stage(stage, state);
  const double second = first + 0.05 * (0.55 - first);
  CHECK(state.population.satisfaction[0] == Approx(second).epsilon(1e-5));
  // The mentee (workload 0.6) had target 0.65 + 0.17 * 0.4 - 0.1 * 0.1 = 0.708 in the first week.
  const double mentee_first = 0.65 + 0.05 * (0.708 - 0.65);
  CHECK(state.population.satisfaction[1] == Approx(mentee_first + 0.05 * (0.55 - mentee_first)).epsilon(1e-5));
  // At week 14 the failure is past the window: the target is back to 0.65.
  state.step = 14;
  run_stage(stage, state);
  CHECK(state.population.satisfaction[0] == Approx(second + 0.05 * (0.65 - second)).epsilon(1e-5));
}

TEST_CASE("power imbalance a mentor bears lowers its satisfaction target", "[dynamics][satisfaction]") {
  // Mentor confidence 0.5, h = 0.8, psi = 0.5: f = 0.8 * 1 * 0.5 * 0.5 = 0.2. The mentor's target is
  // 0.65 + 0.17 (0.9 - 0.5) - 0.1 * 0.1 (burden) - imbalance_weight 0.1 * 0.2 = 0.688; the mentee bears
  // none: 0.708, as in the first test.
  const Scenario scenario = tiny_scenario(2, kReverseProgram);
  SimulationState state(scenario, 0, tiny_world(junior_and_senior(0.5f), {}, 0.8, 0.5));
  SatisfactionStage stage;
  add_dyad(state, 0, 1, 0.9f);
  run_stage(stage, state);
  CHECK(state.population.satisfaction[0] == Approx(0.65 + 0.05 * (0.688 - 0.65)).epsilon(1e-5));
  CHECK(state.population.satisfaction[1] == Approx(0.65 + 0.05 * (0.708 - 0.65)).epsilon(1e-5));
}

TEST_CASE("skill gains become the new normal at the adaptation rate", "[dynamics][satisfaction]") {
  // Agent 0 gains 0.2 in each of two domains (G = 0.4) and has no dyad. Week 1: R_G = 0, target
  // 0.65 + 0.25 * 0.4 = 0.75, S = 0.65 + 0.05 * 0.1 = 0.655, then R_G = 0.025 * 0.4 = 0.01. Week 2:
  // target 0.65 + 0.25 * 0.39 = 0.7475, S = 0.655 + 0.05 * (0.7475 - 0.655) = 0.659625.
  const auto run_two_weeks = [](const std::string& extra) {
    const Scenario scenario = tiny_scenario(2, kReverseProgram + extra);
    SimulationState state(scenario, 0, tiny_world(junior_and_senior(1.0f), {}, 0.7, 0.2));
    state.population.skills.at(0, 0) += 0.2f;
    state.population.skills.at(0, 1) += 0.2f;
    SatisfactionStage stage;
    std::vector<float> path;
    for (int week = 0; week < 400; ++week) {
      run_stage(stage, state);
      path.push_back(state.population.satisfaction[0]);
    }
    return path;
  };
  const auto adapting = run_two_weeks("");
  CHECK(adapting[0] == Approx(0.655).epsilon(1e-5));
  CHECK(adapting[1] == Approx(0.659625).epsilon(1e-5));
  // The gain fades: after 400 weeks the reference holds nearly all of it (0.4 (1 - 0.025)^400 < 1e-4).
  CHECK(adapting.back() == Approx(0.65).margin(2e-3));
  const auto peak = *std::max_element(adapting.begin(), adapting.end());
  CHECK(peak > 0.67);  // it rose for a while first
  // Without adaptation the target stays 0.75: week 2 gives 0.655 + 0.05 * 0.095, and S approaches 0.75.
  const auto lasting = run_two_weeks("\n[dynamics.satisfaction]\nadaptation = 0\n");
  CHECK(lasting[0] == Approx(0.655).epsilon(1e-5));
  CHECK(lasting[1] == Approx(0.65975).epsilon(1e-5));
  CHECK(lasting.back() == Approx(0.75).margin(1e-4));
}

TEST_CASE("informal dyads of the first week start no rise but later dyads count in full", "[dynamics][satisfaction]") {
  // The anchor A = S0 - (the terms of the agent's informal dyads in the stage's first run), so the
  // target of both partners is their S0 while that dyad lasts, whatever its terms are.
  const Scenario scenario = tiny_scenario(2, kReverseProgram);
  SimulationState state(scenario, 0, tiny_world(junior_and_senior(1.0f), {}, 0.7, 0.2));
  const DyadId informal = add_dyad(state, 0, 1, 0.9f);
  state.dyads.formation[informal] = Formation::informal;
  SatisfactionStage stage;
  for (int week = 0; week < 3; ++week) {
    run_stage(stage, state);
    CHECK(state.population.satisfaction[0] == Approx(0.65f).epsilon(1e-6));
    CHECK(state.population.satisfaction[1] == Approx(0.65f).epsilon(1e-6));
  }
  // When it ends (a natural end), the mentor's target falls by its terms: 0.17 (0.9 - 0.5) less the
  // burden it had, so the target is below 0.65 and S falls.
  state.dyads.finish(informal, 3, EndReason::program_end);
  state.active_dyads = state.dyads.active_ids();
  state.step = 4;
  run_stage(stage, state);
  CHECK(state.population.satisfaction[0] < 0.65f);
  // A program dyad formed later counts in full from a fresh stage: in the first test's world, a
  // program dyad of quality 0.9 formed before the first run is not anchored (only informal ones are).
  SimulationState fresh(scenario, 0, tiny_world(junior_and_senior(1.0f), {}, 0.7, 0.2));
  add_dyad(fresh, 0, 1, 0.9f);
  SatisfactionStage other;
  run_stage(other, fresh);
  CHECK(fresh.population.satisfaction[0] == Approx(0.65 + 0.05 * 0.058).epsilon(1e-5));
}

TEST_CASE("an agent in several dyads weighs their mean quality and their summed time", "[dynamics][satisfaction]") {
  // A junior mentor (confidence 1: no power imbalance) with three senior mentees in dyads of quality
  // 0.9, 0.6 and 0.3. The mentor's mean quality is 0.6 and its time 3 * 0.4 / 4 = 0.3 of its budget:
  // target = 0.65 + 0.17 (0.6 - 0.5) - 0.1 * 0.3 = 0.637. Each mentee has its own dyad: the one at
  // 0.3 has target 0.65 + 0.17 (0.3 - 0.5) - 0.1 * 0.1 = 0.606.
  auto agents = junior_and_senior(1.0f);
  agents.push_back(agents[1]);
  agents.push_back(agents[1]);
  const Scenario scenario = tiny_scenario(agents.size(), kReverseProgram);
  SimulationState state(scenario, 0, tiny_world(agents, {}, 0.7, 0.2));
  SatisfactionStage stage;
  add_dyad(state, 0, 1, 0.9f);
  add_dyad(state, 0, 2, 0.6f);
  add_dyad(state, 0, 3, 0.3f);
  run_stage(stage, state);
  CHECK(state.population.satisfaction[0] == Approx(0.65 + 0.05 * (0.637 - 0.65)).epsilon(1e-5));
  CHECK(state.population.satisfaction[3] == Approx(0.65 + 0.05 * (0.606 - 0.65)).epsilon(1e-5));
}
