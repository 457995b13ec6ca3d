// Mentoring styles of issue 16 in the program calendar (src/program/calendar.cpp), on tiny worlds whose
// answer is worked out by hand: cascading waves (docs/model.md 7.19).

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "mentorsim/dynamics/calendar.hpp"
#include "mentorsim/engine/outcomes.hpp"
#include "support/tiny_world.hpp"

using namespace mentorsim;

namespace {

// A two-wave reverse cascade of 4-week waves from week 0 (graduation threshold 0.5, capacity 1):
// juniors 0 and 6 mentor; seniors 1 and 2 enrol in wave 1; agents 3, 4 and 5 are mid-career (not
// eligible: mentee_stages = senior) until they are promoted to senior before wave 2 starts at week 4.
// Agent 1's taught skill (digital, culture) is (0.6 + 0.5) / 2 = 0.55 >= 0.5, agent 2's (0.45 + 0.4) / 2
// = 0.425 < 0.5.
World cascade_world() {
  test::TinyAgent junior;
  junior.stage = CareerStage::early_career;
  junior.skills = {0.4f, 0.9f, 0.5f, 0.5f, 0.5f, 0.9f};
  test::TinyAgent graduate;
  graduate.stage = CareerStage::senior;
  graduate.skills = {0.8f, 0.6f, 0.5f, 0.5f, 0.5f, 0.5f};
  test::TinyAgent weak = graduate;
  weak.skills = {0.8f, 0.45f, 0.5f, 0.5f, 0.5f, 0.4f};
  test::TinyAgent later = graduate;
  later.stage = CareerStage::mid_career;
  return test::tiny_world({junior, graduate, weak, later, later, later, junior}, {}, 0.7, 0.2);
}

// Runs the calendar at week 0, lets the first wave's dyads hold meetings (agent 1's dyad
// `agent1_meetings`, agent 2's two), promotes 3, 4 and 5 and runs the calendar at week 4.
void run_two_waves(SimulationState& state, std::uint32_t agent1_meetings) {
  CalendarStage calendar;
  run_stage(calendar, state);
  REQUIRE(state.dyads.size() == 2);
  for (DyadId d = 0; d < 2; ++d) state.dyads.meetings[d] = state.dyads.mentee[d] == 1 ? agent1_meetings : 2;
  for (AgentId a : {3u, 4u, 5u}) state.population.stage[a] = CareerStage::senior;
  state.step = 4;
  run_stage(calendar, state);
}

constexpr const char* kCascade =
    "[program]\nkind = \"reverse\"\nstart_week = 0\nduration_weeks = 4\ncadence_weeks = 1\nuptake = 1.0\n"
    "mentor_uptake = 1.0\nmentee_stages = [\"senior\"]\ncascade_waves = 2\ncascade_threshold = 0.5\n";

}  // namespace

TEST_CASE("a two-wave cascade: the first wave's mentees who reach the threshold mentor in the second",
          "[program][cascade]") {
  const Scenario scenario = test::tiny_scenario(7, kCascade);
  SimulationState state(scenario, 0, cascade_world());
  run_two_waves(state, 3);
  const DyadTable& dyads = state.dyads;
  // Wave 1's dyads ended at their planned end, week 4.
  for (DyadId d = 0; d < 2; ++d) {
    CHECK(dyads.end[d] == 4);
    CHECK(dyads.end_reason[d] == EndReason::program_end);
  }
  // Agent 1 graduated (generation 1); agent 2, below the threshold, did not.
  CHECK(state.program.cascade_generation[0] == 0);
  CHECK(state.program.cascade_generation[1] == 1);
  CHECK(state.program.cascade_generation[2] == kNoGeneration);
  CHECK((state.program.enrolled[2] & kMentorRole) == 0);
  // Wave 2: mentees 3, 4, 5 (promoted) and three places (0, 6 and the graduate 1, one each): all matched,
  // the graduate mentoring exactly one, every dyad ending with the wave at week 8.
  REQUIRE(dyads.size() == 5);
  std::vector<AgentId> mentees, mentors;
  for (DyadId d = 2; d < 5; ++d) {
    mentees.push_back(dyads.mentee[d]);
    mentors.push_back(dyads.mentor[d]);
    CHECK(dyads.start[d] == 4);
    CHECK(dyads.planned_end[d] == 8);
    CHECK(dyads.type[d] == DyadType::reverse);
  }
  std::sort(mentees.begin(), mentees.end());
  std::sort(mentors.begin(), mentors.end());
  CHECK(mentees == std::vector<AgentId>{3, 4, 5});
  CHECK(mentors == std::vector<AgentId>{0, 1, 6});
  CHECK(state.program.enrolled_week[3] == 4);
  // Agent 2 does not enrol again: one wave per mentee.
  CHECK(state.program.enrolled_week[2] == 0);

  // Reach per wave: 2 then 3 mentees; 2 then 3 mentors, of whom 0 then 1 graduates; no third wave.
  const Outcomes o = compute_outcomes(state);
  using O = Outcome;
  CHECK(o.value(O::cascade_reach, 0, 0) == 2.0);
  CHECK(o.value(O::cascade_reach, 0, 1) == 3.0);
  CHECK(o.value(O::cascade_mentors, 0, 0) == 2.0);
  CHECK(o.value(O::cascade_mentors, 0, 1) == 3.0);
  CHECK(o.value(O::cascade_graduate_mentors, 0, 0) == 0.0);
  CHECK(o.value(O::cascade_graduate_mentors, 0, 1) == 1.0);
  CHECK(std::isnan(o.value(O::cascade_reach, 0, 2)));
}

TEST_CASE("a cascade of depth 0 or a mentee who never met graduates nobody", "[program][cascade]") {
  // Depth 0: the original mentors run the second wave alone, two places for three mentees.
  const Scenario shallow = test::tiny_scenario(7, std::string(kCascade) + "cascade_depth = 0\n");
  SimulationState state(shallow, 0, cascade_world());
  run_two_waves(state, 3);
  CHECK(state.program.cascade_generation[1] == kNoGeneration);
  CHECK(state.dyads.size() == 4);
  const Outcomes o = compute_outcomes(state);
  CHECK(o.value(Outcome::cascade_reach, 0, 1) == 2.0);
  CHECK(o.value(Outcome::cascade_graduate_mentors, 0, 1) == 0.0);
  CHECK(o.value(Outcome::unmatched, 0, index_of(UnmatchedReason::no_capacity)) == 1.0);
  // A dyad that never met does not graduate its mentee, whatever its skill.
  const Scenario scenario = test::tiny_scenario(7, kCascade);
  SimulationState idle(scenario, 0, cascade_world());
  run_two_waves(idle, 0);
  CHECK(idle.program.cascade_generation[1] == kNoGeneration);
  CHECK(idle.dyads.size() == 4);
}
