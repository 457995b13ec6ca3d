#pragma once
// Confidence (stage 6), for each dyad that met this week, in id order. After a successful meeting a
// reverse or reciprocal mentor gains c += empowerment (1 - c) (the review: reverse mentors feel
// empowered and more like peers) and the mentee c += mentee_efficacy (1 - c) (mentoring raises
// self-efficacy, d about 0.55: Feldman et al. 2010). After a failed meeting the mentor loses
// c -= setback c (the review: a reverse mentor may lack confidence). Mentor training raises c by
// training_boost (1 - c) at enrolment (program/calendar).

#include <string_view>

#include "mentorsim/dynamics/stage.hpp"

namespace mentorsim {

class ConfidenceStage {
 public:
  static constexpr Stage id = Stage::confidence;
  static constexpr StageAccess access{
      .reads = {Component::confidence, Component::dyads, Component::dyad_events, Component::active_dyads},
      .writes = {Component::confidence}};
  static constexpr std::string_view summary = "confidence `c` of the partners of each meeting, by its success";
  using Context = StageContext<access>;

  void run(Context& ctx);
};

}  // namespace mentorsim
