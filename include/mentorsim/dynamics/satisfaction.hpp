#pragma once
// Satisfaction and intent to leave (stage 8a). Each active agent's satisfaction S moves toward
//   S* = A + w_q (qbar - 1/2) [in a dyad] + w_g (G - R_G) + w_c (c - c0 - R_c) - w_b B - w_f F - w_i min(1, sum f),
// clamped to [0, 1],
// by S += adjustment (S* - S); S0, c0 the agent's week-0 (or hire) satisfaction and confidence, A its
// anchor: S0 less what its informal dyads of week 0 add to S* in the stage's first week (those dyads
// predate the run, so S0 already holds them and they start no rise), S0 for hires; qbar
// the mean quality of its active dyads, G its cumulative skill gain (sum over domains since week 0),
// R_G and R_c references that follow G and c - c0 by the share `adaptation` a week (a gain becomes the
// new normal: Boswell et al. 2005, 2009), so that steady learning gives a steady, not an ever-rising, S;
// B = min(1, (dyads * time_required / (cadence * time_budget)) * workload / workload_reference) the
// share of its time budget mentoring takes, weighed by its workload, F = 1 if a dyad of the agent's
// ended for a relationship reason within failure_window_weeks, and w_i min(1, sum f) the power imbalance
// f (dynamics/relationships.hpp) it bears as the mentor of its active dyads, imbalance_weight w_i (sums over an agent's
// dyads are kept in fixed point, 2^-32, so they are added in parallel in any order). Without a program, informal
// dyads, diffusion and confidence move S; with the anchor and the adaptation a control's mean S settles. Intent to
// leave: logit(I) = logit(baseline_intent) + slope (S_ref - S) (18.8% of faculty considering leaving at baseline:
// Bonilha et al. 2019). Support and quality correlate with satisfaction (rho 0.36 / 0.38, Eby et al. 2013); mentoring
// is linked to career satisfaction (review).

#include <cstdint>
#include <string_view>
#include <vector>

#include "mentorsim/dynamics/stage.hpp"

namespace mentorsim {

double intent_to_leave(const TurnoverParams& params, double satisfaction);
// The same with logit(baseline_intent) computed once by the caller (intent_base_logit).
double intent_base_logit(const TurnoverParams& params);
double intent_to_leave(const TurnoverParams& params, double base_logit, double satisfaction);

class SatisfactionStage {
 public:
  static constexpr Stage id = Stage::satisfaction;
  static constexpr StageAccess access{
      .reads = {Component::staff, Component::skills, Component::confidence, Component::satisfaction,
                Component::psych_safety, Component::flattening, Component::baseline, Component::dyads,
                Component::dyad_constants, Component::active_dyads},
      .writes = {Component::satisfaction, Component::intent_to_leave}};
  static constexpr std::string_view summary =
      "satisfaction `S` moves toward its target (dyad quality, skill growth, confidence, burden); intent to leave "
      "`I` follows";
  using Context = StageContext<access>;

  void run(Context& ctx);

  // Per agent, sums over the agent's active dyads in fixed point. All zero between calls (run() clears
  // what it used), so it is not refilled every week.
  struct alignas(32) DyadSums {  // aligned: one cache line per agent's record
    // The quality sum shifted left by kCountBits, plus the count of dyads: one atomic addition adds
    // both. An agent has at most about 1,100 active dyads (informal capacity 1000, program capacity 50,
    // and its own mentors), far below 2^16, and quality is at most 1 (2^32 in fixed point), so neither
    // part overflows into the other or out of the word.
    std::uint64_t quality_count = 0;
    std::int64_t time = 0;
    std::int64_t imbalance = 0;  // power imbalance borne as the mentor of its active dyads
    static constexpr int kCountBits = 16;
    [[nodiscard]] std::uint64_t count() const noexcept { return quality_count & ((1u << kCountBits) - 1); }
    [[nodiscard]] std::int64_t quality() const noexcept {
      return static_cast<std::int64_t>(quality_count >> kCountBits);
    }
  };

  // Frees the per-agent buffers (the run is over: Simulation::finish).
  void release_scratch() {
    std::vector<DyadSums>().swap(sums_);
    std::vector<std::uint8_t>().swap(failed_);
  }
  [[nodiscard]] std::size_t scratch_bytes() const noexcept {
    return sums_.capacity() * sizeof(DyadSums) + failed_.capacity();
  }

 private:
  std::vector<DyadSums> sums_;
  std::vector<std::uint8_t> failed_;  // per agent: a dyad of its failed within the failure window
  // Per agent, the adapting references R_G and R_c (0 at week 0 and at hire; agents are appended, never reused).
  std::vector<float> growth_reference_;
  std::vector<float> confidence_reference_;
  // Per initial agent, the anchor A (set in the stage's first run; hires use their S0).
  std::vector<float> anchor_;
  bool anchored_ = false;
};

}  // namespace mentorsim
