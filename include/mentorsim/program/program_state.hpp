#pragma once
// Per-agent program state: arm, eligibility, enrolment and roles. Bit 1 of the flag fields is the
// mentor role, bit 2 the mentee role.

#include <cstdint>
#include <map>
#include <type_traits>
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

  // Calls f(column, value of a new row) for every per-agent column.
  template <class F>
  void for_each_column(F&& f) {
    f(arm, 0);
    f(eligible, 0);
    f(enrolled, 0);
    f(role, 0);
    f(enrolled_week, kNever);
    f(matched_week, kNever);
    f(mentor_load, 0);
    f(mentee_load, 0);
    f(unmatched_reason, kNotUnmatched);
    f(dissolved, 0);
    f(search, 0);
    f(informal_mentor_load, 0);
    f(informal_mentee_load, 0);
    f(cascade_generation, kNoGeneration);
    f(network_found, 0);
    f(spot_needs, 0);
    f(spot_unmet, 0);
    f(spot_far, 0);
  }
  void resize(std::size_t agents) {
    for_each_column([agents](auto& column, auto fill) {
      column.resize(agents, static_cast<typename std::decay_t<decltype(column)>::value_type>(fill));
    });
  }
  void reserve(std::size_t agents) {
    for_each_column([agents](auto& column, auto) { column.reserve(agents); });
  }
};

}  // namespace mentorsim
