#include "mentorsim/dynamics/state.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <span>
#include <type_traits>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/dynamics/enthusiasm.hpp"
#include "mentorsim/dynamics/satisfaction.hpp"
#include "mentorsim/program/teaching.hpp"

namespace mentorsim {

namespace {

using C = Component;
constexpr std::array<ComponentInfo, kComponentCount> kComponentTable = {{
    {C::staff,
     "who is employed (`hired`, `left`) and their attributes: institution, unit, profession, "
     "career stage (changed only by promotion), minority, manager, openness, time budget, workload; hires append rows"},
    {C::skills, "skills per agent and domain at week t"},
    {C::skills_next, "the week t+1 skills buffer, filled by exchange and diffusion, which swaps it in"},
    {C::confidence, "confidence `c` per agent"},
    {C::satisfaction, "job satisfaction `S` per agent"},
    {C::intent_to_leave, "intent to leave `I` and whether the agent considers leaving `k`, per agent"},
    {C::psych_safety, "psychological safety `ψ` per unit"},
    {C::flattening, "hierarchy flattening `φ` per unit (sustained reverse mentoring; 0 at week 0)"},
    {C::network, "the collegial network: ties and their strengths"},
    {C::new_ties, "ties made since the last tie merge (mentoring bonds, introductions, hires' first ties)"},
    {C::dyads, "every dyad ever formed: partners, arm, type, formation, quality, meetings, failure counts, end"},
    {C::dyad_events, "this week's `met` and `succeeded` flags of each dyad"},
    {C::dyad_constants,
     "per dyad, what is fixed for its life: partners' availability, hierarchy times power distance, mentee's unit"},
    {C::active_dyads, "the dyads active once this week's calendar has run, in id order"},
    {C::program,
     "per agent: arm, eligibility, enrolment, roles held, mentor and mentee loads, unmatched reason, what its "
     "search met; the mentors each searching mentee has considered"},
    {C::baseline, "per agent, at week 0 or at hire: skills, confidence, satisfaction, degree, strength"},
    {C::meeting_counts, "meetings attended per agent since week 0 (observations take differences)"},
    {C::matching_log, "one record per matching round: mentees, pairs, unmatched and why, optimality gap"},
    {C::enthusiasm, "enthusiasm `E` per agent (an outcome: nothing else reads it)"},
    {C::leadership_flows,
     "per dyad, the leadership skill it has given its mentor and its mentee (exchange and learning by mentoring; an "
     "outcome: nothing else reads it)"},
    {C::research,
     "per agent, papers led and new research directions begun, and their coauthors across institution "
     "or profession (an outcome: nothing else reads it)"},
}};

constexpr bool table_in_enum_order() {
  for (std::size_t k = 0; k < kComponentTable.size(); ++k) {
    if (index_of(kComponentTable[k].component) != k) return false;
  }
  return true;
}
static_assert(table_in_enum_order(), "component_table() rows must follow the order of enum Component");

// FNV-1a over bytes, chained.
class Hasher {
 public:
  void bytes(const void* data, std::size_t size) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < size; ++i) {
      hash_ ^= p[i];
      hash_ *= 1099511628211ull;
    }
  }
  template <class T>
  requires std::is_trivially_copyable_v<T>
  void value(const T& v) { bytes(&v, sizeof v); }
  template <class T>
  requires std::is_trivially_copyable_v<T>
  void values(std::span<const T> v) {
    value(v.size());
    bytes(v.data(), v.size_bytes());
  }
  template <class T>
  void vector(const std::vector<T>& v) {
    values(std::span<const T>(v));
  }
  [[nodiscard]] std::uint64_t result() const { return hash_; }

 private:
  std::uint64_t hash_ = 14695981039346656037ull;
};

}  // namespace

const std::array<ComponentInfo, kComponentCount>& component_table() { return kComponentTable; }

std::uint64_t checksum(const SimulationState& state, Component component) {
  Hasher h;
  const Population& pop = state.population;
  switch (component) {
    case Component::staff:
      h.vector(pop.external_id);
      h.vector(pop.institution);
      h.vector(pop.unit);
      h.vector(pop.profession);
      h.vector(pop.stage);
      h.vector(pop.minority);
      h.vector(pop.joint_institution);
      h.vector(pop.joint_unit);
      h.vector(pop.years);
      h.vector(pop.manager);
      h.vector(pop.hired);
      h.vector(pop.left);
      h.vector(pop.promoted);
      h.vector(pop.openness);
      h.vector(pop.time_budget);
      h.vector(pop.workload);
      h.value(pop.institutions.size());
      h.value(pop.units.size());
      break;
    case Component::skills:
      h.values(pop.skills.data());
      break;
    case Component::skills_next:
      h.values(state.skills_next.data());
      break;
    case Component::confidence:
      h.vector(pop.confidence);
      break;
    case Component::satisfaction:
      h.vector(pop.satisfaction);
      break;
    case Component::intent_to_leave:
      h.vector(pop.intent_to_leave);
      h.vector(pop.considering_leaving);
      break;
    case Component::psych_safety:
      h.vector(pop.psych_safety);
      break;
    case Component::flattening:
      h.vector(pop.flattening);
      break;
    case Component::network: {
      const CollegialNetwork& net = state.network;
      h.value(net.vertex_count());
      for (AgentId v = 0; v < net.vertex_count(); ++v) {
        h.values(net.neighbors(v));
        h.values(net.weights(v));
        h.values(net.routines(v));
      }
      break;
    }
    case Component::new_ties:
      h.vector(state.new_ties);
      break;
    case Component::dyads: {
      const DyadTable& d = state.dyads;
      h.vector(d.mentor);
      h.vector(d.mentee);
      h.vector(d.arm);
      h.vector(d.type);
      h.vector(d.formation);
      h.vector(d.group);
      h.vector(d.start);
      h.vector(d.planned_end);
      h.vector(d.end);
      h.vector(d.end_reason);
      h.vector(d.quality);
      h.vector(d.quality_initial);
      h.vector(d.similarity);
      h.vector(d.complementarity);
      h.vector(d.fit);
      h.vector(d.fit_perceived);
      h.vector(d.meetings);
      h.vector(d.prepared);
      h.vector(d.mentor_meetings);
      h.vector(d.trained);
      h.vector(d.failures);
      break;
    }
    case Component::dyad_events:
      h.vector(state.dyads.met);
      h.vector(state.dyads.succeeded);
      break;
    case Component::dyad_constants: {
      const DyadConstants& c = state.dyad_constants;
      h.vector(c.mentor_availability);
      h.vector(c.mentee_availability);
      h.vector(c.power_hierarchy);
      h.vector(c.mentee_unit);
      break;
    }
    case Component::active_dyads:
      h.vector(state.active_dyads);
      break;
    case Component::program: {
      const ProgramState& p = state.program;
      h.vector(p.arm);
      h.vector(p.eligible);
      h.vector(p.enrolled);
      h.vector(p.role);
      h.vector(p.enrolled_week);
      h.vector(p.matched_week);
      h.vector(p.mentor_load);
      h.vector(p.mentee_load);
      h.vector(p.unmatched_reason);
      h.vector(p.dissolved);
      h.vector(p.search);
      for (const auto& [mentee, mentors] : p.considered) {
        h.value(mentee);
        h.vector(mentors);
      }
      h.vector(p.informal_mentor_load);
      h.vector(p.informal_mentee_load);
      h.vector(p.cascade_generation);
      h.vector(p.network_found);
      h.vector(p.spot_needs);
      h.vector(p.spot_unmet);
      h.vector(p.spot_far);
      break;
    }
    case Component::baseline: {
      const Baseline& b = state.baseline;
      h.values(b.skills.data());
      h.vector(b.confidence);
      h.vector(b.satisfaction);
      h.vector(b.degree);
      h.vector(b.strength);
      h.vector(b.cross_institution_ties);
      h.vector(b.considering_leaving);
      h.vector(b.stage);
      break;
    }
    case Component::meeting_counts:
      h.vector(state.meeting_counts);
      break;
    case Component::enthusiasm:
      h.vector(state.enthusiasm);
      break;
    case Component::research:
      h.vector(state.research.papers);
      h.vector(state.research.new_directions);
      state.research.partners.for_each_array([&](auto values) { h.values(values); });
      break;
    case Component::leadership_flows:
      h.vector(state.leadership_flows.to_mentor);
      h.vector(state.leadership_flows.to_mentee);
      break;
    case Component::matching_log:
      for (const MatchingRecord& r : state.matching_log) {
        h.value(r.arm);
        h.value(r.step);
        h.value(r.mentees);
        h.value(r.pairs);
        h.vector(r.unmatched);
        h.vector(r.reasons);
        h.value(r.exact);
        h.value(r.optimality_gap);
      }
      h.value(state.matching_log.size());
      break;
  }
  return h.result();
}

SimulationState::SimulationState(const Scenario& s, Replicate replicate, World world)
    : scenario(&s),
      random(s.run().seed, replicate),
      network_report(world.network_report),
      population(std::move(world.population)),
      network(std::move(world.network)) {
  const std::size_t n = population.size();
  // Room for the hires the run expects (planned_agent_rows), in every per-agent array, so that hires
  // extend the arrays in place. Reserved, not touched: the memory is used only as hires arrive.
  const std::size_t rows = planned_agent_rows(s, population);
  population.reserve(rows);
  program.reserve(rows);
  baseline.reserve(rows);
  meeting_counts.reserve(rows);
  skills_next.reserve(rows);
  research.reserve(rows);
  enthusiasm.reserve(rows);
  program.resize(n);
  baseline.resize(n);
  meeting_counts.assign(n, 0);
  skills_next.resize(n);
  population.flattening.assign(population.units.size(), 0.0f);
  research.resize(n);
  enthusiasm.resize(n);
  // Each agent's entries are its own (its own stream, its own baseline row), so agents in parallel.
  const TurnoverParams& turnover = s.dynamics().turnover;
  parallel::for_each(n, [&](std::size_t i) {
    const auto a = static_cast<AgentId>(i);
    enthusiasm[a] = static_cast<float>(enthusiasm_rest(s.dynamics(), population.workload[a]));
    population.intent_to_leave[a] = static_cast<float>(intent_to_leave(turnover, population.satisfaction[a]));
    // Whether the agent considers leaving at week 0: the stationary state of the switching process.
    population.considering_leaving[a] =
        random.stream(0, Purpose::considering_leaving, a).uniform() < population.intent_to_leave[a] ? 1 : 0;
    record_baseline(baseline, population, network, a);
  });
}

void record_baseline(Baseline& baseline, const Population& population, const CollegialNetwork& network, AgentId a) {
  for (std::size_t d = 0; d < kDomains; ++d) baseline.skills.at(a, d) = population.skills.at(a, d);
  baseline.confidence[a] = population.confidence[a];
  baseline.satisfaction[a] = population.satisfaction[a];
  baseline.degree[a] = network.degree(a);
  float strength = 0.0f;
  std::uint32_t cross = 0;
  const auto row = network.neighbors(a);
  const auto w = network.weights(a);
  for (std::size_t k = 0; k < row.size(); ++k) {
    strength += w[k];
    cross += population.institution[row[k]] != population.institution[a] ? 1 : 0;
  }
  baseline.strength[a] = strength;
  baseline.cross_institution_ties[a] = cross;
  baseline.considering_leaving[a] = population.considering_leaving[a];
  baseline.stage[a] = population.stage[a];
}

void DyadConstants::extend(const DyadTable& dyads, const Population& population, const Scenario& scenario) {
  const double time_required = scenario.dynamics().meetings.time_required;
  const StatusParams& status = scenario.dynamics().status;
  const std::size_t from = size();
  if (from >= dyads.size()) return;
  mentor_availability.resize(dyads.size());
  mentee_availability.resize(dyads.size());
  power_hierarchy.resize(dyads.size());
  mentee_unit.resize(dyads.size());
  // Each dyad's entries are its own (week 0 adds the informal dyads of about half the staff).
  parallel::for_each(dyads.size() - from, [&](std::size_t k) {
    const auto d = static_cast<DyadId>(from + k);
    const AgentId mentor = dyads.mentor[d];
    const AgentId mentee = dyads.mentee[d];
    const double time = time_required * meeting_time_factor(scenario, population, dyads, d);
    mentor_availability[d] = availability(population, mentor, time);
    mentee_availability[d] = availability(population, mentee, time);
    // Peers (same stage at formation) feel no power distance from stage, even after a promotion.
    power_hierarchy[d] = population.institutions[population.institution[mentee]].hierarchy *
                         dyad_power_distance(population, mentor, mentee, status, dyads.type[d] != DyadType::peer);
    mentee_unit[d] = population.unit[mentee];
  });
}

double availability(const Population& population, AgentId a, double time_required) {
  return std::min(1.0, static_cast<double>(population.time_budget[a]) / time_required);
}

double virtual_share(const Scenario& scenario, const DyadTable& dyads, DyadId d) {
  if (dyads.formation[d] == Formation::informal) return 0.0;
  switch (program_of(scenario, dyads, d).meeting_mode) {
    case MeetingMode::in_person:
      return 0.0;
    case MeetingMode::virtual_:
      return 1.0;
    case MeetingMode::blended:
      return scenario.dynamics().meetings.blended_virtual_share;
  }
  return 0.0;
}

double meeting_time_factor(const Scenario& scenario, const Population& population, const DyadTable& dyads, DyadId d) {
  const MeetingParams& p = scenario.dynamics().meetings;
  const double v = virtual_share(scenario, dyads, d);
  // In person without a travel cost (the default) a meeting takes exactly its time, wherever the partners
  // work: the partners' institutions are not looked up (two random reads per dyad and week).
  if (v == 0.0 && p.cross_institution_travel == 0.0) return 1.0;
  const bool across = population.institution[dyads.mentor[d]] != population.institution[dyads.mentee[d]];
  const double in_person = across ? 1.0 + p.cross_institution_travel : 1.0;
  if (v == 0.0) return in_person;  // exactly the in-person time, whatever the virtual keys
  return (1.0 - v) * in_person + v * p.virtual_time_factor;
}

double bond_factor(const Scenario& scenario, const DyadTable& dyads, DyadId d) {
  const double v = virtual_share(scenario, dyads, d);
  if (v == 0.0) return 1.0;
  return (1.0 - v) + v * scenario.dynamics().ties.virtual_bond_factor;
}

std::unordered_map<DyadId, int> circle_sizes(const std::vector<DyadId>& active, const DyadTable& dyads) {
  // The circles' dyads are found in parallel (most active dyads are not in a circle), then counted.
  std::unordered_map<DyadId, int> sizes;
  const auto members = parallel::indices_where<std::size_t>(active.size(), [&](std::size_t k) {
    return dyads.active(active[k]) && dyads.type[active[k]] == DyadType::group;
  });
  for (std::size_t k : members) ++sizes[dyads.group[active[k]]];
  return sizes;
}

}  // namespace mentorsim
