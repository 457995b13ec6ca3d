// Research output (src/dynamics/research.cpp): the rate, coauthors and new directions on a tiny world.

#include <catch2/catch.hpp>

#include <cmath>

#include "mentorsim/dynamics/research.hpp"
#include "support/tiny_world.hpp"

using namespace mentorsim;

namespace {

// annual_rate 52: one paper a week at research skill 1, no workload, no collaboration. Full collaboration
// at C >= 0.5 doubles it (collaboration_weight 1).
constexpr const char* kResearchScenario =
    "[dynamics.research]\nannual_rate = 52.0\ncollaboration_weight = 1.0\ncollaboration_reference = 0.5\n";

// Agent 0: research 1, workload 0, tied (strength 0.5) to agent 1: C = 0.5 * 1, weekly rate 1 * 1 * (1 + 1) = 2.
// Agent 1: research 1, workload 0.5, a nurse, tied to agent 0: C = 0.5, rate 1 * 0.5 * 2 = 1.
// Agent 2: research 0.5, workload 0, no ties: C = 0, rate 0.5 * 1 * 1 = 0.5.
std::vector<test::TinyAgent> research_agents() {
  std::vector<test::TinyAgent> agents(3);
  agents[0].skills = {0.5f, 0.5f, 1.0f, 0.5f, 0.5f, 0.5f};
  agents[0].workload = 0.0f;
  agents[1].skills = {0.5f, 0.5f, 1.0f, 0.5f, 0.5f, 0.5f};
  agents[1].workload = 0.5f;
  agents[1].profession = Profession::nursing;
  agents[2].skills = {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f};
  agents[2].workload = 0.0f;
  return agents;
}

}  // namespace

TEST_CASE("the weekly paper rate is the hand-computed product", "[dynamics][research]") {
  const Scenario scenario = test::tiny_scenario(3, kResearchScenario);
  SimulationState state(scenario, 0, test::tiny_world(research_agents(), {Tie{0, 1, 0.5f}}, 0.7, 0.2));
  const ResearchParams& p = scenario.dynamics().research;
  const Population& pop = state.population;
  CHECK(collaboration_capacity(pop, pop.skills, state.network, 0) == Approx(0.5));
  CHECK(collaboration_capacity(pop, pop.skills, state.network, 2) == 0.0);
  CHECK(weekly_paper_rate(p, pop, pop.skills, 0, 0.5) == Approx(2.0));
  CHECK(weekly_paper_rate(p, pop, pop.skills, 1, 0.5) == Approx(1.0));
  CHECK(weekly_paper_rate(p, pop, pop.skills, 2, 0.0) == Approx(0.5));
  CHECK(weekly_paper_rate(p, pop, pop.skills, 0, 0.25) == Approx(1.5));  // half the collaboration
}

TEST_CASE("papers are Poisson at the weekly rate and a new coauthor across professions is a new direction",
          "[dynamics][research]") {
  const Scenario scenario = test::tiny_scenario(3, kResearchScenario);
  SimulationState state(scenario, 0, test::tiny_world(research_agents(), {Tie{0, 1, 0.5f}}, 0.7, 0.2));
  ResearchStage stage;
  constexpr Step kWeeks = 1000;
  for (Step w = 0; w < kWeeks; ++w) {
    state.step = w;
    run_stage(stage, state);
  }
  // Expected 2000, 1000 and 500 papers; tolerance 4 Poisson SDs (sqrt of the mean).
  const std::array<double, 3> rate = {2.0, 1.0, 0.5};
  for (AgentId a = 0; a < 3; ++a) {
    const double mean = rate[a] * kWeeks;
    INFO("agent " << a);
    CHECK(std::abs(state.research.papers[a] - mean) < 4.0 * std::sqrt(mean));
  }
  // Agents 0 and 1 (medicine and nursing) always write with each other: one new direction each, once.
  CHECK(state.research.new_directions[0] == 1);
  CHECK(state.research.new_directions[1] == 1);
  CHECK(state.research.partners.of(0) == std::vector<AgentId>{1});
  CHECK(state.research.new_directions[2] == 0);  // no ties, no coauthor
  // Same seed, same week: the same papers (the stream is keyed by week and agent).
  SimulationState again(scenario, 0, test::tiny_world(research_agents(), {Tie{0, 1, 0.5f}}, 0.7, 0.2));
  for (Step w = 0; w < kWeeks; ++w) {
    again.step = w;
    run_stage(stage, again);
  }
  CHECK(again.research.papers == state.research.papers);
}

TEST_CASE("no research output at annual_rate 0 and none for leavers", "[dynamics][research]") {
  const Scenario off = test::tiny_scenario(3, "[dynamics.research]\nannual_rate = 0.0\n");
  SimulationState state(off, 0, test::tiny_world(research_agents(), {Tie{0, 1, 0.5f}}, 0.7, 0.2));
  ResearchStage stage;
  for (Step w = 0; w < 50; ++w) {
    state.step = w;
    run_stage(stage, state);
  }
  CHECK(state.research.papers == std::vector<std::uint32_t>{0, 0, 0});
  const Scenario on = test::tiny_scenario(3, kResearchScenario);
  SimulationState left(on, 0, test::tiny_world(research_agents(), {Tie{0, 1, 0.5f}}, 0.7, 0.2));
  left.population.left[0] = 0;
  for (Step w = 0; w < 50; ++w) {
    left.step = w;
    run_stage(stage, left);
  }
  CHECK(left.research.papers[0] == 0);
  CHECK(left.research.papers[1] > 0);
  CHECK(left.research.new_directions[1] == 0);  // its only colleague has left
}

TEST_CASE("coauthor sets: each coauthor once, in the order added, agents of one shard kept apart",
          "[dynamics][research]") {
  CoauthorSets sets;
  constexpr auto kShard = static_cast<AgentId>(CoauthorSets::kShard);
  sets.resize(2 * kShard + 5);
  CHECK(sets.size() == 2 * kShard + 5);
  CHECK(sets.of(0).empty());
  // Agent 3: the first member in its own slot, the others in its shard's list.
  CHECK(sets.add(3, 9));
  CHECK_FALSE(sets.add(3, 9));
  CHECK(sets.add(3, 4));
  CHECK(sets.add(3, 7));
  CHECK_FALSE(sets.add(3, 4));
  CHECK_FALSE(sets.add(3, 7));
  // Agent 5 shares the shard and a coauthor with agent 3: its set stays its own.
  CHECK(sets.add(5, 7));
  CHECK(sets.add(5, 4));
  CHECK_FALSE(sets.add(5, 4));
  // The last agent of the first shard and the first of the second.
  CHECK(sets.add(kShard - 1, 1));
  CHECK(sets.add(kShard - 1, 2));
  CHECK(sets.add(kShard, 2));
  CHECK(sets.add(kShard, 1));
  CHECK(sets.add(2 * kShard + 4, 0));
  CHECK(sets.of(3) == std::vector<AgentId>{9, 4, 7});
  CHECK(sets.of(5) == std::vector<AgentId>{7, 4});
  CHECK(sets.of(kShard - 1) == std::vector<AgentId>{1, 2});
  CHECK(sets.of(kShard) == std::vector<AgentId>{2, 1});
  CHECK(sets.of(2 * kShard + 4) == std::vector<AgentId>{0});
  CHECK(sets.of(4).empty());
  // Growing keeps the sets (hires).
  sets.resize(3 * kShard + 1);
  CHECK(sets.of(3) == std::vector<AgentId>{9, 4, 7});
  CHECK(sets.add(3 * kShard, 3));
  CHECK(sets.of(3 * kShard) == std::vector<AgentId>{3});
}
