#pragma once
// Who teaches what in each kind of dyad (docs/model.md section 7.9), and the pair scores used to
// form dyads: similarity (homophily) and complementarity (teacher advantage x learner need).
//
// traditional, group: the mentor teaches clinical, research, teaching and leadership down; in
//   traditional dyads the mentee teaches digital and culture/wellbeing back with a small weight.
// reverse: the (junior) mentor teaches digital and culture/wellbeing up.
// reciprocal ("boomerang"): as reverse, and the senior mentee teaches clinical and leadership back.
// peer: same-stage partners teach each other every domain (whoever holds more of it), weight 1.

#include <array>
#include <span>
#include <string>
#include <vector>

#include "mentorsim/core/types.hpp"
#include "mentorsim/scenario/dynamics_spec.hpp"
#include "mentorsim/world/population.hpp"

namespace mentorsim {

struct TeachingFlow {
  Domain domain;
  bool mentor_teaches;  // true: mentor -> mentee; false: mentee -> mentor
  bool primary;         // the dyad's purpose (weight 1); secondary flows carry a back-flow weight
};

// The most flows any dyad type has (peer: six domains each way).
inline constexpr std::size_t kMaxTeachingFlows = 12;

// The flows of a dyad type, primary first.
std::span<const TeachingFlow> teaching_flows(DyadType type);

DyadType dyad_type_of(ProgramKind kind);

// Mean over the four components: same profession, same institution, same minority status,
// 1 - |stage difference| / 3. In [0, 1].
double similarity(const Population& population, AgentId a, AgentId b);

// The same mean from its components' inputs (similarity computes it with this function, so a caller
// that keeps its own packed copy of the attributes gets bitwise the same value).
inline double similarity_of(bool same_profession, bool same_institution, bool same_minority, int stage_gap) {
  const double profession = same_profession ? 1.0 : 0.0;
  const double institution = same_institution ? 1.0 : 0.0;
  const double minority = same_minority ? 1.0 : 0.0;
  const double stage = 1.0 - stage_gap / 3.0;
  return (profession + institution + minority + stage) / 4.0;
}

// Power distance felt by `from` toward `to`, in [0, 1]:
//   h_inst(from) * (1 - phi_unit(from)) * clamp( max(0, stage_to - stage_from) / 3 + status_weight * max(0, status_to -
//   status_from)
//                         + minority_weight * [from minority, to not], 0, 1 ),
// status the profession's status (StatusParams; Nembhard & Edmondson 2006: higher-status professions
// feel safer to speak up, physicians above nurses and allied professions) and phi the hierarchy
// flattening of from's unit (Population::flattening; 0 at week 0).
double power_distance(const Population& population, AgentId from, AgentId to, const StatusParams& status);

// Power distance of `from` toward `to` inside a dyad, before the hierarchy scales it (>= 0):
//   [stage_from < stage_to] + dyad_status_weight * max(0, status_to - status_from)
//   + dyad_minority_weight * [from minority, to not].
// A teacher one or more career stages junior counts 1 (the stage-only model); profession and minority
// status add to it (Nembhard & Edmondson 2006), also between partners of the same stage.
// count_stage = false leaves the stage term out (peer dyads: no power distance from stage, even after a
// promotion; profession and minority status still count).
double dyad_power_distance(const Population& population, AgentId from, AgentId to, const StatusParams& status,
                           bool count_stage = true);

// A dyad's domains: a bit mask over Domain (bit index_of(d)). kAllDomains: every flow of its type; a
// network mentor (docs/model.md 7.20) teaches only the primary mentor -> mentee flows in its mask.
inline constexpr std::uint8_t kAllDomains = 0;
constexpr std::uint8_t domain_bit(Domain d) { return static_cast<std::uint8_t>(1u << index_of(d)); }
// Whether the flow runs in a dyad with these domains: every flow with kAllDomains; otherwise the
// secondary (back) flows, and the primary mentor -> mentee flows of the domains in the mask.
constexpr bool flow_runs(const TeachingFlow& flow, std::uint8_t domains) {
  return domains == kAllDomains || !flow.primary || !flow.mentor_teaches || (domains & domain_bit(flow.domain)) != 0;
}
// The domains a mentor of this type teaches (its primary mentor -> mentee flows), as a mask.
std::uint8_t taught_domains(DyadType type);
// "clinical+research": the names of a mask's domains joined by '+', in Domain order.
std::string domain_set_name(std::uint8_t domains);

// Mean over the primary flows (those of `domains`) of max(0, s_teacher - s_learner) * (1 - s_learner). In [0, 1].
double complementarity(const Population& population, AgentId mentor, AgentId mentee, DyadType type,
                       std::uint8_t domains = kAllDomains);

// The mentee's mean skill over the domains its mentor teaches in a dyad of this type (the primary
// mentor -> mentee flows, those of `domains`): what a cascade's graduation threshold compares
// (docs/model.md 7.19).
double taught_skill(const Population& population, AgentId mentee, DyadType type, std::uint8_t domains = kAllDomains);

}  // namespace mentorsim
