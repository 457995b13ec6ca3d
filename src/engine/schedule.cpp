#include "mentorsim/engine/schedule.hpp"

#include "mentorsim/dynamics/confidence.hpp"
#include "mentorsim/dynamics/culture.hpp"
#include "mentorsim/dynamics/diffusion.hpp"
#include "mentorsim/dynamics/exchange.hpp"
#include "mentorsim/dynamics/meetings.hpp"
#include "mentorsim/dynamics/relationships.hpp"
#include "mentorsim/dynamics/satisfaction.hpp"
#include "mentorsim/dynamics/ties.hpp"
#include "mentorsim/dynamics/turnover.hpp"
#include "mentorsim/engine/invariants.hpp"

namespace mentorsim {

void run_program_calendar(SimulationState& state) {
  ProgramWorld world{state.population, state.network, state.dyads, state.program};
  auto records = run_calendar(world, *state.scenario, state.random, state.step);
  for (auto& r : records) state.matching_records.push_back(std::move(r));
  state.active_dyads = state.dyads.active_ids();
}

const std::array<StageDefinition, kStageCount>& weekly_schedule() {
  static const std::array<StageDefinition, kStageCount> schedule = {{
      {Stage::calendar, run_program_calendar, check_agents | check_dyads},
      {Stage::meetings, hold_meetings, check_dyads},
      {Stage::exchange, exchange_knowledge, 0},  // writes only next week's skill buffer
      {Stage::diffusion, diffuse_informally, check_agents},
      {Stage::relationships, update_relationships, check_dyads},
      {Stage::confidence, update_confidence, check_agents},
      {Stage::ties, update_ties, check_network},
      {Stage::satisfaction, update_satisfaction, check_agents},
      {Stage::turnover, turnover_and_hiring, check_agents | check_dyads},
      {Stage::culture, update_culture, check_units},
  }};
  return schedule;
}

}  // namespace mentorsim
