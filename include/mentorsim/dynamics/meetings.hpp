#pragma once
// Meetings (stage 2). An active dyad meets this week with probability
//   p = min(1, (1 / cadence) * a_mentor * a_mentee * (floor + (1 - floor) q)),
// a_i = min(1, time_budget_i / time_required) the partner's availability and q the relationship quality.
// A group-mentoring circle meets as a whole with probability (1 / cadence) a_mentor (floor +
// (1 - floor) mean q); each mentee of a meeting circle attends with probability a_mentee.
// Defaults: cadence from the program (monthly meetings are the commonest, 43%: Oladeji et al. 2018);
// the mentor's lack of time is the main barrier (about 75% of respondents), which time_required
// against the seniors' low time budgets expresses; meeting frequency feeds support (rho 0.25).

#include <string_view>

#include "mentorsim/dynamics/stage.hpp"

namespace mentorsim {

// Probability that the (non-group) dyad d meets this week.
double meeting_probability(const Scenario& scenario, const DyadTable& dyads, const DyadConstants& constants, DyadId d);

class MeetingsStage {
 public:
  static constexpr Stage id = Stage::meetings;
  static constexpr StageAccess access{.reads = {Component::dyads, Component::dyad_constants, Component::active_dyads},
                                      .writes = {Component::dyad_events}};
  static constexpr std::string_view summary = "whether each active dyad (or group circle) meets this week: `met`";
  using Context = StageContext<access>;

  void run(Context& ctx);
};

}  // namespace mentorsim
