#include "mentorsim/program/teaching.hpp"

#include <algorithm>
#include <cstdlib>

namespace mentorsim {
namespace {

using D = Domain;
constexpr std::array<TeachingFlow, 6> kTraditional = {{{D::clinical, true, true},
                                                       {D::research, true, true},
                                                       {D::teaching, true, true},
                                                       {D::leadership, true, true},
                                                       {D::digital, false, false},
                                                       {D::culture_wellbeing, false, false}}};
constexpr std::array<TeachingFlow, 4> kGroup = {
    {{D::clinical, true, true}, {D::research, true, true}, {D::teaching, true, true}, {D::leadership, true, true}}};
constexpr std::array<TeachingFlow, 2> kReverse = {{{D::digital, true, true}, {D::culture_wellbeing, true, true}}};
constexpr std::array<TeachingFlow, 4> kReciprocal = {{{D::digital, true, true},
                                                      {D::culture_wellbeing, true, true},
                                                      {D::clinical, false, false},
                                                      {D::leadership, false, false}}};

// Peer: each partner teaches the other every domain, with weight 1 (symmetric flows). Only the partner
// who holds more of a domain teaches it: the other direction's gap is 0.
constexpr std::array<TeachingFlow, 12> kPeer = {{{D::clinical, true, true},
                                                 {D::digital, true, true},
                                                 {D::research, true, true},
                                                 {D::teaching, true, true},
                                                 {D::leadership, true, true},
                                                 {D::culture_wellbeing, true, true},
                                                 {D::clinical, false, true},
                                                 {D::digital, false, true},
                                                 {D::research, false, true},
                                                 {D::teaching, false, true},
                                                 {D::leadership, false, true},
                                                 {D::culture_wellbeing, false, true}}};

// Spot: a one-off consultation on one domain (docs/model.md 7.21); the dyad's domains mask keeps the
// flow of the need's domain, the expert teaching the seeker.
constexpr std::array<TeachingFlow, 6> kSpot = {{{D::clinical, true, true},
                                                {D::digital, true, true},
                                                {D::research, true, true},
                                                {D::teaching, true, true},
                                                {D::leadership, true, true},
                                                {D::culture_wellbeing, true, true}}};

static_assert(kPeer.size() <= kMaxTeachingFlows && kTraditional.size() <= kMaxTeachingFlows &&
              kGroup.size() <= kMaxTeachingFlows && kReverse.size() <= kMaxTeachingFlows &&
              kReciprocal.size() <= kMaxTeachingFlows);

}  // namespace

std::span<const TeachingFlow> teaching_flows(DyadType type) {
  switch (type) {
    case DyadType::traditional:
      return kTraditional;
    case DyadType::group:
      return kGroup;
    case DyadType::reverse:
      return kReverse;
    case DyadType::reciprocal:
      return kReciprocal;
    case DyadType::peer:
      return kPeer;
    case DyadType::spot:
      return kSpot;
  }
  return {};
}

DyadType dyad_type_of(ProgramKind kind) {
  switch (kind) {
    case ProgramKind::reverse:
      return DyadType::reverse;
    case ProgramKind::reciprocal:
      return DyadType::reciprocal;
    case ProgramKind::group:
      return DyadType::group;
    case ProgramKind::peer:
      return DyadType::peer;
    case ProgramKind::spot:
      return DyadType::spot;
    default:
      return DyadType::traditional;
  }
}

double similarity(const Population& population, AgentId a, AgentId b) {
  return similarity_of(population.profession[a] == population.profession[b],
                       population.institution[a] == population.institution[b],
                       population.minority[a] == population.minority[b],
                       std::abs(static_cast<int>(population.stage[a]) - static_cast<int>(population.stage[b])));
}

double power_distance(const Population& population, AgentId from, AgentId to, const StatusParams& status) {
  // The hierarchy `from` feels is its institution's, less the share its unit's sustained reverse
  // mentoring has flattened (0 at week 0 and without reverse or reciprocal dyads).
  const double h = population.institutions[population.institution[from]].hierarchy *
                   (1.0 - static_cast<double>(population.flattening[population.unit[from]]));
  const double stage_gap =
      std::max(0, static_cast<int>(population.stage[to]) - static_cast<int>(population.stage[from])) / 3.0;
  const double status_gap = std::max(
      0.0, status.status[index_of(population.profession[to])] - status.status[index_of(population.profession[from])]);
  const double minority = population.minority[from] && !population.minority[to] ? 1.0 : 0.0;
  return h * std::clamp(stage_gap + status.status_weight * status_gap + status.minority_weight * minority, 0.0, 1.0);
}

double dyad_power_distance(const Population& population, AgentId from, AgentId to, const StatusParams& status,
                           bool count_stage) {
  const double stage = count_stage && population.stage[from] < population.stage[to] ? 1.0 : 0.0;
  const double status_gap = std::max(
      0.0, status.status[index_of(population.profession[to])] - status.status[index_of(population.profession[from])]);
  const double minority = population.minority[from] && !population.minority[to] ? 1.0 : 0.0;
  return stage + status.dyad_status_weight * status_gap + status.dyad_minority_weight * minority;
}

std::uint8_t taught_domains(DyadType type) {
  std::uint8_t mask = 0;
  for (const TeachingFlow& flow : teaching_flows(type)) {
    if (flow.primary && flow.mentor_teaches) mask |= domain_bit(flow.domain);
  }
  return mask;
}

std::string domain_set_name(std::uint8_t domains) {
  std::string out;
  for (std::size_t d = 0; d < kDomains; ++d) {
    if ((domains & domain_bit(enum_at<Domain>(d))) == 0) continue;
    if (!out.empty()) out += '+';
    out += to_string(enum_at<Domain>(d));
  }
  return out;
}

double complementarity(const Population& population, AgentId mentor, AgentId mentee, DyadType type,
                       std::uint8_t domains) {
  double sum = 0.0;
  int count = 0;
  for (const TeachingFlow& flow : teaching_flows(type)) {
    if (!flow.primary || !flow_runs(flow, domains)) continue;
    const AgentId teacher = flow.mentor_teaches ? mentor : mentee;
    const AgentId learner = flow.mentor_teaches ? mentee : mentor;
    const double s_teacher = population.skills(teacher, flow.domain);
    const double s_learner = population.skills(learner, flow.domain);
    sum += std::max(0.0, s_teacher - s_learner) * (1.0 - s_learner);
    ++count;
  }
  return count > 0 ? sum / count : 0.0;
}

double taught_skill(const Population& population, AgentId mentee, DyadType type, std::uint8_t domains) {
  double sum = 0.0;
  int count = 0;
  for (const TeachingFlow& flow : teaching_flows(type)) {
    if (!flow.primary || !flow.mentor_teaches || !flow_runs(flow, domains)) continue;
    sum += population.skills(mentee, flow.domain);
    ++count;
  }
  return count > 0 ? sum / count : 0.0;
}

}  // namespace mentorsim
