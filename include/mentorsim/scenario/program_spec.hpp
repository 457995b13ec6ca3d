#pragma once
// A mentoring program design: who is eligible, how many take part, how pairs form, how often they
// meet, for how long, with what support. A scenario holds one design per arm.

#include <cstdint>
#include <string>
#include <vector>

#include "mentorsim/core/types.hpp"

namespace mentorsim {

// How strongly a pairing constraint binds.
enum class ConstraintLevel : std::uint8_t { allowed, preferred, required };
template <>
struct EnumTraits<ConstraintLevel> {
  static constexpr std::string_view type_name = "constraint level";
  static constexpr auto names = std::to_array<std::string_view>({"allowed", "preferred", "required"});
};

// How a program's pairs meet (docs/model.md 7.8): in person, by video call, or blended (a share of the
// meetings virtual, dynamics.meetings.blended_virtual_share).
enum class MeetingMode : std::uint8_t { in_person, virtual_, blended };
template <>
struct EnumTraits<MeetingMode> {
  static constexpr std::string_view type_name = "meeting mode";
  static constexpr auto names = std::to_array<std::string_view>({"in_person", "virtual", "blended"});
};

struct ProgramSpec {
  ProgramKind kind = ProgramKind::none;
  // Eligibility (empty institution list = all institutions).
  std::vector<std::string> institutions;
  std::vector<Profession> professions;  // empty = all
  std::vector<CareerStage> mentor_stages;
  std::vector<CareerStage> mentee_stages;
  double uptake = 0.5;         // share of eligible mentees who enrol
  double mentor_uptake = 0.5;  // share of eligible mentors who enrol (default when not given: uptake)
  // Pairing.
  PairingStrategy strategy = PairingStrategy::assigned_random;
  ConstraintLevel cross_institution = ConstraintLevel::allowed;  // mentor from another institution
  ConstraintLevel cross_profession = ConstraintLevel::allowed;   // mentor from another profession
  std::uint32_t mentor_capacity = 1;                             // mentees per mentor (group mentoring: group_size)
  std::uint32_t group_size = 4;                                  // mentees per circle, group mentoring only
  double directory_visibility = 0.05;  // self-identified: chance a mentor outside one's 2-hop circle is seen
  Step fallback_weeks = 8;             // hybrid: weeks of self-identification before assigned fallback
  bool rematch = false;                // dissolved pairs' mentees are matched again
  Step rematch_interval_weeks = 4;     // weeks between re-matching rounds
  // Calendar.
  Step start_week = 4;
  Step duration_weeks = 26;
  Step cadence_weeks = 4;  // nominal weeks between meetings
  MeetingMode meeting_mode = MeetingMode::in_person;
  // Support.
  bool mentor_training = false;
  bool mentee_preparation = false;  // mentees prepared for the role (expectations set): less role ambiguity
  bool mentor_sponsorship = false;  // mentors sponsor their mentees: promotion and cross-institution introductions
  double sponsorship = 0.5;         // leadership sponsorship in [0, 1] (review, Figure 1)
  // Cascading (docs/model.md 7.19): cascade_waves consecutive waves of duration_weeks each; a mentee who
  // completes its wave with a mean skill of at least cascade_threshold in the domains it was taught
  // mentors in the later waves, if it is at most cascade_depth generations from an original mentor.
  std::uint32_t cascade_waves = 1;  // 1: no cascade
  double cascade_threshold = 0.5;
  std::uint32_t cascade_depth = 0;  // the reader's default: cascade_waves - 1
  // Network (developmental network) mentoring (docs/model.md 7.20): each mentee has mentors_per_mentee
  // mentors at once, mentor j teaching the domains of network_domains[j] (a bit mask over Domain, bit
  // index_of(domain)); empty when mentors_per_mentee = 1.
  std::uint32_t mentors_per_mentee = 1;
  std::vector<std::uint8_t> network_domains;
  // Spot mentoring (docs/model.md 7.21): each week an enrolled seeker without a consultation has a need
  // with probability spot_rate and asks the most skilled expert in its 2-hop circle or the directory
  // whose skill in the need's domain exceeds its own by spot_min_gap, for one meeting.
  double spot_rate = 0.02;
  double spot_min_gap = 0.1;

  [[nodiscard]] bool active() const noexcept { return kind != ProgramKind::none; }
  [[nodiscard]] bool cascading() const noexcept { return cascade_waves > 1; }
  [[nodiscard]] bool network() const noexcept { return mentors_per_mentee > 1; }
  // The week after the program's last week: the end of its last wave.
  [[nodiscard]] Step end_week() const noexcept {
    return start_week + static_cast<Step>(cascade_waves) * duration_weeks;
  }
  // The wave of week t (0 before the program, the last wave after it) and the week that wave starts.
  [[nodiscard]] std::uint32_t wave_of(Step t) const noexcept {
    if (t < start_week) return 0;
    const auto wave = static_cast<std::uint32_t>((t - start_week) / duration_weeks);
    return wave < cascade_waves ? wave : cascade_waves - 1;
  }
  [[nodiscard]] Step wave_start(Step t) const noexcept {
    return start_week + static_cast<Step>(wave_of(t)) * duration_weeks;
  }
};

// The domains a mentor of this kind teaches (the dyad type's primary mentor -> mentee flows of
// docs/model.md 7.9), as a bit mask over Domain, for validating network_domains in the scenario layer;
// a test checks it against the teaching flows of the program layer (taught_domains).
constexpr std::uint8_t mentor_domain_mask(ProgramKind kind) {
  auto bit = [](Domain d) { return static_cast<std::uint8_t>(1u << index_of(d)); };
  switch (kind) {
    case ProgramKind::traditional:
    case ProgramKind::group:
      return static_cast<std::uint8_t>(bit(Domain::clinical) | bit(Domain::research) | bit(Domain::teaching) |
                                       bit(Domain::leadership));
    case ProgramKind::reverse:
    case ProgramKind::reciprocal:
      return static_cast<std::uint8_t>(bit(Domain::digital) | bit(Domain::culture_wellbeing));
    case ProgramKind::peer:
    case ProgramKind::spot:
      return 0x3f;
    case ProgramKind::none:
      break;
  }
  return 0;
}

// The most waves a cascading program may have (the per-wave outcomes have this many levels).
inline constexpr std::uint32_t kMaxCascadeWaves = 8;
// The most mentors a network mentee may have (one per skill domain).
inline constexpr std::uint32_t kMaxNetworkMentors = 6;

// Default eligible stages of each kind: reverse and reciprocal pair early-career mentors with
// mid-career and senior mentees; traditional pairs mid-career/senior mentors and group circles senior
// mentors with students and early-career mentees (one career stage above or more, as the review
// recommends).
std::vector<CareerStage> default_mentor_stages(ProgramKind kind);
std::vector<CareerStage> default_mentee_stages(ProgramKind kind);

struct ArmSpec {
  std::string name = "program";
  double share = 1.0;  // share of staff (or of units, under cluster randomisation) in this arm
  ProgramSpec program;
};

enum class RandomisationMethod : std::uint8_t { individual, cluster };
template <>
struct EnumTraits<RandomisationMethod> {
  static constexpr std::string_view type_name = "randomisation method";
  static constexpr auto names = std::to_array<std::string_view>({"individual", "cluster"});
};

// How staff are allocated to arms. Stepped wedge: the one program arm is split into `waves` arms
// (clusters randomised to waves) whose programs start interval_weeks apart.
struct RandomisationSpec {
  RandomisationMethod method = RandomisationMethod::individual;
  std::uint32_t waves = 0;  // 0: no stepped wedge
  Step wave_interval_weeks = 13;
};

}  // namespace mentorsim
