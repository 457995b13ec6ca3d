#include "mentorsim/engine/schedule.hpp"

#include <sstream>
#include "mentorsim/core/strings.hpp"

namespace mentorsim {
namespace {

template <std::size_t... I>
constexpr std::array<StageInfo, kStageCount> schedule_table(std::index_sequence<I...>) {
  return {{StageInfo{std::tuple_element_t<I, WeeklySchedule>::id, std::tuple_element_t<I, WeeklySchedule>::access,
                     std::tuple_element_t<I, WeeklySchedule>::summary}...}};
}

constexpr std::array<StageInfo, kStageCount> kSchedule = schedule_table(std::make_index_sequence<kStageCount>{});

std::string component_list(ComponentSet set) {
  std::string out;
  for (std::size_t c = 0; c < kComponentCount; ++c) {
    if (!set.contains(enum_at<Component>(c))) continue;
    if (!out.empty()) out += ", ";
    out += cat("`", EnumTraits<Component>::names[c], "`");
  }
  return out.empty() ? "–" : out;
}

}  // namespace

const std::array<StageInfo, kStageCount>& weekly_schedule() { return kSchedule; }

std::string schedule_markdown() {
  std::ostringstream out;
  out << "| # | stage | reads | writes | what it does |\n|---|---|---|---|---|\n";
  for (std::size_t k = 0; k < kSchedule.size(); ++k) {
    const StageInfo& s = kSchedule[k];
    out << "| " << (k + 1) << " | `" << to_string(s.stage) << "` | " << component_list(s.access.reads) << " | "
        << component_list(s.access.writes) << " | " << s.summary << " |\n";
  }
  out << "\nThe components (`src/dynamics/state.cpp`, `component_table`):\n\n"
      << "| component | holds | written by | read by |\n|---|---|---|---|\n";
  for (const ComponentInfo& c : component_table()) {
    std::string writers;
    std::string readers;
    for (const StageInfo& s : kSchedule) {
      const std::string name = cat("`", to_string(s.stage), "`");
      if (s.access.writes.contains(c.component)) writers += cat(writers.empty() ? "" : ", ", name);
      if (s.access.reads.contains(c.component)) readers += cat(readers.empty() ? "" : ", ", name);
    }
    out << "| `" << to_string(c.component) << "` | " << c.holds << " | " << (writers.empty() ? "–" : writers) << " | "
        << (readers.empty() ? "–" : readers) << " |\n";
  }
  return out.str();
}

}  // namespace mentorsim
