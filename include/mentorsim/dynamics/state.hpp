#pragma once
// The state of one replicate during a run, shared by the submodels of the weekly schedule. Each
// submodel reads the state of week t and writes only what it owns (its own buffer, or the entities it
// updates in a fixed order), so results do not depend on the thread count.

#include <array>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/core/rng.hpp"
#include "mentorsim/program/calendar.hpp"
#include "mentorsim/program/program_state.hpp"
#include "mentorsim/scenario/scenario.hpp"
#include "mentorsim/world/dyads.hpp"
#include "mentorsim/world/network.hpp"
#include "mentorsim/world/network_generator.hpp"
#include "mentorsim/world/population.hpp"
#include "mentorsim/world/world.hpp"

namespace mentorsim {

// What each agent was like at week 0, or at hire.
struct Baseline {
  SkillMatrix skills;
  std::vector<float> confidence;
  std::vector<float> satisfaction;
  std::vector<std::uint32_t> degree;
  std::vector<float> strength;
  std::vector<std::uint32_t> cross_institution_ties;
};

struct SimulationState {
  SimulationState(const Scenario& scenario, Replicate replicate, World world);
  SimulationState(Scenario&&, Replicate, World) = delete;  // it keeps a pointer to the scenario

  const Scenario* scenario;
  RandomSource random;
  Step step = 0;  // the week being simulated: the state is at week `step` when the step begins

  Population population;
  CollegialNetwork network;
  CollegialNetwork spare_network;  // the network before the last tie merge: storage for the next merge
  NetworkGenerationReport network_report;
  DyadTable dyads;
  ProgramState program;
  Baseline baseline;
  std::vector<float> psych_safety_initial;  // per unit

  std::uint64_t next_external_id = 0;  // for hires: above every roster id
  // Mean intent to leave of each career stage's staff at week 0 (baseline_intent for a stage with
  // nobody): the turnover hazard is scaled by intent relative to it, so that at week 0 each stage
  // leaves at its annual rate on average.
  std::array<double, kStages> intent_reference{};
  std::vector<Tie> pending_ties;  // made this interval, merged at the next tie merge
  // Block-model tables for hires' first ties: built when first needed, dropped at each tie merge.
  std::shared_ptr<const NewcomerTieSampler> newcomer_sampler;
  SkillMatrix skills_next;              // stages 3-4 write week t+1 skills here
  std::vector<std::uint32_t> meetings;  // per agent, since the last observation
  std::vector<MatchingRecord> matching_records;

  // Dyads active at the start of this week's stages 2-9, in id order (refreshed by the engine).
  std::vector<DyadId> active_dyads;

  // What never changes in a dyad's life, per dyad id, so that the weekly dyad loops read it in dyad
  // order instead of from the two agents: each partner's availability (time budgets are fixed), and
  // for power imbalance the hierarchy of the mentee's institution when the mentor is at an earlier
  // stage than the mentee (0 otherwise) and the mentee's unit. Extended by cache_dyads().
  struct DyadCache {
    std::vector<double> mentor_availability;
    std::vector<double> mentee_availability;
    std::vector<double> upward_hierarchy;
    std::vector<UnitId> mentee_unit;
  } dyad_cache;
  // Adds the cache entries of dyads formed since the last call.
  void cache_dyads();

  // Per agent, scratch of the satisfaction stage: sums over the agent's active dyads in fixed point.
  // All zero between calls (the stage clears what it used), so it is not refilled every week.
  struct DyadSums {
    std::int64_t quality = 0;
    std::int64_t time = 0;
    std::int64_t count = 0;
  };
  std::vector<DyadSums> dyad_sums;

  // Appends `count` agents' worth of per-agent side state (program, baseline, counters).
  void grow_agents(std::size_t count);
  // Records agent a's current skills, confidence, satisfaction and degree as its baseline.
  void record_baseline(AgentId a);
  // Ends dyad d for `reason` and releases the partners' places.
  void end_dyad(DyadId d, EndReason reason);
  // The arm's program of agent a.
  [[nodiscard]] const ProgramSpec& program_of_dyad(DyadId d) const { return scenario->arms()[dyads.arm[d]].program; }
};

// body(d) for every dyad d of state.active_dyads that is still active, in parallel: body must write
// only what d owns, or update shared state in an order-independent way (atomics).
template <class Body>
void for_each_active_dyad(const SimulationState& state, Body&& body, std::size_t grain = 1024) {
  parallel::for_each(
      state.active_dyads.size(),
      [&](std::size_t k) {
        const DyadId d = state.active_dyads[k];
        if (state.dyads.active(d)) body(d);
      },
      grain);
}

// Share of a nominal meeting's time the agent can give: min(1, time_budget / time_required).
double availability(const SimulationState& state, AgentId a);

// Active dyads of each group-mentoring circle, keyed by the circle's id (DyadTable::group).
std::unordered_map<DyadId, int> circle_sizes(const SimulationState& state);

}  // namespace mentorsim
