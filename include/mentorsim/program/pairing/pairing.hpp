#pragma once
// Pairing strategies behind one interface: given the enrolled mentees and mentors of one arm (with
// the mentors' free capacity), return pairs and the mentees left unmatched with a reason. Every
// strategy honours the same hard constraints (is_feasible) and never exceeds a mentor's capacity.

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "mentorsim/core/rng.hpp"
#include "mentorsim/scenario/dynamics_spec.hpp"
#include "mentorsim/scenario/program_spec.hpp"
#include "mentorsim/world/network.hpp"
#include "mentorsim/world/population.hpp"

namespace mentorsim {

// Why an enrolled mentee is without a mentor, the same in every strategy. When several apply, the first
// in this order: no_feasible_mentor, no_capacity, lost_to_others, declined, not_approached. A
// self-identifying mentee's reason covers its whole search (every week of it, kSearch* bits below);
// the last three arise only where mentees approach mentors (assigners approach nobody).
enum class UnmatchedReason : std::uint8_t {
  no_feasible_mentor,  // no enrolled mentor of the arm, with a free place or not, meets the hard constraints
  no_capacity,         // feasible mentors existed, but none had a free place for it (in no week of its search)
  not_approached,      // approached nobody: no free feasible mentor visible, or never dared
  declined,            // approached at least one mentor, and none it approached would accept it
  lost_to_others       // a mentor it approached would have accepted it, but filled its places with others
};
template <>
struct EnumTraits<UnmatchedReason> {
  static constexpr std::string_view type_name = "unmatched reason";
  static constexpr auto names = std::to_array<std::string_view>(
      {"no_feasible_mentor", "no_capacity", "not_approached", "declined", "lost_to_others"});
};

// What a self-identifying mentee met in its search so far (bits of ProgramState::search).
inline constexpr std::uint8_t kSearchFreeFeasible = 1;  // some feasible mentor had a free place in a week it searched
inline constexpr std::uint8_t kSearchApproached = 2;    // it approached some mentor
inline constexpr std::uint8_t kSearchAcceptable = 4;    // some mentor it approached would have accepted it
inline constexpr std::uint8_t kSearchGaveUp = 8;        // it stopped searching, unmatched, after patience_weeks

// The reason of an unmatched mentee from what it met (priority order above): `feasible` = some enrolled
// mentor of the arm meets the hard constraints, `search` = kSearch* bits.
UnmatchedReason unmatched_reason(bool feasible, std::uint8_t search);

struct PairingConstraints {
  ConstraintLevel cross_institution = ConstraintLevel::allowed;
  ConstraintLevel cross_profession = ConstraintLevel::allowed;
  bool same_stage = false;  // peer mentoring: mentor and mentee at the same career stage
};

struct PairingInput {
  const Population* population = nullptr;
  const CollegialNetwork* network = nullptr;
  std::vector<AgentId> mentees;
  std::vector<AgentId> mentors;
  std::vector<std::uint32_t> capacity;  // free places of each mentor, same order as mentors
  // Every enrolled mentor of the arm, with a free place or not: a mentee whose feasible mentors are all
  // full is no_capacity, not no_feasible_mentor. Empty: the same as `mentors`.
  std::vector<AgentId> pool;
  // Self-identified search, per mentee (same order as mentees; empty: a first search for everyone):
  // the mentors it considered in earlier weeks (it considers each candidate once), and what it met
  // then (kSearch* bits).
  std::vector<std::vector<AgentId>> considered;
  std::vector<std::uint8_t> search;
  // Network mentoring (docs/model.md 7.20), per mentee (same order as mentees; empty: none): the domains
  // of the mentor sought (a mask over Domain; 0 = all), and the mentors it may not be paired with (those
  // it already has). Every strategy honours them.
  std::vector<std::uint8_t> domains;
  std::vector<std::vector<AgentId>> excluded;
  DyadType type = DyadType::traditional;
  PairingConstraints constraints;
  RandomSource random{0, 0};
  Step step = 0;
  // The assigners' stream purpose: pairing, or network_pairing for a network program's later rounds
  // (whose step is then week * 8 + round).
  Purpose pairing_purpose = Purpose::pairing;
  // Self-identified search.
  ApproachParams approach;
  StatusParams status;  // power distance (approach and reluctance)
  double directory_visibility = 0.05;
  double time_required = 0.4;  // a meeting's share of the time budget (mentors' availability to accept)
  // Formation recorded for assigned pairs (assigned, or hybrid_fallback for a hybrid's second phase).
  Formation assigned_formation = Formation::assigned;
  // The replicate's source of latent pair fit (pair_fit below). Only self-identifying mentees and the
  // mentors they approach read it, through their noisy perception; assigners never do.
  RandomSource fit_random{0, 0};
};

// Latent fit of a potential pair: the compatibility of values, personality and working style that no
// record measures, a standard normal drawn from the counter-based stream (step = mentee, purpose
// pair_fit, entity = mentor). It depends only on the seed, the replicate and the two agents, so it is
// the same in every arm (common random numbers), every week and for any thread count.
double pair_fit(const RandomSource& random, AgentId mentor, AgentId mentee);
// What the mentee perceives of it: fit + noise * nu, nu a standard normal fixed per (mentee, mentor)
// (a stable impression, purpose fit_perception).
double mentee_perceived_fit(const RandomSource& random, AgentId mentor, AgentId mentee, double noise);
// What the approached mentor perceives: fit + noise * nu', its own fixed error (fit_perception_mentor).
double mentor_perceived_fit(const RandomSource& random, AgentId mentor, AgentId mentee, double noise);

// The value of a pair to assigned_optimal and to a self-identifying mentee: complementarity on the
// dyad type's primary domains (teacher advantage x learner need) plus kPreferenceBonus for each
// `preferred` constraint met, so that a preferred pair always wins over a non-preferred one.
inline constexpr double kPreferenceBonus = 1.0;
// `domains`: a network mentor's domains (complementarity over those only; kAllDomains = 0: every primary flow).
double pair_value(const Population& population, AgentId mentor, AgentId mentee, DyadType type,
                  const PairingConstraints& constraints, std::uint8_t domains = 0);

// Answers "does the pool hold any feasible mentor for this mentee?" in O(1) for most mentees, from
// counts of pool mentors by institution and profession (under same_stage, among the mentee's career
// stage); scans only when line-manager exclusions could matter.
class FeasibilityIndex {
 public:
  FeasibilityIndex(const Population& population, const std::vector<AgentId>& mentors,
                   const PairingConstraints& constraints);
  [[nodiscard]] bool any_feasible(AgentId mentee) const;

 private:
  const Population& population_;
  const std::vector<AgentId>& mentors_;
  PairingConstraints constraints_;
  // Counts per career stage (all in stage 0 unless same_stage): [stage][institution], [stage][profession],
  // [stage][institution x profession].
  std::vector<std::uint64_t> by_institution_;
  std::vector<std::uint64_t> by_profession_;
  std::vector<std::uint64_t> by_cell_;
  std::array<std::uint64_t, kStages> total_{};
  std::vector<std::uint32_t> reports_;  // pool mentors each agent manages
};

struct Pair {
  AgentId mentor = kNoAgent;
  AgentId mentee = kNoAgent;
  Formation formation = Formation::assigned;
  // The fit the mentee perceived when it chose this mentor (self-identified); NaN when nobody chose on
  // fit (assigned pairs).
  float fit_perceived = std::numeric_limits<float>::quiet_NaN();
};

struct PairingResult {
  std::vector<Pair> pairs;
  std::vector<AgentId> unmatched;
  std::vector<UnmatchedReason> reasons;  // same order as unmatched
  double objective = 0.0;                // strategy-specific (assigned_optimal: total score)
  double optimality_gap = 0.0;           // assigned_optimal beyond the exact pool: bound on the gap
  bool exact = true;
  // Self-identified: per input mentee, the mentors considered so far and what it met (kSearch* bits),
  // this week included; empty for the assigners.
  std::vector<std::vector<AgentId>> considered;
  std::vector<std::uint8_t> search;
};

// Hard constraints: two different active agents, neither the other's line manager, and the
// cross-institution / cross-profession constraints that are `required`.
bool is_feasible(const Population& population, AgentId mentor, AgentId mentee, const PairingConstraints& constraints);
// Number of `preferred` constraints the pair satisfies (0, 1 or 2).
int preference_score(const Population& population, AgentId mentor, AgentId mentee,
                     const PairingConstraints& constraints);

class PairingStrategyBase {
 public:
  virtual ~PairingStrategyBase() = default;
  [[nodiscard]] virtual PairingResult pair(const PairingInput& input) const = 0;
};

}  // namespace mentorsim
