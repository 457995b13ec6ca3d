#include "mentorsim/program/pairing/pairing.hpp"

namespace mentorsim {

bool is_feasible(const Population& population, AgentId mentor, AgentId mentee, const PairingConstraints& constraints) {
  if (mentor == mentee || !population.active(mentor) || !population.active(mentee)) return false;
  if (population.manager[mentee] == mentor || population.manager[mentor] == mentee) return false;
  if (constraints.cross_institution == ConstraintLevel::required &&
      population.institution[mentor] == population.institution[mentee]) {
    return false;
  }
  if (constraints.cross_profession == ConstraintLevel::required &&
      population.profession[mentor] == population.profession[mentee]) {
    return false;
  }
  return true;
}

int preference_score(const Population& population, AgentId mentor, AgentId mentee,
                     const PairingConstraints& constraints) {
  int score = 0;
  if (constraints.cross_institution == ConstraintLevel::preferred &&
      population.institution[mentor] != population.institution[mentee]) {
    ++score;
  }
  if (constraints.cross_profession == ConstraintLevel::preferred &&
      population.profession[mentor] != population.profession[mentee]) {
    ++score;
  }
  return score;
}

}  // namespace mentorsim
