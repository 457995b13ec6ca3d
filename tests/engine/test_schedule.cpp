// The weekly schedule (src/engine/schedule.cpp): the table of stages, and the test that each stage
// writes only the components it declares, and every component it declares, on a state whose
// components are checksummed before and after each stage.

#include <catch2/catch.hpp>

#include <array>
#include <set>
#include <sstream>

#include "mentorsim/engine/schedule.hpp"
#include "mentorsim/engine/simulation.hpp"

using namespace mentorsim;

namespace {

// Two programs that between them exercise every stage's writes within 30 weeks: enrolment with
// mentor training, matching, meetings, dyads that fail, leave or reach their planned end, hires,
// tie merges (every 4 weeks), and culture.
const char* const kBusyScenario = R"(
[run]
seed = 11
weeks = 30
[population]
size = 800
[[arms]]
name = "reverse"
share = 0.5
kind = "reverse"
uptake = 0.9
mentor_uptake = 0.9
mentor_training = true
start_week = 1
duration_weeks = 20
cadence_weeks = 1
sponsorship = 0.8
[[arms]]
name = "circles"
share = 0.5
kind = "group"
strategy = "self_identified"
uptake = 0.9
mentor_uptake = 0.9
start_week = 2
cadence_weeks = 2
[dynamics.turnover.annual_rate]
student = 0.3
early_career = 0.3
mid_career = 0.3
senior = 0.3
)";

std::array<std::uint64_t, kComponentCount> checksums(const SimulationState& state) {
  std::array<std::uint64_t, kComponentCount> out{};
  for (std::size_t c = 0; c < kComponentCount; ++c) out[c] = checksum(state, enum_at<Component>(c));
  return out;
}

const StageInfo& info_of(Stage stage) { return weekly_schedule()[index_of(stage)]; }

}  // namespace

TEST_CASE("the schedule lists every stage once, in the order of enum Stage", "[engine][schedule]") {
  const auto& schedule = weekly_schedule();
  REQUIRE(schedule.size() == kStageCount);
  for (std::size_t k = 0; k < schedule.size(); ++k) {
    CHECK(index_of(schedule[k].stage) == k);
    CHECK_FALSE(schedule[k].summary.empty());
    CHECK_FALSE(schedule[k].access.writes.empty());  // a stage that writes nothing has no effect
  }
}

TEST_CASE("each stage writes only the components it declares, and each declared write happens", "[engine][schedule]") {
  const Scenario scenario = Scenario::parse(kBusyScenario, "busy.toml");
  Simulation simulation(scenario, 0);
  std::array<std::uint64_t, kComponentCount> before{};
  // Per stage, the components seen to change over the run.
  std::array<ComponentSet, kStageCount> changed{};
  std::ostringstream violations;
  const auto hook = [&](Stage stage, bool is_before) {
    const SimulationState& state = simulation.state();
    if (is_before) {
      before = checksums(state);
      return;
    }
    const auto after = checksums(state);
    for (std::size_t c = 0; c < kComponentCount; ++c) {
      if (after[c] == before[c]) continue;
      const Component component = enum_at<Component>(c);
      changed[index_of(stage)] = changed[index_of(stage)] | ComponentSet{component};
      if (!info_of(stage).access.writes.contains(component)) {
        violations << "week " << state.step << ": stage " << to_string(stage) << " changed " << to_string(component)
                   << ", which it does not declare\n";
      }
    }
  };
  for (Step week = 0; week < scenario.run().weeks; ++week) simulation.step(hook);
  INFO(violations.str());
  CHECK(violations.str().empty());
  for (std::size_t s = 0; s < kStageCount; ++s) {
    const StageInfo& info = weekly_schedule()[s];
    for (std::size_t c = 0; c < kComponentCount; ++c) {
      const Component component = enum_at<Component>(c);
      if (!info.access.writes.contains(component)) continue;
      INFO("stage " << to_string(info.stage) << " declares " << to_string(component));
      CHECK(changed[s].contains(component));
    }
  }
  // The end of the run (the last tie merge) writes only what the tie stage declares, and empties the
  // two components no output reads (next week's skills, the dyads' constants).
  const auto at_end = checksums(simulation.state());
  simulation.finish();
  const auto finished = checksums(simulation.state());
  for (std::size_t c = 0; c < kComponentCount; ++c) {
    const Component component = enum_at<Component>(c);
    INFO("component " << to_string(component));
    const bool released = component == Component::skills_next || component == Component::dyad_constants;
    if (finished[c] != at_end[c]) CHECK((info_of(Stage::ties).access.writes.contains(component) || released));
  }
  CHECK(simulation.state().skills_next.agents() == 0u);
  CHECK(simulation.state().dyad_constants.size() == 0u);
}
