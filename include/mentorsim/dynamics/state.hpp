#pragma once
// The shared state of one replicate during a run: the components of dynamics/components.hpp, and the
// context every stage reads (scenario, random source, week). Stages never get this struct writable:
// they get a StageContext (dynamics/stage.hpp) with read-only views and mutable access only to the
// components they declare they write. Each stage reads the state of week t and writes only what it
// declares (its own buffers, or entities it updates in a fixed order), so results do not depend on the
// thread count.

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/core/rng.hpp"
#include "mentorsim/dynamics/components.hpp"
#include "mentorsim/program/calendar.hpp"
#include "mentorsim/program/program_state.hpp"
#include "mentorsim/scenario/scenario.hpp"
#include "mentorsim/world/dyads.hpp"
#include "mentorsim/world/network.hpp"
#include "mentorsim/world/network_generator.hpp"
#include "mentorsim/world/population.hpp"
#include "mentorsim/world/world.hpp"

namespace mentorsim {

// Component::baseline: what each agent was like at week 0, or at hire.
struct Baseline {
  SkillMatrix skills;
  std::vector<float> confidence;
  std::vector<float> satisfaction;
  std::vector<std::uint32_t> degree;
  std::vector<float> strength;
  std::vector<std::uint32_t> cross_institution_ties;
  std::vector<std::uint8_t> considering_leaving;
  std::vector<CareerStage> stage;  // career stage at week 0 or at hire

  // Rows for n agents (record_baseline fills them in).
  void resize(std::size_t n) {
    skills.resize(n);
    for_each_column([n](auto& column) { column.resize(n); });
  }
  void reserve(std::size_t n) {
    skills.reserve(n);
    for_each_column([n](auto& column) { column.reserve(n); });
  }

 private:
  template <class F>
  void for_each_column(F&& f) {
    f(confidence);
    f(satisfaction);
    f(degree);
    f(strength);
    f(cross_institution_ties);
    f(considering_leaving);
    f(stage);
  }
};

// Component::dyad_constants: what never changes in a dyad's life, per dyad id, so that the weekly
// dyad loops read it in dyad order instead of from the two agents: each partner's availability (time
// budgets are fixed), for power imbalance the hierarchy of the mentee's institution times the dyad power
// distance of the mentor toward the mentee (program/teaching.hpp: career stage, profession and minority
// status; 0 for a senior mentor of the same or lower status), and the mentee's unit. The calendar extends it
// when it forms dyads.
struct DyadConstants {
  std::vector<double> mentor_availability;
  std::vector<double> mentee_availability;
  std::vector<double> power_hierarchy;
  std::vector<UnitId> mentee_unit;

  [[nodiscard]] std::size_t size() const noexcept { return mentor_availability.size(); }
  // Adds the entries of the dyads formed since the last call (availability against each dyad's own
  // meeting time, meeting_time below).
  void extend(const DyadTable& dyads, const Population& population, const Scenario& scenario);
};

// Component::leadership_flows (issue 16 outcomes, docs/model.md 7.22): per dyad id, the leadership skill
// the exchange stage has added to its mentor and to its mentee over the dyad's life (teaching flows and
// learning by mentoring). Entries for dyads formed since the last exchange are added by that stage.
struct LeadershipFlows {
  std::vector<float> to_mentor;
  std::vector<float> to_mentee;
};

// The coauthors of each agent's new research directions, a set per agent. Most agents have none and
// few more than one (at 100k staff x 104 weeks: 71 % none, 22 % one, 7 % more), so each agent has one
// slot for its first coauthor and the others are listed per shard of kShard consecutive agents. A
// vector per agent took 24 bytes per agent (300 MB at 10M staff) and an allocation per agent with a
// coauthor.
class CoauthorSets {
 public:
  // Agents a and b share a shard when a / kShard == b / kShard. add() for agents of one shard must not
  // run concurrently: the research stage gives each shard to one task (parallel::for_blocks with this
  // grain).
  static constexpr std::size_t kShard = 1024;

  void resize(std::size_t n) {
    first_.resize(n, kNoAgent);
    shards_.resize((n + kShard - 1) / kShard);
  }
  void reserve(std::size_t n) {
    first_.reserve(n);
    shards_.reserve((n + kShard - 1) / kShard);
  }
  [[nodiscard]] std::size_t size() const noexcept { return first_.size(); }
  // Adds b to a's set; false if it was there already.
  bool add(AgentId a, AgentId b) {
    if (first_[a] == kNoAgent) {
      first_[a] = b;
      return true;
    }
    if (first_[a] == b) return false;
    auto& shard = shards_[a / kShard];
    for (const Entry& e : shard) {
      if (e.agent == a && e.coauthor == b) return false;
    }
    shard.push_back(Entry{a, b});
    return true;
  }
  // a's set, in the order the members were added.
  [[nodiscard]] std::vector<AgentId> of(AgentId a) const {
    std::vector<AgentId> out;
    if (first_[a] == kNoAgent) return out;
    out.push_back(first_[a]);
    for (const Entry& e : shards_[a / kShard]) {
      if (e.agent == a) out.push_back(e.coauthor);
    }
    return out;
  }
  // Calls f(span) over the stored arrays in a fixed order (for the state hash).
  template <class F>
  void for_each_array(F&& f) const {
    f(std::span<const AgentId>(first_));
    for (const auto& shard : shards_) f(std::span<const Entry>(shard));
  }

 private:
  struct Entry {
    AgentId agent;
    AgentId coauthor;
  };
  std::vector<AgentId> first_;              // kNoAgent: an empty set
  std::vector<std::vector<Entry>> shards_;  // the members beyond the first, per shard in the order added
};

// Component::research (issue 16 outcomes, docs/model.md 7.22): per agent, papers led since week 0 or hire,
// how many of them began a new research direction (a first coauthorship with a colleague of another home
// institution or profession), and those coauthors. Rows for hires are added by the research stage.
struct ResearchOutput {
  std::vector<std::uint32_t> papers;
  std::vector<std::uint32_t> new_directions;
  CoauthorSets partners;
  void resize(std::size_t n) {
    papers.resize(n, 0);
    new_directions.resize(n, 0);
    partners.resize(n);
  }
  void reserve(std::size_t n) {
    papers.reserve(n);
    new_directions.reserve(n);
    partners.reserve(n);
  }
};

struct SimulationState {
  SimulationState(const Scenario& scenario, Replicate replicate, World world);
  SimulationState(Scenario&&, Replicate, World) = delete;  // it keeps a pointer to the scenario

  // Context, the same for every stage: read-only.
  const Scenario* scenario;
  RandomSource random;
  Step step = 0;                           // the week being simulated: the state is at week `step` when the step begins
  NetworkGenerationReport network_report;  // how the week-0 network was made

  // Components (the comment names each one's Component).
  Population population;                      // staff, skills, confidence, satisfaction, intent_to_leave, psych_safety
  SkillMatrix skills_next;                    // skills_next: written by exchange and diffusion, which swaps it in
  CollegialNetwork network;                   // network
  std::vector<Tie> new_ties;                  // new_ties: merged into the network at the next tie merge
  DyadTable dyads;                            // dyads; its `met` and `succeeded` are dyad_events
  DyadConstants dyad_constants;               // dyad_constants
  std::vector<DyadId> active_dyads;           // active_dyads: in id order
  ProgramState program;                       // program
  Baseline baseline;                          // baseline
  std::vector<std::uint32_t> meeting_counts;  // meeting_counts: cumulative, so observers take differences
  std::vector<MatchingRecord> matching_log;   // matching_log
  std::vector<float> enthusiasm;              // enthusiasm (issue 16 outcomes; rows for hires added by its stage)
  LeadershipFlows leadership_flows;           // leadership_flows (issue 16 outcomes)
  ResearchOutput research;                    // research (issue 16 outcomes)
};

// Records agent a's current skills, confidence, satisfaction and network position as its baseline.
void record_baseline(Baseline& baseline, const Population& population, const CollegialNetwork& network, AgentId a);

// A checksum of one component's contents (for the test that each stage writes only what it declares).
std::uint64_t checksum(const SimulationState& state, Component component);

// The program of dyad d's arm.
inline const ProgramSpec& program_of(const Scenario& scenario, const DyadTable& dyads, DyadId d) {
  return scenario.arms()[dyads.arm[d]].program;
}

// Nominal weeks between meetings of dyad d: its program's cadence, informal.cadence_weeks for an informal dyad.
inline double cadence_weeks(const Scenario& scenario, const DyadTable& dyads, DyadId d) {
  return dyads.formation[d] == Formation::informal ? scenario.dynamics().informal.cadence_weeks
                                                   : program_of(scenario, dyads, d).cadence_weeks;
}

// body(d) for every dyad d of `active` that is still active, in parallel: body must write only what d
// owns, or update shared state in an order-independent way (atomics).
template <class Body>
void for_each_active_dyad(const std::vector<DyadId>& active, const DyadTable& dyads, Body&& body,
                          std::size_t grain = 1024) {
  parallel::for_each(
      active.size(),
      [&](std::size_t k) {
        const DyadId d = active[k];
        if (dyads.active(d)) body(d);
      },
      grain);
}

// As for_each_active_dyad, and touch(d') for the dyad d' that comes kDyadLookahead places after d in
// the same block, before body(d). For a body that updates per-agent records at random places
// (atomically, so one update waits for the one before): touch prefetches the records the body will
// update a few dyads later, so that their cache misses overlap instead of following one another.
// touch must not change anything, so results are those of for_each_active_dyad.
inline constexpr std::size_t kDyadLookahead = 16;
template <class Touch, class Body>
void visit_active_dyads_ahead(const std::vector<DyadId>& active, const DyadTable& dyads, std::size_t begin,
                              std::size_t end, Touch& touch, Body& body) {
  for (std::size_t k = begin; k < end && k < begin + kDyadLookahead; ++k) touch(active[k]);
  for (std::size_t k = begin; k < end; ++k) {
    if (k + kDyadLookahead < end) touch(active[k + kDyadLookahead]);
    const DyadId d = active[k];
    if (dyads.active(d)) body(d);
  }
}
template <class Touch, class Body>
void for_each_active_dyad_ahead(const std::vector<DyadId>& active, const DyadTable& dyads, Touch&& touch, Body&& body,
                                std::size_t grain = 1024) {
  parallel::for_blocks(active.size(), grain, [&](std::size_t begin, std::size_t end) {
    visit_active_dyads_ahead(active, dyads, begin, end, touch, body);
  });
}
// The same with body(slot, d), slot as in parallel::for_blocks_slotted: a body may add into buffers of
// its slot without atomics.
template <class Touch, class Body>
void for_each_active_dyad_ahead_slotted(const std::vector<DyadId>& active, const DyadTable& dyads, Touch&& touch,
                                        Body&& body, std::size_t grain = 1024) {
  parallel::for_blocks_slotted(active.size(), grain, [&](std::size_t slot, std::size_t begin, std::size_t end) {
    auto in_slot = [&](DyadId d) { body(slot, d); };
    visit_active_dyads_ahead(active, dyads, begin, end, touch, in_slot);
  });
}

// Share of a nominal meeting's time the agent can give: min(1, time_budget / time_required).
double availability(const Population& population, AgentId a, double time_required);

// Share of dyad d's meetings held virtually: 0 in person (and for informal dyads), 1 virtual,
// dynamics.meetings.blended_virtual_share blended.
double virtual_share(const Scenario& scenario, const DyadTable& dyads, DyadId d);

// A meeting of dyad d takes meeting_time_factor times an in-person meeting within one institution:
//   (1 - v) (1 + cross_institution_travel [partners at different home institutions]) + v virtual_time_factor,
// v = virtual_share (docs/model.md 7.8). Exactly 1 for an in-person dyad within one institution, and for
// any in-person dyad at the default cross_institution_travel = 0.
double meeting_time_factor(const Scenario& scenario, const Population& population, const DyadTable& dyads, DyadId d);

// Tie building of a successful meeting of dyad d relative to an in-person one:
// (1 - v) + v virtual_bond_factor (exactly 1 in person).
double bond_factor(const Scenario& scenario, const DyadTable& dyads, DyadId d);

// Active dyads of each group-mentoring circle among `active`, keyed by the circle's id (DyadTable::group).
std::unordered_map<DyadId, int> circle_sizes(const std::vector<DyadId>& active, const DyadTable& dyads);

}  // namespace mentorsim
