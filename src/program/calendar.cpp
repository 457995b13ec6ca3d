#include "mentorsim/program/calendar.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <limits>
#include <map>

#include "mentorsim/core/apportion.hpp"
#include "mentorsim/core/parallel.hpp"
#include "mentorsim/program/pairing/assigned_optimal.hpp"
#include "mentorsim/program/pairing/assigned_random.hpp"
#include "mentorsim/program/pairing/self_identified.hpp"
#include "mentorsim/program/teaching.hpp"

namespace mentorsim {

std::unique_ptr<PairingStrategyBase> make_pairing(const ProgramSpec& program) {
  switch (program.strategy) {
    case PairingStrategy::assigned_random:
      return std::make_unique<AssignedRandomPairing>();
    case PairingStrategy::assigned_optimal:
      return std::make_unique<AssignedOptimalPairing>();
    case PairingStrategy::self_identified:
    case PairingStrategy::hybrid:
      return std::make_unique<SelfIdentifiedPairing>();  // hybrid: first phase
  }
  return std::make_unique<AssignedRandomPairing>();
}

namespace {

// Items (agents or units) in random order split into consecutive runs of the apportioned sizes.
std::vector<ArmId> split_by_shares(std::size_t items, const std::vector<ArmSpec>& arms, const RandomSource& random,
                                   Step sub_step) {
  std::vector<double> shares;
  for (const auto& arm : arms) shares.push_back(arm.share);
  const auto counts = apportion(items, shares);
  std::vector<std::pair<std::uint64_t, std::size_t>> order(items);
  for (std::size_t k = 0; k < items; ++k) {
    Stream s = random.stream(sub_step, Purpose::arm_assignment, static_cast<std::uint32_t>(k));
    order[k] = {(static_cast<std::uint64_t>(s.next_u32()) << 32) | k, k};
  }
  std::sort(order.begin(), order.end());
  std::vector<ArmId> out(items, 0);
  std::size_t position = 0;
  for (ArmId arm = 0; arm < counts.size(); ++arm) {
    for (std::uint64_t c = 0; c < counts[arm]; ++c) out[order[position++].second] = arm;
  }
  return out;
}

}  // namespace

void assign_arms(ProgramState& program, const Population& population, const std::vector<ArmSpec>& arms,
                 const RandomisationSpec& randomisation, const RandomSource& random) {
  program.resize(population.size());
  if (arms.size() <= 1) {
    std::fill(program.arm.begin(), program.arm.end(), ArmId{0});
    return;
  }
  if (randomisation.method == RandomisationMethod::cluster) {
    const auto unit_arm = split_by_shares(population.units.size(), arms, random, 1);
    for (AgentId a = 0; a < population.size(); ++a) program.arm[a] = unit_arm[population.unit[a]];
  } else {
    program.arm = split_by_shares(population.size(), arms, random, 0);
  }
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
                 Formation formation, DyadId group, Step step, double fit, float fit_perceived, std::uint8_t domains) {
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
  d.complementarity = static_cast<float>(complementarity(world.population, mentor, mentee, d.type, domains));
  d.domains = domains;
  d.fit = static_cast<float>(fit);
  d.fit_perceived = fit_perceived;
  double q = rel.initial_quality + rel.similarity_weight * (d.similarity - 0.5) + rel.fit_quality_weight * fit;
  if (formation == Formation::self_identified) q += rel.self_identified_bonus;
  d.quality = static_cast<float>(std::clamp(q, 0.0, 1.0));
  d.trained = spec.program.mentor_training;
  d.prepared = spec.program.mentee_preparation;
  d.planned_end = spec.program.wave_start(step) + spec.program.duration_weeks;  // the end of the program or its wave
  const DyadId id = world.dyads.add(d, step);
  ProgramState& program = world.program;
  // Mentor training pays off when the trained mentor first mentors, not at enrolment: enrolled mentors
  // who never get a mentee gain nothing.
  if (spec.program.mentor_training && (program.role[mentor] & kMentorRole) == 0) {
    float& c = world.confidence[mentor];
    c += static_cast<float>(scenario.dynamics().confidence.training_boost * (1.0 - c));
  }
  program.role[mentor] |= kMentorRole;
  program.role[mentee] |= kMenteeRole;
  ++program.mentor_load[mentor];
  ++program.mentee_load[mentee];
  if (program.matched_week[mentee] == kNever) program.matched_week[mentee] = step;
  return id;
}

namespace {

// end_dyad's work, safe for distinct dyads on several threads: the places are freed with atomic
// decrements (a dyad's own columns are its own), so dyads can end in any order.
void end_one(DyadTable& dyads, ProgramState& program, DyadId d, Step step, EndReason reason) {
  const auto release = [](std::uint16_t& load) {
    std::atomic_ref<std::uint16_t>(load).fetch_sub(1, std::memory_order_relaxed);
  };
  if (!dyads.active(d)) return;
  dyads.finish(d, step, reason);
  if (dyads.formation[d] == Formation::informal) {  // outside the program: its own loads, no re-matching
    release(program.informal_mentor_load[dyads.mentor[d]]);
    release(program.informal_mentee_load[dyads.mentee[d]]);
    return;
  }
  if (reason != EndReason::program_end) {
    std::atomic_ref<std::uint8_t>(program.dissolved[dyads.mentee[d]]).store(1, std::memory_order_relaxed);
  }
  release(program.mentor_load[dyads.mentor[d]]);
  release(program.mentee_load[dyads.mentee[d]]);
}

}  // namespace

void end_dyad(DyadTable& dyads, ProgramState& program, DyadId d, Step step, EndReason reason) {
  end_one(dyads, program, d, step, reason);
}

void end_dyads(DyadTable& dyads, ProgramState& program, std::span<const DyadId> ids, Step step,
               std::span<const EndReason> reasons) {
  parallel::for_each(
      ids.size(), [&](std::size_t k) { end_one(dyads, program, ids[k], step, reasons[k]); }, 1024);
}

void end_dyads(DyadTable& dyads, ProgramState& program, std::span<const DyadId> ids, Step step, EndReason reason) {
  parallel::for_each(
      ids.size(), [&](std::size_t k) { end_one(dyads, program, ids[k], step, reason); }, 1024);
}

namespace {

// The domains of the next mentor a network mentee seeks (docs/model.md 7.20).
std::uint8_t network_domains_of(const ProgramSpec& p, AgentId mentee, const ProgramState& program) {
  const std::size_t next = std::min<std::size_t>(program.network_found[mentee], p.network_domains.size() - 1);
  return p.network_domains[next];
}

// The first domain set (in the order of network_domains) that each network mentee of the arm (this wave:
// enrolled at or after `since`) held once and no longer holds, because a dyad of theirs ended early
// (docs/model.md 7.20), as (mentee, mask). Mentees with none are left out.
std::vector<std::pair<AgentId, std::uint8_t>> freed_sets(const ProgramWorld& world, const ProgramSpec& p, ArmId arm,
                                                         Step since) {
  const Population& pop = world.population;
  const ProgramState& program = world.program;
  const DyadTable& dyads = world.dyads;
  std::vector<std::uint8_t> held(pop.size(), 0);  // bit j: holds a dyad for the j-th domain set
  for (DyadId d = 0; d < dyads.size(); ++d) {
    if (!dyads.active(d) || dyads.arm[d] != arm || dyads.formation[d] == Formation::informal) continue;
    const auto set = std::find(p.network_domains.begin(), p.network_domains.end(), dyads.domains[d]);
    if (set != p.network_domains.end())
      held[dyads.mentee[d]] |= static_cast<std::uint8_t>(1u << (set - p.network_domains.begin()));
  }
  std::vector<std::pair<AgentId, std::uint8_t>> out;
  for (AgentId a = 0; a < pop.size(); ++a) {
    if (program.arm[a] != arm || !pop.active(a) || !(program.enrolled[a] & kMenteeRole)) continue;
    if (program.enrolled_week[a] == kNever || program.enrolled_week[a] < since) continue;
    const std::size_t found = std::min<std::size_t>(program.network_found[a], p.network_domains.size());
    for (std::size_t j = 0; j < found; ++j) {
      if (!(held[a] & (1u << j))) {
        out.emplace_back(a, p.network_domains[j]);
        break;
      }
    }
  }
  return out;
}

// One matching round of an arm for the given mentees, with the mentors' free places. `search`: a week
// of the mentees' self-identified search, which reads and updates what their search met so far (the
// mentors considered, the kSearch* bits); otherwise a round of its own (assigners, re-matching).
// `refill` (network re-matching, same order as mentees): the freed domain set each mentee seeks again;
// empty: each network mentee seeks its next set, network_domains[network_found].
MatchingRecord match_round(ProgramWorld& world, const Scenario& scenario, const RandomSource& random, ArmId arm,
                           Step step, std::vector<AgentId> mentees, const PairingStrategyBase& strategy,
                           Formation assigned_formation, bool search = false, std::uint32_t round = 0,
                           const std::vector<std::uint8_t>& refill = {}) {
  const ProgramSpec& p = scenario.arms()[arm].program;
  const Population& pop = world.population;
  ProgramState& program = world.program;
  PairingInput input;
  input.population = &pop;
  input.network = &world.network;
  input.type = dyad_type_of(p.kind);
  input.constraints = PairingConstraints{p.cross_institution, p.cross_profession, p.kind == ProgramKind::peer};
  input.random = random;
  input.step = step;
  if (round > 0) {  // a network program's later assigned rounds draw from streams of their own (7.20)
    input.step = step * 8 + static_cast<Step>(round);
    input.pairing_purpose = Purpose::network_pairing;
  }
  input.approach = scenario.dynamics().approach;
  input.status = scenario.dynamics().status;
  input.directory_visibility = p.directory_visibility;
  input.time_required = scenario.dynamics().meetings.time_required;
  input.assigned_formation = assigned_formation;
  input.fit_random = random;
  input.mentees = std::move(mentees);
  std::map<AgentId, std::uint8_t> sought;  // network: the domain set each mentee seeks in this round
  if (p.network()) {
    // Each network mentee seeks the mentor of its next domain set, never one it already has (7.20).
    std::map<AgentId, std::vector<AgentId>> current;
    for (AgentId a : input.mentees) {
      if (program.network_found[a] > 0) current.emplace(a, std::vector<AgentId>{});
    }
    for (DyadId d = 0; d < world.dyads.size() && !current.empty(); ++d) {
      if (!world.dyads.active(d) || world.dyads.formation[d] == Formation::informal) continue;
      if (auto it = current.find(world.dyads.mentee[d]); it != current.end())
        it->second.push_back(world.dyads.mentor[d]);
    }
    input.domains.reserve(input.mentees.size());
    input.excluded.resize(input.mentees.size());
    for (std::size_t k = 0; k < input.mentees.size(); ++k) {
      const AgentId a = input.mentees[k];
      input.domains.push_back(refill.empty() ? network_domains_of(p, a, program) : refill[k]);
      sought.emplace(a, input.domains.back());
      if (auto it = current.find(a); it != current.end()) input.excluded[k] = it->second;
    }
  }
  input.mentors = parallel::indices_where<AgentId>(pop.size(), [&](std::size_t i) {
    const auto a = static_cast<AgentId>(i);
    return program.arm[a] == arm && pop.active(a) && (program.enrolled[a] & kMentorRole) &&
           program.mentor_load[a] < p.mentor_capacity;
  });
  input.capacity.reserve(input.mentors.size());
  for (AgentId a : input.mentors) input.capacity.push_back(p.mentor_capacity - program.mentor_load[a]);
  input.pool = parallel::indices_where<AgentId>(pop.size(), [&](std::size_t i) {
    const auto a = static_cast<AgentId>(i);
    return program.arm[a] == arm && pop.active(a) && (program.enrolled[a] & kMentorRole);
  });
  if (search) {
    input.considered.resize(input.mentees.size());
    input.search.resize(input.mentees.size());
    for (std::size_t k = 0; k < input.mentees.size(); ++k) {
      const AgentId a = input.mentees[k];
      if (auto it = program.considered.find(a); it != program.considered.end()) input.considered[k] = it->second;
      input.search[k] = program.search[a];
    }
  }
  const PairingResult result = strategy.pair(input);
  if (search) {
    for (std::size_t k = 0; k < result.search.size(); ++k) {
      const AgentId a = input.mentees[k];
      program.search[a] = result.search[k];
      program.considered[a] = result.considered[k];
    }
    for (const Pair& pair : result.pairs) {
      // A network mentee still missing mentors keeps what it considered: it approaches nobody twice.
      if (!p.network() || program.network_found[pair.mentee] + 1u >= p.mentors_per_mentee) {
        program.considered.erase(pair.mentee);
      }
    }
  }
  // Group mentoring: a mentor's mentees of this round form one circle, identified by its first dyad.
  std::map<AgentId, DyadId> circle;
  for (const Pair& pair : result.pairs) {
    DyadId group = kNoDyad;
    if (p.kind == ProgramKind::group) {
      if (auto it = circle.find(pair.mentor); it != circle.end()) group = it->second;
    }
    const std::uint8_t domains = p.network() ? sought.at(pair.mentee) : kAllDomains;
    const DyadId id = form_dyad(world, scenario, pair.mentor, pair.mentee, arm, pair.formation, group, step,
                                pair_fit(random, pair.mentor, pair.mentee), pair.fit_perceived, domains);
    if (p.network() && refill.empty()) ++program.network_found[pair.mentee];
    if (p.kind == ProgramKind::group) circle.emplace(pair.mentor, id);
    program.unmatched_reason[pair.mentee] = kNotUnmatched;
    program.dissolved[pair.mentee] = 0;
  }
  for (std::size_t k = 0; k < result.unmatched.size(); ++k) {
    program.unmatched_reason[result.unmatched[k]] = static_cast<std::uint8_t>(result.reasons[k]);
  }
  MatchingRecord record;
  record.arm = arm;
  record.step = step;
  record.mentees = input.mentees.size();
  record.pairs = result.pairs.size();
  record.unmatched = result.unmatched;
  record.reasons = result.reasons;
  record.exact = result.exact;
  record.optimality_gap = result.optimality_gap;
  return record;
}

// Enrolment at the arm's start week: eligibility, uptake draws.
std::vector<AgentId> enrol(ProgramWorld& world, const Scenario& scenario, const RandomSource& random, ArmId arm,
                           Step step) {
  const ArmSpec& spec = scenario.arms()[arm];
  const ProgramSpec& p = spec.program;
  const Population& pop = world.population;
  ProgramState& program = world.program;
  std::vector<AgentId> mentees;
  for (AgentId a = 0; a < pop.size(); ++a) {
    if (program.arm[a] != arm || !pop.active(a)) continue;
    const std::uint8_t eligible = eligibility(pop, a, spec);
    program.eligible[a] = eligible;
    if (eligible == 0) continue;
    // Two words per agent: mentee uptake, then mentor uptake (common to every arm and design).
    Stream stream = random.stream(step, Purpose::enrollment, a);
    const double u_mentee = stream.uniform();
    const double u_mentor = stream.uniform();
    bool as_mentee = u_mentee < p.uptake && (eligible & kMenteeRole);
    bool as_mentor = u_mentor < p.mentor_uptake && (eligible & kMentorRole);
    if (p.kind == ProgramKind::peer) {
      // Peers enrol by uptake alone; the second word splits them into the two roles of a pair, half
      // each (an agent eligible for one role only takes that one).
      const bool enrols = u_mentee < p.uptake;
      const bool mentor_role = (eligible & kMentorRole) && (u_mentor < 0.5 || !(eligible & kMenteeRole));
      as_mentor = enrols && mentor_role;
      as_mentee = enrols && !mentor_role && (eligible & kMenteeRole);
    }
    if (as_mentee) {
      program.enrolled[a] |= kMenteeRole;
      program.enrolled_week[a] = step;
      mentees.push_back(a);
    }
    if (as_mentor) {
      program.enrolled[a] |= kMentorRole;
      program.cascade_generation[a] = 0;
    }
  }
  return mentees;
}

// Enrolment at the start of a later wave of a cascading arm (docs/model.md 7.19): staff of the arm
// eligible as mentees now who never enrolled in any role enrol with probability uptake (the first word
// of their enrolment stream of this week). No new mentors enrol: the wave's mentors are the arm's
// mentors so far and its graduates.
std::vector<AgentId> enrol_wave(ProgramWorld& world, const Scenario& scenario, const RandomSource& random, ArmId arm,
                                Step step) {
  const ArmSpec& spec = scenario.arms()[arm];
  const Population& pop = world.population;
  ProgramState& program = world.program;
  std::vector<AgentId> mentees;
  for (AgentId a = 0; a < pop.size(); ++a) {
    if (program.arm[a] != arm || !pop.active(a)) continue;
    const std::uint8_t eligible = eligibility(pop, a, spec) & kMenteeRole;
    program.eligible[a] |= eligible;
    if (eligible == 0 || program.enrolled[a] != 0) continue;
    Stream stream = random.stream(step, Purpose::enrollment, a);
    if (stream.uniform() < spec.program.uptake) {
      program.enrolled[a] |= kMenteeRole;
      program.enrolled_week[a] = step;
      mentees.push_back(a);
    }
  }
  return mentees;
}

// The end of a wave of a cascading arm that has a next wave (docs/model.md 7.19): every mentee whose
// program dyad completed the wave (ended this week at its planned end, after at least one meeting),
// who is not yet a mentor, and whose mean skill over the domains its mentor taught is at least
// cascade_threshold graduates: it mentors in the later waves, one generation below its mentor, if that
// generation is at most cascade_depth. Dyads in id order.
void graduate(ProgramWorld& world, const ProgramSpec& p, ArmId arm, Step step) {
  const Population& pop = world.population;
  const DyadTable& dyads = world.dyads;
  ProgramState& program = world.program;
  for (DyadId d = 0; d < dyads.size(); ++d) {
    if (dyads.arm[d] != arm || dyads.end[d] != step || dyads.end_reason[d] != EndReason::program_end ||
        dyads.formation[d] == Formation::informal || dyads.meetings[d] == 0) {
      continue;
    }
    const AgentId mentee = dyads.mentee[d];
    if (!pop.active(mentee) || (program.enrolled[mentee] & kMentorRole)) continue;
    const std::uint8_t generation = program.cascade_generation[dyads.mentor[d]];
    if (generation == kNoGeneration || generation + 1u > p.cascade_depth) continue;
    if (taught_skill(pop, mentee, dyads.type[d], dyads.domains[d]) < p.cascade_threshold) continue;
    program.enrolled[mentee] |= kMentorRole;
    program.cascade_generation[mentee] = static_cast<std::uint8_t>(generation + 1);
  }
}

// Spot mentoring, one week of a running spot arm (docs/model.md 7.21). Every enrolled seeker of the arm
// without an active consultation has a need with probability spot_rate (word 0 of its stream (week,
// spot, seeker)); its domain is drawn with weights 1 - s_d (word pair 1). Its candidates are its active
// 1- and 2-hop contacts of the arm and the directory's experts it sees (each expert with probability
// directory_visibility: all at 1, else a Poisson number of uniform picks, at most directory_max), who
// meet the hard constraints and whose skill in the domain exceeds its own by spot_min_gap, ranked by
// that skill (ties: lower id). Needs are booked in the seekers' random order (the next word): the
// seeker gets the best-ranked candidate with a free place (mentor_capacity), a dyad of type spot on the
// need's domain that ends the next week; a need nobody takes is unmet.
void spot_round(ProgramWorld& world, const Scenario& scenario, const RandomSource& random, ArmId arm, Step step) {
  const ProgramSpec& p = scenario.arms()[arm].program;
  const Population& pop = world.population;
  const CollegialNetwork& net = world.network;
  ProgramState& program = world.program;
  const PairingConstraints constraints{p.cross_institution, p.cross_profession, false};
  const auto experts = parallel::indices_where<AgentId>(pop.size(), [&](std::size_t i) {
    const auto a = static_cast<AgentId>(i);
    return program.arm[a] == arm && pop.active(a) && (program.enrolled[a] & kMentorRole);
  });
  const auto seekers = parallel::indices_where<AgentId>(pop.size(), [&](std::size_t i) {
    const auto a = static_cast<AgentId>(i);
    return program.arm[a] == arm && pop.active(a) && (program.enrolled[a] & kMenteeRole) && program.mentee_load[a] == 0;
  });
  struct Need {
    std::uint64_t order = 0;
    AgentId seeker = kNoAgent;
    Domain domain = Domain::clinical;
    std::vector<std::pair<AgentId, bool>> candidates;  // ranked; bool: a direct contact
  };
  std::vector<Need> needs(seekers.size());
  const double visible_expected = p.directory_visibility * static_cast<double>(experts.size());
  const std::uint32_t directory_max = scenario.dynamics().approach.directory_max;
  parallel::for_each(
      seekers.size(),
      [&](std::size_t k) {
        const AgentId seeker = seekers[k];
        Stream stream = random.stream(step, Purpose::spot, seeker);
        if (stream.uniform() >= p.spot_rate) return;
        std::array<double, kDomains> weight{};
        for (std::size_t d = 0; d < kDomains; ++d) weight[d] = 1.0 - pop.skills.at(seeker, d);
        Need& need = needs[k];
        need.seeker = seeker;
        need.order = seeker;
        if (std::all_of(weight.begin(), weight.end(), [](double w) { return w <= 0.0; })) return;  // nothing to learn
        need.domain = enum_at<Domain>(stream.categorical(weight));
        const double wanted = pop.skills(seeker, need.domain) + p.spot_min_gap;
        std::vector<std::pair<AgentId, bool>> seen;
        auto consider = [&](AgentId c, bool direct) {
          if (c == seeker || !pop.active(c) || program.arm[c] != arm) return;
          if (pop.skills(c, need.domain) < wanted || !is_feasible(pop, c, seeker, constraints)) return;
          seen.emplace_back(c, direct);
        };
        for (AgentId n : net.neighbors(seeker)) {
          consider(n, true);
          if (!pop.active(n)) continue;
          for (AgentId second : net.neighbors(n)) consider(second, false);
        }
        if (!experts.empty() && p.directory_visibility >= 1.0) {
          for (AgentId e : experts) consider(e, false);
        } else if (!experts.empty() && visible_expected > 0.0) {
          const std::uint32_t visible = std::min(stream.poisson(visible_expected), directory_max);
          for (std::uint32_t v = 0; v < visible; ++v) {
            consider(experts[stream.below(static_cast<std::uint32_t>(experts.size()))], false);
          }
        }
        need.order = (static_cast<std::uint64_t>(stream.next_u32()) << 32) | seeker;
        // One entry per candidate, a direct contact if it was seen as one; best skill first, then lower id.
        std::sort(seen.begin(), seen.end(), [](const auto& x, const auto& y) {
          return x.first != y.first ? x.first < y.first : x.second > y.second;
        });
        seen.erase(
            std::unique(seen.begin(), seen.end(), [](const auto& x, const auto& y) { return x.first == y.first; }),
            seen.end());
        std::stable_sort(seen.begin(), seen.end(), [&](const auto& x, const auto& y) {
          return pop.skills(x.first, need.domain) > pop.skills(y.first, need.domain);
        });
        need.candidates = std::move(seen);
      },
      64);
  std::erase_if(needs, [](const Need& n) { return n.seeker == kNoAgent; });
  std::sort(needs.begin(), needs.end(), [](const Need& x, const Need& y) { return x.order < y.order; });
  for (const Need& need : needs) {
    ++program.spot_needs[need.seeker];
    const auto free = std::find_if(need.candidates.begin(), need.candidates.end(),
                                   [&](const auto& c) { return program.mentor_load[c.first] < p.mentor_capacity; });
    if (free == need.candidates.end()) {
      ++program.spot_unmet[need.seeker];
      continue;
    }
    const AgentId expert = free->first;
    const DyadId d = form_dyad(world, scenario, expert, need.seeker, arm, Formation::self_identified, kNoDyad, step,
                               pair_fit(random, expert, need.seeker), std::numeric_limits<float>::quiet_NaN(),
                               domain_bit(need.domain));
    world.dyads.planned_end[d] = step + 1;
    if (!free->second) ++program.spot_far[need.seeker];
  }
}

// The self-identifying mentees of the arm who search this week: enrolled (in this wave: at or after
// `since`), never matched, and enrolled fewer than `patience` weeks ago. Those who reach `patience`
// weeks unmatched this week give up: flag kSearchGaveUp, and their considered mentors are forgotten.
std::vector<AgentId> searching(ProgramWorld& world, const ProgramSpec& p, ArmId arm, Step step, Step patience,
                               Step since) {
  const Population& pop = world.population;
  ProgramState& program = world.program;
  // A network mentee searches until it has all its mentors (7.20), any other mentee until its first.
  auto never_matched = [&](AgentId a) {
    const bool missing =
        p.network() ? program.network_found[a] < p.mentors_per_mentee : program.matched_week[a] == kNever;
    return program.arm[a] == arm && pop.active(a) && (program.enrolled[a] & kMenteeRole) && missing &&
           program.enrolled_week[a] != kNever && program.enrolled_week[a] >= since;
  };
  const auto giving_up = parallel::indices_where<AgentId>(pop.size(), [&](std::size_t i) {
    const auto a = static_cast<AgentId>(i);
    return never_matched(a) && step - program.enrolled_week[a] == patience;
  });
  for (AgentId a : giving_up) {
    if (program.matched_week[a] == kNever) program.search[a] |= kSearchGaveUp;
    program.considered.erase(a);
  }
  return parallel::indices_where<AgentId>(pop.size(), [&](std::size_t i) {
    const auto a = static_cast<AgentId>(i);
    return never_matched(a) && step - program.enrolled_week[a] < patience;
  });
}

// Enrolled network mentees of the arm (this wave) with fewer than mentors_per_mentee mentors found.
std::vector<AgentId> missing_network(const ProgramWorld& world, const ProgramSpec& p, ArmId arm, Step since) {
  const Population& pop = world.population;
  const ProgramState& program = world.program;
  return parallel::indices_where<AgentId>(pop.size(), [&](std::size_t i) {
    const auto a = static_cast<AgentId>(i);
    return program.arm[a] == arm && pop.active(a) && (program.enrolled[a] & kMenteeRole) &&
           program.enrolled_week[a] != kNever && program.enrolled_week[a] >= since &&
           program.network_found[a] < p.mentors_per_mentee;
  });
}

// Forgets the considered mentors of the arm's mentees (their search has ended with the program or phase).
void end_search(ProgramState& program, ArmId arm) {
  std::erase_if(program.considered, [&](const auto& entry) { return program.arm[entry.first] == arm; });
}

// Enrolled mentees of the arm (in this wave: enrolled at or after `since`) without an active dyad as
// mentee, optionally only those whose dyad dissolved.
std::vector<AgentId> seeking(const ProgramWorld& world, ArmId arm, bool only_dissolved, Step since) {
  const Population& pop = world.population;
  const ProgramState& program = world.program;
  return parallel::indices_where<AgentId>(pop.size(), [&](std::size_t i) {
    const auto a = static_cast<AgentId>(i);
    if (program.arm[a] != arm || !pop.active(a) || !(program.enrolled[a] & kMenteeRole)) return false;
    if (program.enrolled_week[a] < since) return false;
    if (program.mentee_load[a] > 0) return false;
    return only_dissolved ? program.dissolved[a] != 0 : program.matched_week[a] == kNever;
  });
}

}  // namespace

std::vector<MatchingRecord> run_calendar(ProgramWorld& world, const Scenario& scenario, const RandomSource& random,
                                         Step step) {
  std::vector<MatchingRecord> records;
  // Dyads that reach their planned end finish first, so their mentors are free for new rounds.
  const auto ending = parallel::indices_where<DyadId>(world.dyads.size(), [&](std::size_t d) {
    return world.dyads.active(static_cast<DyadId>(d)) && world.dyads.planned_end[d] <= step;
  });
  end_dyads(world.dyads, world.program, ending, step, EndReason::program_end);
  for (ArmId arm = 0; arm < scenario.arms().size(); ++arm) {
    const ProgramSpec& p = scenario.arms()[arm].program;
    if (!p.active()) continue;
    // The end of a wave (of the program, without a cascade): searches end; a cascade's mentees graduate.
    if (step > p.start_week && step <= p.end_week() && (step - p.start_week) % p.duration_weeks == 0) {
      end_search(world.program, arm);
      if (step < p.end_week()) graduate(world, p, arm, step);
    }
    if (step < p.start_week || step >= p.end_week()) continue;
    if (p.kind == ProgramKind::spot) {  // seekers and directory experts enrol at the start; needs every week
      if (step == p.start_week) enrol(world, scenario, random, arm, step);
      spot_round(world, scenario, random, arm, step);
      continue;
    }
    // Each wave of a cascade runs the program's calendar from its own start (one wave without a cascade).
    const Step wave = p.wave_start(step);
    const auto strategy = make_pairing(p);
    // Self-identifying mentees search week by week (self_identified; hybrid before its fallback week)
    // from their enrolment week until matched, until they give up after patience_weeks, or until the
    // program (wave) or phase ends. Mentees enrol only at the wave's start week, so nobody searches
    // after wave + patience_weeks.
    const bool self_phase = p.strategy == PairingStrategy::self_identified ||
                            (p.strategy == PairingStrategy::hybrid && step < wave + p.fallback_weeks);
    const auto patience = static_cast<Step>(scenario.dynamics().approach.patience_weeks);
    if (step == wave) {
      std::vector<AgentId> mentees = wave == p.start_week ? enrol(world, scenario, random, arm, step)
                                                          : enrol_wave(world, scenario, random, arm, step);
      // An assigner gives each network mentee its mentors in mentors_per_mentee rounds, one domain set
      // each (7.20); a self-identifying mentee seeks one mentor a week.
      const std::uint32_t rounds = p.network() && !self_phase ? p.mentors_per_mentee : 1;
      for (std::uint32_t round = 0; round < rounds; ++round) {
        std::vector<AgentId> seekers = mentees;
        if (round > 0) {
          std::erase_if(seekers, [&](AgentId a) { return world.program.network_found[a] >= p.mentors_per_mentee; });
        }
        records.push_back(match_round(world, scenario, random, arm, step, std::move(seekers), *strategy,
                                      Formation::assigned, self_phase, round));
      }
      continue;
    }
    if (self_phase && step <= wave + patience) {
      auto searchers = searching(world, p, arm, step, patience, wave);
      if (!searchers.empty()) {
        records.push_back(match_round(world, scenario, random, arm, step, std::move(searchers), *strategy,
                                      Formation::assigned, true));
      }
    }
    if (p.strategy == PairingStrategy::hybrid && step == wave + p.fallback_weeks) {
      end_search(world.program, arm);
      if (!p.network()) {
        records.push_back(match_round(world, scenario, random, arm, step, seeking(world, arm, false, wave),
                                      AssignedRandomPairing{}, Formation::hybrid_fallback));
      } else {
        // The assigned phase completes the networks self-identification began: mentors_per_mentee rounds,
        // each for every mentee still missing mentors, its next domain set (7.20).
        for (std::uint32_t round = 0; round < p.mentors_per_mentee; ++round) {
          records.push_back(match_round(world, scenario, random, arm, step, missing_network(world, p, arm, wave),
                                        AssignedRandomPairing{}, Formation::hybrid_fallback, false, round));
        }
      }
    }
    if (p.rematch && (step - wave) % p.rematch_interval_weeks == 0) {
      const Formation formation =
          p.strategy == PairingStrategy::hybrid ? Formation::hybrid_fallback : Formation::assigned;
      if (!p.network()) {
        auto again = seeking(world, arm, true, wave);
        if (!again.empty()) {
          records.push_back(match_round(world, scenario, random, arm, step, std::move(again), *strategy, formation));
        }
      } else {
        // A network mentee seeks again each domain set whose dyad ended early, the first first: an assigner
        // in up to mentors_per_mentee rounds, a self-identifying mentee one mentor per re-matching week (7.20).
        const bool assigner =
            p.strategy == PairingStrategy::assigned_random || p.strategy == PairingStrategy::assigned_optimal;
        const std::uint32_t rounds = assigner ? p.mentors_per_mentee : 1;
        for (std::uint32_t round = 0; round < rounds; ++round) {
          const auto freed = freed_sets(world, p, arm, wave);
          if (freed.empty()) break;
          std::vector<AgentId> again;
          std::vector<std::uint8_t> sets;
          for (const auto& [mentee, domains] : freed) {
            again.push_back(mentee);
            sets.push_back(domains);
          }
          records.push_back(match_round(world, scenario, random, arm, step, std::move(again), *strategy, formation,
                                        false, round, sets));
        }
      }
    }
  }
  return records;
}

}  // namespace mentorsim
