#pragma once
// Ties and social capital (stage 7).
// - Mentoring bond: after a successful meeting the mentor-mentee tie grows, w += bond_gain (1 - w);
//   partners without a collegial tie get one of strength bond_initial.
// - Introductions: after a successful meeting, each partner is introduced, with probability
//   introduction_probability, to a random active contact of the other, making a tie of strength
//   introduction_weight (the review: reverse mentoring opens communication lines across
//   institutions and professions and extends mentors' and mentees' social capital; relationship
//   quality -> social capital, rho 0.54, Eby et al. 2013).
// - Decay: every tie relaxes toward its routine strength r, w += tie_decay (r - w); ties made during a
//   run have r = 0 and fade unless used.
// - Merge: every merge_interval weeks the network is rebuilt with the new ties, without ties of
//   agents who left and ties weaker than drop_threshold, and with the hires as vertices.
// Measured per agent: degree, strength, cross-institution ties (in /timeseries every
// output.observe_every weeks), effective size, constraint and betweenness (in snapshots).

#include <string_view>

#include "mentorsim/dynamics/stage.hpp"

namespace mentorsim {

class TiesStage {
 public:
  static constexpr Stage id = Stage::ties;
  static constexpr StageAccess access{.reads = {Component::staff, Component::network, Component::dyads,
                                                Component::dyad_events, Component::active_dyads},
                                      .writes = {Component::network, Component::new_ties}};
  static constexpr std::string_view summary =
      "ties decay, mentoring bonds grow, introductions make new ties; every `merge_interval` weeks the new ties "
      "are merged into the network and leavers' ties dropped";
  using Context = StageContext<access>;

  void run(Context& ctx);
  // Merges the network now (in place, CollegialNetwork::merge_in_place): with the new ties, without ties of agents who
  // left and ties weaker than drop_threshold, with the hires as vertices. run() calls it at merge weeks;
  // Simulation::finish() once at the end of a run.
  void merge(Context& ctx);
  // Switched off (dynamics.disabled = ["ties"]): no decay, bonds or introductions, but the merges
  // still add the hires and drop the leavers at merge weeks.
  void run_switched_off(Context& ctx);
};

}  // namespace mentorsim
