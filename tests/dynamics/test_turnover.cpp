// Turnover and hiring (src/dynamics/turnover.cpp) on tiny worlds with hand-computed answers
// (docs/model.md 7.15).

#include <catch2/catch.hpp>

#include <array>
#include <cmath>

#include "mentorsim/dynamics/ties.hpp"
#include "mentorsim/dynamics/turnover.hpp"
#include "mentorsim/world/world.hpp"
#include "support/tiny_world.hpp"

using namespace mentorsim;
using test::add_dyad;
using test::junior_and_senior;
using test::kReverseProgram;
using test::tiny_scenario;
using test::tiny_world;
using test::TinyAgent;

TEST_CASE("a leaver is replaced by an early-career hire and its dyads end", "[dynamics][turnover]") {
  // Everyone starts at the reference satisfaction (intent = baseline_intent = 0.01, the week-0 mean of
  // every stage); the senior's intent then rises to 1, 100 times that mean: certain leaving.
  const Scenario scenario = Scenario::parse(
      "[[population.institutions]]\nname = \"h\"\nkind = \"hospital\"\nsize = 3\nunits = 1\n"
      "stages = { early_career = 0.5, senior = 0.5 }\n"
      "[program]\nkind = \"reverse\"\nstart_week = 0\n"
      "[dynamics.turnover]\nbaseline_intent = 0.01\nsatisfaction_slope = 100.0\n"
      "[dynamics.turnover.annual_rate]\nstudent = 0.0\nearly_career = 0.0\nmid_career = 0.0\nsenior = 0.5\n",
      "t.toml");
  auto agents = junior_and_senior(1.0f);
  agents[1].satisfaction = 0.65f;
  agents[1].profession = Profession::pharmacy;
  agents.push_back(TinyAgent{});
  SimulationState state(scenario, 0, tiny_world(agents, {Tie{0, 1, 0.5f}}, 0.7, 0.2));
  const DyadId d = add_dyad(state, 0, 1, 0.8f);
  state.step = 3;
  TurnoverStage turnover(state);
  CHECK(turnover.intent_reference()[index_of(CareerStage::senior)] == Approx(0.01));
  state.population.intent_to_leave[1] = 1.0f;
  CHECK(turnover.weekly_leaving_probability(scenario, state.population, 1) == 1.0);
  CHECK(turnover.weekly_leaving_probability(scenario, state.population, 0) == 0.0);
  state.meeting_counts[0] = 5;
  run_stage(turnover, state);
  CHECK(state.population.left[1] == 4);  // the first week without them
  CHECK(state.population.active(0));
  CHECK(state.dyads.end_reason[d] == EndReason::leaving);
  CHECK(state.program.mentor_load[0] == 0);
  REQUIRE(state.population.size() == 4);
  CHECK(state.population.stage[3] == CareerStage::early_career);
  CHECK(state.population.profession[3] == Profession::pharmacy);
  CHECK(state.population.unit[3] == 0);
  CHECK(state.population.hired[3] == 4);
  CHECK(state.population.external_id[3] == 3);
  // Every per-agent component has the hire's row.
  CHECK(state.program.arm.size() == 4);
  CHECK(state.baseline.satisfaction.size() == 4);
  CHECK(state.baseline.satisfaction[3] == state.population.satisfaction[3]);
  CHECK(state.meeting_counts == std::vector<std::uint32_t>{5, 0, 0, 0});
  TiesStage ties;
  std::vector<StageNote> notes;
  auto context = test::context_of<TiesStage>(state, notes);
  ties.merge(context);
  CHECK(state.network.vertex_count() == 4);
  CHECK_FALSE(state.network.has_tie(0, 1));  // the leaver's ties are gone
}

TEST_CASE("at week 0 each stage leaves at its annual rate on average", "[dynamics][turnover]") {
  // h_i = w_stage * I_i / mean(I of the stage), so the stage mean of h is w_stage exactly (no agent
  // reaches the cap at default parameters): 1 - (1 - annual)^(1/52).
  const Scenario scenario = Scenario::parse("[population]\nsize = 3000\n", "t.toml");
  const RandomSource random(scenario.run().seed, 0);
  SimulationState state(scenario, 0, mentorsim::build_world(scenario, random));
  const TurnoverStage turnover(state);
  const auto& annual = scenario.dynamics().turnover.annual_rate;
  std::array<double, mentorsim::kStages> sum{};
  std::array<double, mentorsim::kStages> count{};
  for (AgentId a = 0; a < state.population.size(); ++a) {
    const std::size_t stage = index_of(state.population.stage[a]);
    sum[stage] += turnover.weekly_leaving_probability(scenario, state.population, a);
    count[stage] += 1.0;
  }
  for (std::size_t stage = 0; stage < mentorsim::kStages; ++stage) {
    REQUIRE(count[stage] > 0.0);
    INFO("stage " << stage);
    CHECK(sum[stage] / count[stage] == Approx(1.0 - std::pow(1.0 - annual[stage], 1.0 / 52.0)).epsilon(1e-6));
  }
}
