#include "mentorsim/program/pairing/pairing.hpp"

#include <algorithm>

#include "mentorsim/program/teaching.hpp"

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
  if (constraints.same_stage && population.stage[mentor] != population.stage[mentee]) return false;
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

double pair_value(const Population& population, AgentId mentor, AgentId mentee, DyadType type,
                  const PairingConstraints& constraints, std::uint8_t domains) {
  return complementarity(population, mentor, mentee, type, domains) +
         kPreferenceBonus * preference_score(population, mentor, mentee, constraints);
}

UnmatchedReason unmatched_reason(bool feasible, std::uint8_t search) {
  if (!feasible) return UnmatchedReason::no_feasible_mentor;
  if ((search & kSearchFreeFeasible) == 0) return UnmatchedReason::no_capacity;
  if ((search & kSearchAcceptable) != 0) return UnmatchedReason::lost_to_others;
  if ((search & kSearchApproached) != 0) return UnmatchedReason::declined;
  return UnmatchedReason::not_approached;
}

double pair_fit(const RandomSource& random, AgentId mentor, AgentId mentee) {
  return random.stream(static_cast<Step>(mentee), Purpose::pair_fit, mentor).normal();
}

double mentee_perceived_fit(const RandomSource& random, AgentId mentor, AgentId mentee, double noise) {
  const double fit = pair_fit(random, mentor, mentee);
  if (noise == 0.0) return fit;
  return fit + noise * random.stream(static_cast<Step>(mentee), Purpose::fit_perception, mentor).normal();
}

double mentor_perceived_fit(const RandomSource& random, AgentId mentor, AgentId mentee, double noise) {
  const double fit = pair_fit(random, mentor, mentee);
  if (noise == 0.0) return fit;
  return fit + noise * random.stream(static_cast<Step>(mentor), Purpose::fit_perception_mentor, mentee).normal();
}

FeasibilityIndex::FeasibilityIndex(const Population& population, const std::vector<AgentId>& mentors,
                                   const PairingConstraints& constraints)
    : population_(population),
      mentors_(mentors),
      constraints_(constraints),
      by_institution_(population.institutions.size(), 0),
      by_profession_(kProfessions, 0),
      by_cell_(population.institutions.size() * kProfessions, 0),
      reports_(population.size(), 0) {
  for (AgentId m : mentors) {
    if (!population.active(m)) continue;
    ++by_institution_[population.institution[m]];
    ++by_profession_[index_of(population.profession[m])];
    ++by_cell_[population.institution[m] * kProfessions + index_of(population.profession[m])];
    if (population.manager[m] != kNoAgent) ++reports_[population.manager[m]];
  }
}

bool FeasibilityIndex::any_feasible(AgentId mentee) const {
  std::uint64_t total = 0;
  for (auto c : by_institution_) total += c;
  const InstitutionId i = population_.institution[mentee];
  const std::size_t p = index_of(population_.profession[mentee]);
  const bool cross_i = constraints_.cross_institution == ConstraintLevel::required;
  const bool cross_p = constraints_.cross_profession == ConstraintLevel::required;
  std::uint64_t allowed = total;
  if (cross_i && cross_p) {
    allowed = total - by_institution_[i] - by_profession_[p] + by_cell_[i * kProfessions + p];
  } else if (cross_i) {
    allowed = total - by_institution_[i];
  } else if (cross_p) {
    allowed = total - by_profession_[p];
  }
  // At most the mentee itself, its manager and its reports can be excluded besides the constraints
  // (the counts do not know stages: under same_stage, scan).
  if (!constraints_.same_stage && allowed > 2 + reports_[mentee]) return true;
  return std::any_of(mentors_.begin(), mentors_.end(),
                     [&](AgentId m) { return is_feasible(population_, m, mentee, constraints_); });
}

}  // namespace mentorsim
