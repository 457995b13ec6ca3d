#pragma once
// Per-agent program state: arm, eligibility, enrolment and roles. Bit 1 of the flag fields is the
// mentor role, bit 2 the mentee role.

#include <cstdint>
#include <map>
#include <vector>

#include "mentorsim/core/types.hpp"

namespace mentorsim {

inline constexpr std::uint8_t kMentorRole = 1;
inline constexpr std::uint8_t kMenteeRole = 2;
inline constexpr std::uint8_t kNotUnmatched = 255;  // unmatched_reason of agents never left unmatched
inline constexpr std::uint8_t kNoGeneration = 255;  // cascade_generation of agents who never enrolled as mentors

struct ProgramState {
  std::vector<ArmId> arm;
  std::vector<std::uint8_t> eligible;
  std::vector<std::uint8_t> enrolled;
  std::vector<std::uint8_t> role;              // roles ever held in a dyad
  std::vector<Step> enrolled_week;             // as mentee; kNever if not
  std::vector<Step> matched_week;              // first match as mentee; kNever if not
  std::vector<std::uint16_t> mentor_load;      // active dyads as mentor
  std::vector<std::uint16_t> mentee_load;      // active dyads as mentee
  std::vector<std::uint8_t> unmatched_reason;  // UnmatchedReason of the last round that left it unmatched
  std::vector<std::uint8_t> dissolved;         // its dyad as mentee ended early: eligible for re-matching
  std::vector<std::uint8_t> search;            // what its self-identified search met (kSearch* bits, pairing.hpp)
  // The mentors each still searching mentee has considered (only searching mentees have an entry).
  std::map<AgentId, std::vector<AgentId>> considered;
  // Informal mentoring (outside any program; dynamics/informal.hpp), booked apart from the program's loads.
  std::vector<std::uint16_t> informal_mentor_load;  // active informal dyads as mentor
  std::vector<std::uint16_t> informal_mentee_load;  // active informal dyads as mentee
  // Cascading (docs/model.md 7.19): 0 for the arm's enrolled mentors, g + 1 for a mentee of a generation-g
  // mentor who graduated to mentor; kNoGeneration otherwise.
  std::vector<std::uint8_t> cascade_generation;
  // Network mentoring (docs/model.md 7.20): program mentors a mentee has been given so far (its next one
  // teaches the domains of network_domains[network_found]).
  std::vector<std::uint8_t> network_found;
  // Spot mentoring (docs/model.md 7.21), per seeker: needs it had, needs no expert took, consultations
  // with an expert who was not a direct contact (2-hop or directory).
  std::vector<std::uint16_t> spot_needs;
  std::vector<std::uint16_t> spot_unmet;
  std::vector<std::uint16_t> spot_far;

  void resize(std::size_t agents) {
    arm.resize(agents, 0);
    eligible.resize(agents, 0);
    enrolled.resize(agents, 0);
    role.resize(agents, 0);
    enrolled_week.resize(agents, kNever);
    matched_week.resize(agents, kNever);
    mentor_load.resize(agents, 0);
    mentee_load.resize(agents, 0);
    unmatched_reason.resize(agents, kNotUnmatched);
    dissolved.resize(agents, 0);
    search.resize(agents, 0);
    informal_mentor_load.resize(agents, 0);
    informal_mentee_load.resize(agents, 0);
    cascade_generation.resize(agents, kNoGeneration);
    network_found.resize(agents, 0);
    spot_needs.resize(agents, 0);
    spot_unmet.resize(agents, 0);
    spot_far.resize(agents, 0);
  }
};

}  // namespace mentorsim
