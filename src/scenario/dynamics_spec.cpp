#include "mentorsim/scenario/dynamics_spec.hpp"

#include <cmath>

namespace mentorsim {

double weekly_probability(double annual) { return 1.0 - std::pow(1.0 - annual, 1.0 / 52.0); }

std::array<double, kStages> stationary_hire_mix(const std::array<double, kStages>& mix, const TurnoverParams& params) {
  std::array<double, kStages> leave{};
  std::array<double, kStages> promote{};
  double hires = 0.0;
  for (std::size_t s = 0; s < kStages; ++s) {
    leave[s] = weekly_probability(params.annual_rate[s]);
    promote[s] = s + 1 < kStages ? weekly_probability(params.promotion_rate[s]) : 0.0;
    hires += mix[s] * leave[s];
  }
  std::array<double, kStages> out{};
  if (hires <= 0.0) return out;
  for (std::size_t s = 0; s < kStages; ++s) {
    // Out of stage s: leavers, and stayers promoted; into it: stayers of stage s - 1 promoted.
    double flow = mix[s] * (leave[s] + (1.0 - leave[s]) * promote[s]);
    if (s > 0) flow -= mix[s - 1] * (1.0 - leave[s - 1]) * promote[s - 1];
    out[s] = flow / hires;
  }
  return out;
}

}  // namespace mentorsim
