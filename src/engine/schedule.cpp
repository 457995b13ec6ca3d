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

namespace mentorsim {

void run_program_calendar(SimulationState& state) {
  ProgramWorld world{state.population, state.network, state.dyads, state.program};
  auto records = run_calendar(world, *state.scenario, state.random, state.step);
  for (auto& r : records) state.matching_records.push_back(std::move(r));
  state.active_dyads = state.dyads.active_ids();
}

const std::array<StageDefinition, kStageCount>& weekly_schedule() {
  static const std::array<StageDefinition, kStageCount> schedule = {{
      {Stage::calendar, run_program_calendar},
      {Stage::meetings, hold_meetings},
      {Stage::exchange, exchange_knowledge},
      {Stage::diffusion, diffuse_informally},
      {Stage::relationships, update_relationships},
      {Stage::confidence, update_confidence},
      {Stage::ties, update_ties},
      {Stage::satisfaction, update_satisfaction},
      {Stage::turnover, turnover_and_hiring},
      {Stage::culture, update_culture},
  }};
  return schedule;
}

}  // namespace mentorsim
