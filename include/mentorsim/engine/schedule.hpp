#pragma once
// The weekly schedule: the submodels in their fixed order (docs/model.md section 3.1). Observation, the
// tenth step, is the Observer's, run by the Simulation's caller after the stages.

#include <array>
#include <string_view>

#include "mentorsim/dynamics/state.hpp"

namespace mentorsim {

enum class Stage : std::uint8_t {
  calendar,
  meetings,
  exchange,
  diffusion,
  relationships,
  confidence,
  ties,
  satisfaction,
  turnover,
  culture
};
template <>
struct EnumTraits<Stage> {
  static constexpr std::string_view type_name = "stage";
  static constexpr auto names =
      std::to_array<std::string_view>({"calendar", "meetings", "exchange", "diffusion", "relationships", "confidence",
                                       "ties", "satisfaction", "turnover", "culture"});
};
inline constexpr std::size_t kStageCount = enum_count<Stage>;

struct StageDefinition {
  Stage stage;
  void (*run)(SimulationState&);
  unsigned changes;  // CheckScope bits (engine/invariants.hpp): what the stage can change
};

// The stages in the order they run each week.
const std::array<StageDefinition, kStageCount>& weekly_schedule();

// Stage 1 as a schedule entry: the program calendar, and the list of active dyads for the rest of
// the week.
void run_program_calendar(SimulationState& state);

}  // namespace mentorsim
