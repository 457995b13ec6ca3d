#pragma once
// Informal diffusion along collegial ties (stage 4): communities of practice, the learning every
// agent gets whether or not it is in a program (the control arm's counterfactual). For each active
// agent i and domain d,
//   ds = epsilon * absorb_i * sum_j (w_ij / W_i) max(0, s_j - s_i) (1 - s_i),
// over i's active neighbours j, W_i their total tie strength. Reads week-t skills, adds to the week
// t+1 buffer, then clamps every skill to [0, 1] and makes the buffer the current skills.
// Default epsilon = 0.002 a week: slow compared with a mentoring meeting (the review; Wenger 1999).

#include <string_view>

#include "mentorsim/dynamics/stage.hpp"

namespace mentorsim {

class DiffusionStage {
 public:
  static constexpr Stage id = Stage::diffusion;
  static constexpr StageAccess access{
      .reads = {Component::staff, Component::skills, Component::skills_next, Component::network},
      .writes = {Component::skills, Component::skills_next}};
  static constexpr std::string_view summary =
      "adds informal gains from colleagues to the buffer, clamps it to [0, 1] and makes it the current skills";
  using Context = StageContext<access>;

  void run(Context& ctx);
  // Switched off (dynamics.disabled = ["diffusion"]): no flow through the network, but the week's
  // dyad flows (in skills_next) are clamped to [0, 1] and swapped in as diffusion would.
  void run_switched_off(Context& ctx);
};

}  // namespace mentorsim
