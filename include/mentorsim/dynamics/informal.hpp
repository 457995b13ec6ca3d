#pragma once
// Informal mentoring as stage 1 of the weekly schedule (docs/model.md 7.18): mentoring that exists
// before and beside any program. Staff below the senior stage who have no mentor (neither informal nor
// formal) look for one: at week 0 each with probability initial_seek, later each week with probability
// seek_rate. A seeker ranks its 1- and 2-hop collegial contacts at a later career stage with a free
// informal place by homophily_weight * similarity + fit_choice_weight * perceived fit, and approaches
// the best `approaches` of them in turn with the program's odds-scale approach probability
// (approach_probability); an approached mentor accepts with availability * (1 - reluctance)
// (mentor_reluctance). Accepted proposals are booked in a random order of the seekers, so a mentor
// whose places fill up that week turns the later ones away. Informal dyads (formation informal, type
// traditional, untrained, no planned end, meeting every informal.cadence_weeks) end by the shared
// relationship dynamics and leaving, by a natural-end hazard (the relationship runs its course:
// geometric duration drawn at formation, kept in a queue the stage owns), and when the mentee is
// promoted to the mentor's stage (outgrown).

#include <cstdint>
#include <functional>
#include <queue>
#include <string_view>
#include <utility>
#include <vector>

#include "mentorsim/dynamics/stage.hpp"

namespace mentorsim {

// Whether agent a may have an informal mentor: active and below the senior stage.
bool informal_mentee_stage(CareerStage stage);

// Weeks an informal relationship lasts before its natural end: geometric on {1, 2, ...} with weekly
// probability w = 1 - (1 - annual)^(1/52), from u in (0, 1): ceil(ln u / ln(1 - w)); kNever when annual
// is 0. Mean 1 / w.
Step natural_end_weeks(double annual, double u);

// An upper bound on mentee_perceived_fit(random, mentor, mentee, noise) (program/pairing.hpp) for
// noise >= 0, from the uniforms of its normals without computing them (normal_upper_bound, core/rng.hpp):
// the seeker's search computes exact values only for candidates whose bound can still win.
double informal_perceived_fit_bound(const RandomSource& random, AgentId mentor, AgentId mentee, double noise);

class InformalStage {
 public:
  static constexpr Stage id = Stage::informal;
  static constexpr StageAccess access{
      .reads = {Component::staff, Component::confidence, Component::psych_safety, Component::flattening,
                Component::network, Component::dyads, Component::active_dyads, Component::program},
      .writes = {Component::dyads, Component::dyad_events, Component::program}};
  static constexpr std::string_view summary =
      "informal dyads whose natural end has come, or whose mentee reached the mentor's stage, end; staff below "
      "senior without a mentor look for an informal mentor among their 1- and 2-hop contacts at a later stage "
      "(week 0: `initial_seek`, then weekly `seek_rate`) and approach and are accepted on the program's odds scale";
  using Context = StageContext<access>;

  void run(Context& ctx);

  // Frees the per-agent words of the search (the run is over: Simulation::finish).
  void release_scratch() {
    std::vector<std::uint32_t>().swap(info_);
    std::vector<std::uint8_t>().swap(manages_);
  }
  [[nodiscard]] std::size_t scratch_bytes() const noexcept {
    return info_.capacity() * sizeof(std::uint32_t) + manages_.capacity();
  }

 private:
  using Due = std::pair<Step, DyadId>;  // (week of the natural end, informal dyad)
  std::priority_queue<Due, std::vector<Due>, std::greater<>> natural_ends_;
  // Per agent, rebuilt each week before the search: whether it is active, the career stage + 1 of an
  // agent with a free informal place, and its institution, profession and minority status, in one word
  // (run() explains the layout), so that a contact costs the search one memory access.
  std::vector<std::uint32_t> info_;
  // Per agent, rebuilt with info_: 1 if it is anyone's line manager (a seeker who manages no one
  // needs no look-up of its candidates' managers).
  std::vector<std::uint8_t> manages_;
};

}  // namespace mentorsim
