// Informal diffusion (src/dynamics/diffusion.cpp) on a tiny world with a hand-computed answer
// (docs/model.md 7.10).

#include <catch2/catch.hpp>

#include "mentorsim/dynamics/diffusion.hpp"
#include "mentorsim/dynamics/exchange.hpp"
#include "support/tiny_world.hpp"

using namespace mentorsim;
using test::add_dyad;
using test::junior_and_senior;
using test::kReverseProgram;
using test::tiny_scenario;
using test::tiny_world;
using test::TinyAgent;

TEST_CASE("informal diffusion pulls an agent toward a more skilled colleague", "[dynamics][diffusion]") {
  const Scenario scenario = Scenario::parse(
      "[[population.institutions]]\nname = \"h\"\nkind = \"hospital\"\nsize = 2\nunits = 1\n"
      "[dynamics.diffusion]\nrate = 0.1\n",
      "t.toml");
  TinyAgent low;
  low.skills = {0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f};
  TinyAgent high;
  high.skills = {0.6f, 0.6f, 0.6f, 0.6f, 0.6f, 0.6f};
  SimulationState state(scenario, 0, tiny_world({low, high}, {Tie{0, 1, 1.0f}}, 0.5, 0.5));
  ExchangeStage exchange;  // copies week-t skills into the next buffer
  run_stage(exchange, state);
  DiffusionStage diffusion;
  run_stage(diffusion, state);
  // epsilon absorb (w / W)(s_j - s_i)(1 - s_i) = 0.1 * 1 * 1 * 0.4 * 0.8 = 0.032; nothing flows down.
  CHECK(state.population.skills(0, Domain::digital) == Approx(0.232));
  CHECK(state.population.skills(1, Domain::digital) == Approx(0.6f));
  // The buffer now holds the skills of the week before (it was swapped in).
  CHECK(state.skills_next(0, Domain::digital) == 0.2f);
}

TEST_CASE("diffusion clamps skills to the unit interval and ignores colleagues who left", "[dynamics][diffusion]") {
  const Scenario scenario = Scenario::parse(
      "[[population.institutions]]\nname = \"h\"\nkind = \"hospital\"\nsize = 3\nunits = 1\n"
      "[dynamics.diffusion]\nrate = 0.5\n",
      "t.toml");
  TinyAgent low;
  low.skills = {0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f};
  TinyAgent high;
  high.skills = {0.9f, 0.9f, 0.9f, 0.9f, 0.9f, 0.9f};
  SimulationState state(scenario, 0, tiny_world({low, high, high}, {Tie{0, 1, 1.0f}, Tie{0, 2, 1.0f}}, 0.5, 0.5));
  state.population.left[2] = 0;  // agent 2 has left: only agent 1 pulls agent 0
  ExchangeStage exchange;
  run_stage(exchange, state);
  state.skills_next.at(1, 0) = 1.5f;  // a buffer value above 1 (as the exchange could leave it) is clamped
  DiffusionStage diffusion;
  run_stage(diffusion, state);
  // 0.5 * 1 * (1 / 1)(0.9 - 0.2)(1 - 0.2) = 0.28 from agent 1 alone (weights over active colleagues).
  CHECK(state.population.skills(0, Domain::digital) == Approx(0.48));
  CHECK(state.population.skills.at(1, 0) == 1.0f);
}
