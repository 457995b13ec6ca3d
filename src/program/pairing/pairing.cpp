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
      by_institution_(kStages * population.institutions.size(), 0),
      by_profession_(kStages * kProfessions, 0),
      by_cell_(kStages * population.institutions.size() * kProfessions, 0),
      reports_(population.size(), 0) {
  const std::size_t institutions = population.institutions.size();
  for (AgentId m : mentors) {
    if (!population.active(m)) continue;
    const std::size_t s = constraints.same_stage ? index_of(population.stage[m]) : 0;
    const std::size_t p = index_of(population.profession[m]);
    ++total_[s];
    ++by_institution_[s * institutions + population.institution[m]];
    ++by_profession_[s * kProfessions + p];
    ++by_cell_[(s * institutions + population.institution[m]) * kProfessions + p];
    if (population.manager[m] != kNoAgent) ++reports_[population.manager[m]];
  }
}

bool FeasibilityIndex::any_feasible(AgentId mentee) const {
  // Under same_stage only the mentee's stage counts (peer mentoring): O(1) there too, not a scan.
  const std::size_t s = constraints_.same_stage ? index_of(population_.stage[mentee]) : 0;
  const std::size_t institutions = population_.institutions.size();
  const InstitutionId i = population_.institution[mentee];
  const std::size_t p = index_of(population_.profession[mentee]);
  const bool cross_i = constraints_.cross_institution == ConstraintLevel::required;
  const bool cross_p = constraints_.cross_profession == ConstraintLevel::required;
  const std::uint64_t total = total_[s];
  const std::uint64_t in_institution = by_institution_[s * institutions + i];
  const std::uint64_t in_profession = by_profession_[s * kProfessions + p];
  const std::uint64_t in_cell = by_cell_[(s * institutions + i) * kProfessions + p];
  std::uint64_t allowed = total;
  if (cross_i && cross_p) {
    allowed = total - in_institution - in_profession + in_cell;
  } else if (cross_i) {
    allowed = total - in_institution;
  } else if (cross_p) {
    allowed = total - in_profession;
  }
  // At most the mentee itself, its manager and its reports can be excluded besides the constraints.
  if (allowed > 2 + reports_[mentee]) return true;
  if (allowed == 0) return false;
  return std::any_of(mentors_.begin(), mentors_.end(),
                     [&](AgentId m) { return is_feasible(population_, m, mentee, constraints_); });
}

}  // namespace mentorsim
