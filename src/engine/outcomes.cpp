#include "mentorsim/engine/outcomes.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/program/pairing/pairing.hpp"

namespace mentorsim {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Running mean that is NaN when empty.
struct Mean {
  double sum = 0.0;
  double count = 0.0;
  void add(double x) {
    sum += x;
    count += 1.0;
  }
  [[nodiscard]] double value() const { return count > 0.0 ? sum / count : kNaN; }
};

const std::array<std::string_view, 4> kRelationshipFailures = {"lack_of_time", "poor_communication", "power_imbalance",
                                                               "role_ambiguity"};

}  // namespace

std::vector<std::string> outcome_names() {
  std::vector<std::string> names = {"eligible_mentees",  "enrolled_mentees", "coverage",   "weeks_to_match", "dyads",
                                    "meetings_per_dyad", "complementarity",  "similarity", "failure_rate"};
  for (std::string_view r : EnumTraits<EndReason>::names) names.push_back("end_" + std::string(r));
  for (std::string_view f : EnumTraits<Formation>::names) names.push_back("quality_" + std::string(f));
  names.insert(names.end(),
               {"satisfaction_change", "satisfaction_change_assigned", "satisfaction_change_self_identified",
                "satisfaction_change_hybrid_fallback", "retention"});
  for (std::string_view d : EnumTraits<Domain>::names) names.push_back("skill_gain_" + std::string(d));
  names.insert(names.end(),
               {"strength_change", "cross_institution_change", "unmatched_infeasible", "unmatched_no_capacity",
                "unmatched_not_approached", "unmatched_declined", "optimality_gap"});
  return names;
}

Outcomes compute_outcomes(const SimulationState& state) {
  const Population& pop = state.population;
  const ProgramState& program = state.program;
  const DyadTable& dyads = state.dyads;
  const std::size_t arms = state.scenario->arms().size();
  const auto names = outcome_names();
  std::map<std::string, std::vector<Mean>> mean;
  for (const auto& n : names) mean[n].resize(arms);
  std::vector<std::array<Mean, 2>> cov_min(arms), wtm_min(arms), ret_min(arms), sat_min(arms);
  std::vector<std::array<Mean, 4>> cov_iso(arms), wtm_iso(arms);

  // The per-arm accumulators of each outcome, looked up by name once (not per agent or dyad).
  auto& coverage = mean["coverage"];
  auto& weeks_to_match = mean["weeks_to_match"];
  auto& meetings_per_dyad = mean["meetings_per_dyad"];
  auto& complementarity = mean["complementarity"];
  auto& similarity = mean["similarity"];
  auto& failure_rate = mean["failure_rate"];
  auto& retention = mean["retention"];
  auto& strength_change = mean["strength_change"];
  auto& cross_change = mean["cross_institution_change"];
  auto& satisfaction_change = mean["satisfaction_change"];
  std::array<std::vector<Mean>*, enum_count<EndReason>> end_share{};
  std::array<bool, enum_count<EndReason>> relationship_failure{};
  for (std::size_t r = 0; r < enum_count<EndReason>; ++r) {
    const std::string_view name = EnumTraits<EndReason>::names[r];
    end_share[r] = &mean["end_" + std::string(name)];
    relationship_failure[r] =
        std::find(kRelationshipFailures.begin(), kRelationshipFailures.end(), name) != kRelationshipFailures.end();
  }
  std::array<std::vector<Mean>*, enum_count<Formation>> quality_by{};
  std::array<std::vector<Mean>*, enum_count<Formation>> satisfaction_by{};
  for (std::size_t f = 0; f < enum_count<Formation>; ++f) {
    const std::string name(EnumTraits<Formation>::names[f]);
    quality_by[f] = &mean["quality_" + name];
    satisfaction_by[f] = &mean["satisfaction_change_" + name];
  }
  std::array<std::vector<Mean>*, kDomains> skill_gain{};
  for (std::size_t d = 0; d < kDomains; ++d)
    skill_gain[d] = &mean["skill_gain_" + std::string(to_string(enum_at<Domain>(d)))];

  // Current strength and cross-institution ties of every agent.
  std::vector<double> strength(pop.size(), 0.0);
  std::vector<double> cross(pop.size(), 0.0);
  parallel::for_each(pop.size(), [&](std::size_t i) {
    const auto a = static_cast<AgentId>(i);
    const auto row = state.network.neighbors(a);
    const auto w = state.network.weights(a);
    for (std::size_t k = 0; k < row.size(); ++k) {
      if (!pop.active(row[k])) continue;
      strength[a] += w[k];
      cross[a] += pop.institution[row[k]] != pop.institution[a] ? 1.0 : 0.0;
    }
  });
  // Formation of each mentee's first dyad.
  std::vector<int> first_formation(pop.size(), -1);
  for (DyadId d = 0; d < dyads.size(); ++d) {
    if (first_formation[dyads.mentee[d]] < 0) first_formation[dyads.mentee[d]] = static_cast<int>(dyads.formation[d]);
  }

  // Isolation quartiles among each arm's eligible initial-staff mentees, by week-0 degree.
  std::vector<std::vector<AgentId>> eligible(arms);
  for (AgentId a = 0; a < pop.size(); ++a) {
    if (pop.hired[a] == 0 && (program.eligible[a] & kMenteeRole)) eligible[program.arm[a]].push_back(a);
  }
  std::vector<std::uint8_t> quartile(pop.size(), 0);
  for (auto& list : eligible) {
    std::vector<AgentId> sorted = list;
    std::sort(sorted.begin(), sorted.end(), [&](AgentId x, AgentId y) {
      return state.baseline.degree[x] != state.baseline.degree[y] ? state.baseline.degree[x] < state.baseline.degree[y]
                                                                  : x < y;
    });
    for (std::size_t k = 0; k < sorted.size(); ++k)
      quartile[sorted[k]] = static_cast<std::uint8_t>(4 * k / sorted.size());
  }

  for (ArmId arm = 0; arm < arms; ++arm) {
    const bool runs = state.scenario->arms()[arm].program.active();
    for (AgentId a : eligible[arm]) {
      const bool matched = program.matched_week[a] != kNever;
      const int m = pop.minority[a];
      coverage[arm].add(matched ? 1.0 : 0.0);
      cov_min[arm][m].add(matched ? 1.0 : 0.0);
      cov_iso[arm][quartile[a]].add(matched ? 1.0 : 0.0);
      if (matched && program.enrolled_week[a] != kNever) {
        const double weeks = program.matched_week[a] - program.enrolled_week[a];
        weeks_to_match[arm].add(weeks);
        wtm_min[arm][m].add(weeks);
        wtm_iso[arm][quartile[a]].add(weeks);
      }
    }
    if (runs) {
      mean["eligible_mentees"][arm] = Mean{static_cast<double>(eligible[arm].size()), 1.0};
      double enrolled = 0.0;
      std::array<double, 4> unmatched{};
      for (AgentId a : eligible[arm]) {
        if (!(program.enrolled[a] & kMenteeRole)) continue;
        enrolled += 1.0;
        if (program.matched_week[a] == kNever && program.unmatched_reason[a] != kNotUnmatched) {
          unmatched[program.unmatched_reason[a]] += 1.0;
        }
      }
      mean["enrolled_mentees"][arm] = Mean{enrolled, 1.0};
      mean["unmatched_infeasible"][arm] = Mean{unmatched[0], 1.0};
      mean["unmatched_no_capacity"][arm] = Mean{unmatched[1], 1.0};
      mean["unmatched_not_approached"][arm] = Mean{unmatched[2], 1.0};
      mean["unmatched_declined"][arm] = Mean{unmatched[3], 1.0};
    }
  }

  // Dyads.
  std::vector<double> dyad_count(arms, 0.0);
  for (DyadId d = 0; d < dyads.size(); ++d) {
    const ArmId arm = dyads.arm[d];
    dyad_count[arm] += 1.0;
    meetings_per_dyad[arm].add(dyads.meetings[d]);
    complementarity[arm].add(dyads.complementarity[d]);
    similarity[arm].add(dyads.similarity[d]);
    const std::size_t reason = index_of(dyads.end_reason[d]);
    failure_rate[arm].add(relationship_failure[reason] ? 1.0 : 0.0);
    for (std::size_t r = 0; r < enum_count<EndReason>; ++r) (*end_share[r])[arm].add(r == reason ? 1.0 : 0.0);
    (*quality_by[index_of(dyads.formation[d])])[arm].add(dyads.quality[d]);
  }
  for (ArmId arm = 0; arm < arms; ++arm) {
    if (state.scenario->arms()[arm].program.active()) mean["dyads"][arm] = Mean{dyad_count[arm], 1.0};
  }

  // The arm's initial staff: retention, and changes of those still active.
  for (AgentId a = 0; a < pop.size(); ++a) {
    if (pop.hired[a] != 0) continue;
    const ArmId arm = program.arm[a];
    const bool active = pop.active(a);
    retention[arm].add(active ? 1.0 : 0.0);
    ret_min[arm][pop.minority[a]].add(active ? 1.0 : 0.0);
    if (!active) continue;
    for (std::size_t d = 0; d < kDomains; ++d) {
      (*skill_gain[d])[arm].add(pop.skills.at(a, d) - state.baseline.skills.at(a, d));
    }
    strength_change[arm].add(strength[a] - state.baseline.strength[a]);
    cross_change[arm].add(cross[a] - state.baseline.cross_institution_ties[a]);
    if (program.role[a] != 0) {
      const double change = pop.satisfaction[a] - state.baseline.satisfaction[a];
      satisfaction_change[arm].add(change);
      sat_min[arm][pop.minority[a]].add(change);
      if (first_formation[a] >= 0) (*satisfaction_by[static_cast<std::size_t>(first_formation[a])])[arm].add(change);
    }
  }
  for (const MatchingRecord& record : state.matching_records) {
    Mean& gap = mean["optimality_gap"][record.arm];
    gap = Mean{std::max(gap.count > 0.0 ? gap.value() : 0.0, record.optimality_gap), 1.0};
  }

  Outcomes out;
  for (const auto& n : names) {
    std::vector<double> values(arms);
    for (ArmId arm = 0; arm < arms; ++arm) values[arm] = mean[n][arm].value();
    out.per_arm.push_back(std::move(values));
  }
  auto two = [&](const std::vector<std::array<Mean, 2>>& m) {
    std::vector<std::array<double, 2>> v(arms);
    for (ArmId arm = 0; arm < arms; ++arm) v[arm] = {m[arm][0].value(), m[arm][1].value()};
    return v;
  };
  auto four = [&](const std::vector<std::array<Mean, 4>>& m) {
    std::vector<std::array<double, 4>> v(arms);
    for (ArmId arm = 0; arm < arms; ++arm)
      v[arm] = {m[arm][0].value(), m[arm][1].value(), m[arm][2].value(), m[arm][3].value()};
    return v;
  };
  out.by_minority = {two(cov_min), two(wtm_min), two(ret_min), two(sat_min)};
  out.by_isolation = {four(cov_iso), four(wtm_iso)};
  return out;
}

}  // namespace mentorsim
