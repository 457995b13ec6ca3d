#pragma once
// The weekly schedule: a table of stage types (dynamics/stage.hpp), in the order they run
// (docs/model.md section 3.1, whose reads/writes table is generated from this one and checked by a
// test). Observation is not a stage: the Observer reads the state between weeks.
//
// Adding a stage: an enumerator of Stage (dynamics/stage.hpp) at its place in the week, its class
// (its own header and source under dynamics/, declaring id, access, summary and run), and its type at
// the same place in WeeklySchedule below; then regenerate docs/model.md 3.1 (scripts/update-docs).

#include <array>
#include <string>
#include <string_view>
#include <tuple>

#include "mentorsim/dynamics/calendar.hpp"
#include "mentorsim/dynamics/confidence.hpp"
#include "mentorsim/dynamics/culture.hpp"
#include "mentorsim/dynamics/diffusion.hpp"
#include "mentorsim/dynamics/enthusiasm.hpp"
#include "mentorsim/dynamics/exchange.hpp"
#include "mentorsim/dynamics/informal.hpp"
#include "mentorsim/dynamics/meetings.hpp"
#include "mentorsim/dynamics/relationships.hpp"
#include "mentorsim/dynamics/research.hpp"
#include "mentorsim/dynamics/satisfaction.hpp"
#include "mentorsim/dynamics/stage.hpp"
#include "mentorsim/dynamics/ties.hpp"
#include "mentorsim/dynamics/turnover.hpp"

namespace mentorsim {

using WeeklySchedule = std::tuple<InformalStage, CalendarStage, MeetingsStage, ExchangeStage, DiffusionStage,
                                  RelationshipsStage, ConfidenceStage, TiesStage, SatisfactionStage, TurnoverStage,
                                  CultureStage, EnthusiasmStage, ResearchStage>;

namespace detail {
template <std::size_t... I>
constexpr bool schedule_follows_stage_enum(std::index_sequence<I...>) {
  return ((std::tuple_element_t<I, WeeklySchedule>::id == enum_at<Stage>(I)) && ...);
}
}  // namespace detail
static_assert(std::tuple_size_v<WeeklySchedule> == kStageCount, "every Stage has its place in WeeklySchedule");
static_assert(detail::schedule_follows_stage_enum(std::make_index_sequence<kStageCount>{}),
              "WeeklySchedule lists the stages in the order of enum Stage");

// One stage as data: its name, what it reads and writes, and what it does.
struct StageInfo {
  Stage stage;
  StageAccess access;
  std::string_view summary;
};

// The stages in the order they run each week.
const std::array<StageInfo, kStageCount>& weekly_schedule();

// docs/model.md section 3.1: the schedule's reads/writes table and the component table, as Markdown.
std::string schedule_markdown();

}  // namespace mentorsim
