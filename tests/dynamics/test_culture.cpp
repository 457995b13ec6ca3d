// Unit culture (src/dynamics/culture.cpp) on a tiny world with a hand-computed answer (docs/model.md 7.16).

#include <catch2/catch.hpp>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/dynamics/culture.hpp"
#include "support/tiny_world.hpp"

using namespace mentorsim;
using test::add_dyad;
using test::junior_and_senior;
using test::kReverseProgram;
using test::tiny_scenario;
using test::tiny_world;
using test::TinyAgent;

TEST_CASE("unit culture moves toward more safety with good reverse dyads and sponsorship", "[dynamics][culture]") {
  const Scenario scenario = tiny_scenario(2, "[program]\nkind = \"reverse\"\nstart_week = 0\nsponsorship = 0.5\n");
  SimulationState state(scenario, 0, tiny_world(junior_and_senior(1.0f), {}, 0.7, 0.2));
  CultureStage stage(state);  // keeps the week-0 psi = 0.2 as the base of the target
  add_dyad(state, 0, 1, 0.9f);
  state.program.enrolled[0] = kMentorRole;
  run_stage(stage, state);
  // Target = 0.2 + 0.5 * (2 of 2 members in a good dyad) + 0.1 * 0.5 = 0.75; psi += 0.02 (0.75 - 0.2).
  const double first = 0.2 + 0.02 * 0.55;
  CHECK(state.population.psych_safety[0] == Approx(first).epsilon(1e-5));
  // The target stays anchored on the week-0 value, not on last week's.
  run_stage(stage, state);
  CHECK(state.population.psych_safety[0] == Approx(first + 0.02 * (0.75 - first)).epsilon(1e-5));
}

TEST_CASE("failing and failed dyads lower a unit's culture", "[dynamics][culture]") {
  // No sponsorship. A reverse dyad of quality 0.3 (below poor_quality 0.4): both members of the unit are
  // in a failing dyad, F = 1, G = 0: target = 0.5 - 0.3 * 1 = 0.2; psi = 0.5 + 0.02 (0.2 - 0.5) = 0.494.
  const Scenario scenario = tiny_scenario(2, kReverseProgram);
  SimulationState state(scenario, 0, tiny_world(junior_and_senior(1.0f), {}, 0.7, 0.5));
  CultureStage stage(state);
  const DyadId d = add_dyad(state, 0, 1, 0.3f);
  run_stage(stage, state);
  CHECK(state.population.psych_safety[0] == Approx(0.494).epsilon(1e-5));
  // The dyad ends for poor communication at week 1: it still harms the unit for harm_window_weeks = 13
  // (weeks 1..13 after the end: step - end < 13), then no longer.
  state.dyads.finish(d, 1, EndReason::poor_communication);
  state.active_dyads.clear();
  state.step = 13;
  run_stage(stage, state);
  const double second = 0.494 + 0.02 * (0.2 - 0.494);
  CHECK(state.population.psych_safety[0] == Approx(second).epsilon(1e-5));
  state.step = 14;
  run_stage(stage, state);
  CHECK(state.population.psych_safety[0] == Approx(second + 0.02 * (0.5 - second)).epsilon(1e-5));
  // A dyad that ended at the program's end does not harm.
  const DyadId e = add_dyad(state, 0, 1, 0.5f);
  state.dyads.finish(e, 14, EndReason::program_end);
  state.active_dyads.clear();
  const double third = second + 0.02 * (0.5 - second);
  run_stage(stage, state);
  CHECK(state.population.psych_safety[0] == Approx(third + 0.02 * (0.5 - third)).epsilon(1e-5));
}

TEST_CASE("sustained reverse dyads flatten a unit's hierarchy which relaxes back slowly", "[dynamics][culture]") {
  // A reverse dyad of quality 0.5 (neither good nor failing) and a confident mentor (no power
  // imbalance): psychological safety stays at 0.5 and only the flattening phi moves.
  const Scenario scenario = tiny_scenario(2, kReverseProgram);
  SimulationState state(scenario, 0, tiny_world(junior_and_senior(1.0f), {}, 0.7, 0.5));
  CultureStage stage(state);
  const DyadId d = add_dyad(state, 0, 1, 0.5f);
  CHECK(state.population.flattening[0] == 0.0f);
  // Week 12: the dyad has run 12 weeks, under sustained_weeks = 13: no flattening yet.
  state.step = 12;
  run_stage(stage, state);
  CHECK(state.population.flattening[0] == 0.0f);
  // Week 13: both members (R = 1 >= flattening_share 0.2): phi* = flattening_max 0.3;
  // phi = 0 + flattening_rate 0.02 * 0.3 = 0.006.
  state.step = 13;
  run_stage(stage, state);
  CHECK(state.population.flattening[0] == Approx(0.006).epsilon(1e-5));
  CHECK(state.population.psych_safety[0] == Approx(0.5));
  // The dyad ends: phi* = 0 and phi relaxes at flattening_relax 0.005: 0.006 (1 - 0.005) = 0.00597.
  state.dyads.finish(d, 14, EndReason::program_end);
  state.active_dyads.clear();
  state.step = 14;
  run_stage(stage, state);
  CHECK(state.population.flattening[0] == Approx(0.006 * 0.995).epsilon(1e-5));
}

TEST_CASE("power imbalance borne by mentors lowers a unit's psychological safety", "[dynamics][culture]") {
  // Mentor confidence 0.5, h = 0.8, psi = 0.5: f = 0.8 * 1 * (1 - 0.5)(1 - 0.5) = 0.2 borne by the
  // mentor; per member M = 0.2 / 2 = 0.1. Target = 0.5 - imbalance_weight 0.3 * 0.1 = 0.47;
  // psi = 0.5 + 0.02 (0.47 - 0.5) = 0.4994.
  const Scenario scenario = tiny_scenario(2, kReverseProgram);
  SimulationState state(scenario, 0, tiny_world(junior_and_senior(0.5f), {}, 0.8, 0.5));
  CultureStage stage(state);
  add_dyad(state, 0, 1, 0.5f);
  run_stage(stage, state);
  CHECK(state.population.psych_safety[0] == Approx(0.4994).epsilon(1e-5));
}

TEST_CASE("power imbalance of many dyads is summed the same for any thread count", "[dynamics][culture]") {
  // 5,000 junior mentors (confidence 0.5) each with a senior mentee, all in one unit (h = 0.8, psi =
  // 0.5): each mentor bears f = 0.2, as above, so per member M = 5000 * 0.2 / 10000 = 0.1 and psi =
  // 0.4994 again. The dyads fill two blocks of the dyad pass, whose parts are added up per slot.
  constexpr AgentId pairs = 5000;
  const auto pair = junior_and_senior(0.5f);
  std::vector<TinyAgent> agents;
  for (AgentId k = 0; k < pairs; ++k) agents.insert(agents.end(), pair.begin(), pair.end());
  const Scenario scenario = tiny_scenario(agents.size(), kReverseProgram);
  for (const int threads : {1, 2, 4}) {
    INFO("threads " << threads);
    parallel::set_threads(threads);
    SimulationState state(scenario, 0, tiny_world(agents, {}, 0.8, 0.5));
    CultureStage stage(state);
    // As add_dyad, with the dyad constants and the active list refreshed once for all the dyads.
    ProgramWorld world{state.population, state.population.confidence, state.network, state.dyads, state.program};
    for (AgentId k = 0; k < pairs; ++k) {
      const DyadId d = form_dyad(world, scenario, 2 * k, 2 * k + 1, 0, Formation::assigned, kNoDyad, state.step);
      state.dyads.quality[d] = 0.5f;
    }
    state.dyad_constants.extend(state.dyads, state.population, scenario);
    state.active_dyads = state.dyads.active_ids();
    run_stage(stage, state);
    CHECK(state.population.psych_safety[0] == Approx(0.4994).epsilon(1e-5));
  }
  parallel::set_threads(0);
}
