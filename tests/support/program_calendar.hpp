#pragma once
// A test driver that runs only the program calendar (enrolment, matching, search, re-matching) of a
// world week by week from week 0, keeping each week's matching records. Shared by the program tests.

#include <utility>
#include <vector>

#include "mentorsim/core/rng.hpp"
#include "mentorsim/program/calendar.hpp"
#include "mentorsim/program/pairing/pairing.hpp"
#include "mentorsim/world/world.hpp"

namespace mentorsim::test {

struct ProgramCalendar {
  World world;
  DyadTable dyads;
  ProgramState program;
  const Scenario& scenario;
  RandomSource random{7, 0};
  std::vector<std::vector<MatchingRecord>> rounds;  // per week
  ProgramCalendar(World w, const Scenario& s) : world(std::move(w)), scenario(s) {
    assign_arms(program, world.population, scenario.arms(), scenario.randomisation(), random);
  }
  // Runs `weeks` more weeks (the first call starts at week 0).
  void run(Step weeks) {
    const auto first = static_cast<Step>(rounds.size());
    for (Step t = first; t < first + weeks; ++t) {
      ProgramWorld pw{world.population, world.population.confidence, world.network, dyads, program};
      rounds.push_back(run_calendar(pw, scenario, random, t));
    }
  }
};

}  // namespace mentorsim::test
