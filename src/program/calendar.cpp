#include "mentorsim/program/calendar.hpp"

#include <algorithm>
#include <map>

#include "mentorsim/program/pairing/assigned_random.hpp"
#include "mentorsim/program/teaching.hpp"

namespace mentorsim {

std::unique_ptr<PairingStrategyBase> make_pairing(const ProgramSpec& program) {
  switch (program.strategy) {
    case PairingStrategy::assigned_random: return std::make_unique<AssignedRandomPairing>();
    default: break;
  }
  return std::make_unique<AssignedRandomPairing>();
}

void assign_arms(ProgramState& program, const Population& population, const std::vector<ArmSpec>& arms,
                 const RandomSource& random) {
  (void)arms;
  (void)random;
  program.resize(population.size());
  std::fill(program.arm.begin(), program.arm.end(), ArmId{0});
}

std::uint8_t eligibility(const Population& population, AgentId a, const ArmSpec& arm) {
  const ProgramSpec& p = arm.program;
  if (!p.active() || !population.active(a)) return 0;
  if (!p.institutions.empty()) {
    const std::string& name = population.institutions[population.institution[a]].name;
    if (std::find(p.institutions.begin(), p.institutions.end(), name) == p.institutions.end()) return 0;
  }
  if (!p.professions.empty() &&
      std::find(p.professions.begin(), p.professions.end(), population.profession[a]) == p.professions.end()) {
    return 0;
  }
  std::uint8_t flags = 0;
  const CareerStage s = population.stage[a];
  if (std::find(p.mentor_stages.begin(), p.mentor_stages.end(), s) != p.mentor_stages.end()) flags |= kMentorRole;
  if (std::find(p.mentee_stages.begin(), p.mentee_stages.end(), s) != p.mentee_stages.end()) flags |= kMenteeRole;
  return flags;
}

DyadId form_dyad(ProgramWorld& world, const Scenario& scenario, AgentId mentor, AgentId mentee, ArmId arm,
                 Formation formation, DyadId group, Step step) {
  const ArmSpec& spec = scenario.arms()[arm];
  const RelationshipParams& rel = scenario.dynamics().relationships;
  NewDyad d;
  d.mentor = mentor;
  d.mentee = mentee;
  d.arm = arm;
  d.type = dyad_type_of(spec.program.kind);
  d.formation = formation;
  d.group = group;
  d.similarity = static_cast<float>(similarity(world.population, mentor, mentee));
  d.complementarity = static_cast<float>(complementarity(world.population, mentor, mentee, d.type));
  double q = rel.initial_quality + rel.similarity_weight * (d.similarity - 0.5);
  if (formation == Formation::self_identified) q += rel.self_identified_bonus;
  d.quality = static_cast<float>(std::clamp(q, 0.0, 1.0));
  d.trained = spec.program.mentor_training;
  d.planned_end = step + spec.program.duration_weeks;
  const DyadId id = world.dyads.add(d, step);
  ProgramState& program = world.program;
  program.role[mentor] |= kMentorRole;
  program.role[mentee] |= kMenteeRole;
  ++program.mentor_load[mentor];
  ++program.mentee_load[mentee];
  if (program.matched_week[mentee] == kNever) program.matched_week[mentee] = step;
  return id;
}

void end_dyad(ProgramWorld& world, DyadId d, Step step, EndReason reason) {
  if (!world.dyads.active(d)) return;
  world.dyads.finish(d, step, reason);
  --world.program.mentor_load[world.dyads.mentor[d]];
  --world.program.mentee_load[world.dyads.mentee[d]];
}

namespace {

MatchingRecord start_arm(ProgramWorld& world, const Scenario& scenario, const RandomSource& random, ArmId arm,
                         Step step) {
  const ArmSpec& spec = scenario.arms()[arm];
  const ProgramSpec& p = spec.program;
  Population& pop = world.population;
  ProgramState& program = world.program;
  PairingInput input;
  input.population = &pop;
  input.network = &world.network;
  input.type = dyad_type_of(p.kind);
  input.constraints = PairingConstraints{p.cross_institution, p.cross_profession};
  input.random = random;
  input.step = step;
  const double boost = scenario.dynamics().confidence.training_boost;
  for (AgentId a = 0; a < pop.size(); ++a) {
    if (program.arm[a] != arm || !pop.active(a)) continue;
    const std::uint8_t eligible = eligibility(pop, a, spec);
    program.eligible[a] = eligible;
    if (eligible == 0) continue;
    // Two words per agent: mentee uptake, then mentor uptake (common to every arm and design).
    Stream stream = random.stream(step, Purpose::enrollment, a);
    const bool as_mentee = stream.uniform() < p.uptake && (eligible & kMenteeRole);
    const bool as_mentor = stream.uniform() < p.mentor_uptake && (eligible & kMentorRole);
    if (as_mentee) {
      program.enrolled[a] |= kMenteeRole;
      program.enrolled_week[a] = step;
      input.mentees.push_back(a);
    }
    if (as_mentor) {
      program.enrolled[a] |= kMentorRole;
      if (p.mentor_training) pop.confidence[a] += static_cast<float>(boost * (1.0 - pop.confidence[a]));
      input.mentors.push_back(a);
      input.capacity.push_back(p.mentor_capacity > program.mentor_load[a] ? p.mentor_capacity - program.mentor_load[a] : 0);
    }
  }
  const PairingResult result = make_pairing(p)->pair(input);
  // Group mentoring: a mentor's mentees of this round form one circle, identified by its first dyad.
  std::map<AgentId, DyadId> circle;
  for (const Pair& pair : result.pairs) {
    DyadId group = kNoDyad;
    if (p.kind == ProgramKind::group) {
      auto it = circle.find(pair.mentor);
      if (it != circle.end()) group = it->second;
    }
    const DyadId id = form_dyad(world, scenario, pair.mentor, pair.mentee, arm, pair.formation, group, step);
    if (p.kind == ProgramKind::group) circle.emplace(pair.mentor, id);
  }
  MatchingRecord record;
  record.arm = arm;
  record.step = step;
  record.unmatched = result.unmatched;
  record.reasons = result.reasons;
  record.optimality_gap = result.optimality_gap;
  return record;
}

}  // namespace

std::vector<MatchingRecord> run_calendar(ProgramWorld& world, const Scenario& scenario, const RandomSource& random,
                                         Step step) {
  std::vector<MatchingRecord> records;
  // Dyads that reach their planned end finish first, so their mentors are free for new rounds.
  for (DyadId d = 0; d < world.dyads.size(); ++d) {
    if (world.dyads.active(d) && world.dyads.planned_end[d] <= step) end_dyad(world, d, step, EndReason::program_end);
  }
  for (ArmId arm = 0; arm < scenario.arms().size(); ++arm) {
    const ProgramSpec& p = scenario.arms()[arm].program;
    if (p.active() && step == p.start_week) records.push_back(start_arm(world, scenario, random, arm, step));
  }
  return records;
}

}  // namespace mentorsim
