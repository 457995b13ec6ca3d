#pragma once
// The program calendar as stage 1 of the weekly schedule (the calendar itself: program/calendar.hpp):
// dyads that reach their planned end finish; at an arm's start week its eligible staff enrol and
// mentors are trained; matching rounds form dyads. The stage then extends the dyad constants for the
// new dyads, logs each matching round, reports mentees left without any feasible mentor (a note for
// the run's warnings), and lists the dyads active for the rest of the week.

#include <string_view>

#include "mentorsim/dynamics/stage.hpp"

namespace mentorsim {

class CalendarStage {
 public:
  static constexpr Stage id = Stage::calendar;
  static constexpr StageAccess access{
      .reads = {Component::staff, Component::skills, Component::confidence, Component::psych_safety,
                Component::flattening, Component::network, Component::dyads, Component::program},
      .writes = {Component::confidence, Component::dyads, Component::dyad_events, Component::dyad_constants,
                 Component::active_dyads, Component::program, Component::matching_log}};
  static constexpr std::string_view summary =
      "dyads at their planned end finish; enrolment at an arm's start; matching rounds form dyads (a trained mentor's "
      "first dyad boosts its `c`); the list of active dyads for the rest of the week";
  using Context = StageContext<access>;

  void run(Context& ctx);
};

}  // namespace mentorsim
