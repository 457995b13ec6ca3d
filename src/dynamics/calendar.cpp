#include "mentorsim/dynamics/calendar.hpp"

#include <algorithm>
#include <string>

namespace mentorsim {

void CalendarStage::run(Context& ctx) {
  using C = Component;
  const Population& population = ctx.read<C::staff>();
  DyadTable& dyads = ctx.write<C::dyads>();
  ProgramWorld world{population, ctx.write<C::confidence>(), ctx.read<C::network>(), dyads, ctx.write<C::program>()};
  std::vector<MatchingRecord> records = run_calendar(world, ctx.scenario(), ctx.random(), ctx.step());
  ctx.write<C::dyad_constants>().extend(dyads, population, ctx.scenario());
  std::vector<MatchingRecord>& log = ctx.write<C::matching_log>();
  for (MatchingRecord& record : records) {
    // Infeasibility that only shows at run time is recorded (unmatched with a reason) and reported.
    const auto infeasible =
        std::count(record.reasons.begin(), record.reasons.end(), UnmatchedReason::no_feasible_mentor);
    if (infeasible > 0) {
      ctx.note("arm \"" + ctx.scenario().arms()[record.arm].name + "\": " + std::to_string(infeasible) + " of " +
               std::to_string(record.mentees) + " mentees had no feasible mentor (constraints); they stay unmatched");
    }
    log.push_back(std::move(record));
  }
  ctx.write<C::active_dyads>() = dyads.active_ids();
}

}  // namespace mentorsim
