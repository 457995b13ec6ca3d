#pragma once
// Turnover and replacement hires (stage 8b). Each active agent leaves this week with probability
//   h = (1 - (1 - annual_rate[stage])^(1/52)) * I / I0[stage]   (capped at 1),
// I its intent to leave, I0[stage] the mean intent of that stage's staff at week 0: at week 0 each
// stage leaves at its annual rate on average (new-graduate nurse turnover about 17% a year: nursing
// workforce studies), and a program that moves satisfaction moves turnover through intent (18.8% of
// faculty considering leaving: Bonilha et al. 2019). A leaver's dyads end with reason `leaving`.
// Each leaver is replaced the same week by an early-career hire in the same unit, profession and arm
// (the position is refilled), drawn from the early-career priors, who makes Poisson(mean_degree)
// collegial ties (merged at the next tie merge).

#include "mentorsim/dynamics/state.hpp"

namespace mentorsim {

double weekly_leaving_probability(const SimulationState& state, AgentId a);

void turnover_and_hiring(SimulationState& state);

}  // namespace mentorsim
