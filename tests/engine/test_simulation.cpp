// One replicate (src/engine/simulation.cpp): the end of a run, the stages' notes, cumulative meeting
// counts, and the order of a week.

#include <catch2/catch.hpp>

#include <numeric>
#include <stdexcept>

#include "mentorsim/engine/simulation.hpp"
#include "support/tiny_world.hpp"

using namespace mentorsim;

namespace {

std::string reverse_program(int weeks, const std::string& more = "") {
  return "[run]\nseed = 5\nweeks = " + std::to_string(weeks) +
         "\n[population]\nsize = 600\n[program]\nkind = \"reverse\"\nuptake = 0.9\nmentor_uptake = 0.9\n"
         "start_week = 1\ncadence_weeks = 1\n" +
         more;
}

}  // namespace

TEST_CASE("finish merges the ties made since the last merge, once, and ends the run", "[engine][simulation]") {
  // Merges every 8 weeks; the run stops at week 10, two weeks after the last merge.
  const Scenario scenario = Scenario::parse(reverse_program(10, "[dynamics.ties]\nmerge_interval = 8\n"), "t.toml");
  Simulation simulation(scenario, 0);
  simulation.run_until(10);
  const SimulationState& state = simulation.state();
  REQUIRE_FALSE(state.new_ties.empty());
  const std::vector<Tie> pending = state.new_ties;
  simulation.finish();
  CHECK(simulation.finished());
  CHECK(state.new_ties.empty());
  CHECK(state.network.vertex_count() == state.population.size());  // the hires are vertices
  std::size_t merged = 0;
  for (const Tie& t : pending) {
    if (state.population.active(t.a) && state.population.active(t.b) && state.network.has_tie(t.a, t.b)) ++merged;
  }
  CHECK(merged > 0);
  // No tie of a leaver survives.
  for (AgentId a = 0; a < state.population.size(); ++a) {
    if (!state.population.active(a)) CHECK(state.network.degree(a) == 0);
  }
  const std::size_t ties = state.network.tie_count();
  simulation.finish();  // a second call changes nothing
  CHECK(state.network.tie_count() == ties);
  CHECK_THROWS_AS(simulation.step(), std::logic_error);
}

TEST_CASE("meeting counts are cumulative: each meeting counts once for each partner", "[engine][simulation]") {
  const Scenario scenario = Scenario::parse(reverse_program(12), "t.toml");
  Simulation simulation(scenario, 0);
  std::uint64_t previous = 0;
  for (Step week = 0; week < 12; ++week) {
    simulation.step();
    const auto& counts = simulation.state().meeting_counts;
    const std::uint64_t total = std::accumulate(counts.begin(), counts.end(), std::uint64_t{0});
    CHECK(total >= previous);  // never reset
    previous = total;
  }
  const DyadTable& dyads = simulation.state().dyads;
  const std::uint64_t held = std::accumulate(dyads.meetings.begin(), dyads.meetings.end(), std::uint64_t{0});
  REQUIRE(held > 0);
  CHECK(previous == 2 * held);  // one-to-one dyads: the mentor's and the mentee's
}

TEST_CASE("a simulation collects the stages' notes in order", "[engine][simulation]") {
  // The only mentor manages the only mentee: no feasible pair, reported by the calendar at week 0.
  const Scenario scenario = test::tiny_scenario(
      2, "[program]\nkind = \"reverse\"\nname = \"pilot\"\nstart_week = 0\nuptake = 1.0\nmentor_uptake = 1.0\n");
  auto agents = test::junior_and_senior(1.0f);
  agents[1].manager = 0;
  Simulation simulation(scenario, 0, test::tiny_world(agents, {}, 0.7, 0.2));
  simulation.run_until(3);
  REQUIRE(simulation.notes().size() == 1);
  CHECK(simulation.notes()[0].stage == Stage::calendar);
  CHECK(simulation.notes()[0].step == 0);
}

TEST_CASE("the hook sees every stage of a week, before and after, in schedule order", "[engine][simulation]") {
  const Scenario scenario = Scenario::parse(reverse_program(2), "t.toml");
  Simulation simulation(scenario, 0);
  std::vector<std::pair<Stage, bool>> calls;
  simulation.step([&](Stage stage, bool before) { calls.emplace_back(stage, before); });
  REQUIRE(calls.size() == 2 * kStageCount);
  for (std::size_t k = 0; k < kStageCount; ++k) {
    CHECK(calls[2 * k] == std::make_pair(enum_at<Stage>(k), true));
    CHECK(calls[2 * k + 1] == std::make_pair(enum_at<Stage>(k), false));
  }
  CHECK(simulation.state().step == 1);
}
