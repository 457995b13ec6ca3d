#pragma once
// The mentoring layer: every mentor-mentee link ever formed, as a structure of arrays indexed by
// DyadId. A group-mentoring circle of one mentor and k mentees is k dyads sharing `group`. Dyads are
// never removed: an ended dyad keeps its row with `end` and `end_reason` set.

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "mentorsim/core/types.hpp"

namespace mentorsim {

// Dyads that end for a relationship reason failed (leaving and program_end are not failures).
constexpr bool relationship_failure(EndReason reason) {
  return reason == EndReason::lack_of_time || reason == EndReason::poor_communication ||
         reason == EndReason::power_imbalance || reason == EndReason::role_ambiguity;
}

// Failure causes counted per dyad; the dominant one names the end reason of a failed dyad.
enum class FailureCause : std::uint8_t { poor_communication, role_ambiguity, power_imbalance };
inline constexpr std::size_t kFailureCauses = 3;

inline constexpr DyadId kNoDyad = std::numeric_limits<DyadId>::max();

struct NewDyad {
  AgentId mentor = kNoAgent;
  AgentId mentee = kNoAgent;
  ArmId arm = 0;
  DyadType type = DyadType::traditional;
  Formation formation = Formation::assigned;
  DyadId group = kNoDyad;  // kNoDyad: its own id
  float quality = 0.5f;
  float similarity = 0.0f;
  float complementarity = 0.0f;
  float fit = 0.0f;                                               // latent pair fit (standard normal)
  float fit_perceived = std::numeric_limits<float>::quiet_NaN();  // the mentee's perception when it chose
  bool trained = false;                                           // mentor trained for the role
  bool prepared = false;                                          // mentee prepared for the role
  std::uint8_t domains = 0;  // network mentoring: the domains its mentor teaches (mask over Domain); 0 = all
  Step planned_end = kNever;
};

class DyadTable {
 public:
  std::vector<AgentId> mentor;
  std::vector<AgentId> mentee;
  std::vector<ArmId> arm;
  std::vector<DyadType> type;
  std::vector<Formation> formation;
  std::vector<DyadId> group;
  std::vector<Step> start;
  std::vector<Step> planned_end;
  std::vector<Step> end;  // kNever while active
  std::vector<EndReason> end_reason;
  std::vector<float> quality;
  std::vector<float> quality_initial;
  std::vector<float> similarity;
  std::vector<float> complementarity;
  std::vector<float> fit;            // latent pair fit, unknown to assigners
  std::vector<float> fit_perceived;  // the mentee's perception of fit when it chose (NaN: assigned)
  std::vector<std::uint32_t> meetings;
  // Meetings its mentor attended for it: `meetings`, except that a circle meeting counts once for the
  // circle's mentor (on the first attending dyad of the circle, in id order).
  std::vector<std::uint32_t> mentor_meetings;
  std::vector<std::uint8_t> trained;
  std::vector<std::uint8_t> prepared;
  // Network mentoring (docs/model.md 7.20): the domains its mentor teaches, a bit mask over Domain (bit
  // index_of(d)); 0 = every flow of its type.
  std::vector<std::uint8_t> domains;
  std::vector<std::array<std::uint16_t, kFailureCauses>> failures;
  // This week's events, reset at the start of each week.
  std::vector<std::uint8_t> met;
  std::vector<std::uint8_t> succeeded;

  [[nodiscard]] std::size_t size() const noexcept { return mentor.size(); }
  [[nodiscard]] bool active(DyadId d) const noexcept { return end[d] == kNever; }
  // Adds a dyad starting at `step`; group == kNoDyad makes it its own group. Returns its id.
  DyadId add(const NewDyad& dyad, Step step);
  // Ends an active dyad (no-op if it has ended already).
  void finish(DyadId d, Step step, EndReason reason);
  // Ids of active dyads in increasing order.
  [[nodiscard]] std::vector<DyadId> active_ids() const;
  // The failure cause seen most often (ties: the earlier cause); poor_communication if none.
  [[nodiscard]] EndReason dominant_failure(DyadId d) const;
};

}  // namespace mentorsim
