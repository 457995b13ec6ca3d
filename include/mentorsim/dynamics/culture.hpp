#pragma once
// Unit culture (stage 9). Each unit's psychological safety psi moves toward
//   psi* = psi0 + dyad_weight * G + sponsorship_weight * s,  clamped to [0, 1],
// by psi += adjustment (psi* - psi); psi0 its week-0 value, G the share of its active members in a
// good (quality >= good_quality) reverse or reciprocal dyad, s the leadership sponsorship of the
// program its members take part in (0 when none of them is enrolled). Psi feeds back into power
// distance (exchange damping, power imbalance) and approach anxiety. The review: junior staff can
// help drive a culture where concerns can be raised; reverse mentoring can break down the regimented
// hierarchy; a program needs leadership from all institutions (Figure 1).

#include "mentorsim/dynamics/state.hpp"

namespace mentorsim {

void update_culture(SimulationState& state);

}  // namespace mentorsim
