#pragma once
// What is measured when (observation, between weeks): at observed weeks (0, every
// output.observe_every weeks and the last), means by group (arm x institution x profession x stage x
// minority) over active agents, streamed to /timeseries/<metric> [replicate, observation, group] with
// /groups describing each column; per-agent snapshots at output.snapshot_weeks and at the end;
// outcomes and every dyad of every replicate at the end. The metrics are those of metric_table(), the
// fields those of engine/fields.hpp, the outcomes those of outcome_table(). The Observer only reads
// the state: meetings per observation are differences of the cumulative meeting counts.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "mentorsim/core/function_ref.hpp"
#include "mentorsim/dynamics/state.hpp"
#include "mentorsim/engine/outcomes.hpp"
#include "mentorsim/engine/results.hpp"

namespace mentorsim {

class Simulation;

// The weeks observed: 0, every `every` weeks, and the last week.
std::vector<Step> observed_weeks(Step weeks, Step every);

// Means of every metric column (metric_column) over the agents of each of `groups` groups
// (`group_of(a)` is agent a's), at the state's current week, given each agent's cumulative meeting
// count at the previous observation (shorter than the population: zero for the rest):
// [column][group]. The Observer's group means, and a sweep's arm means.
[[nodiscard]] std::vector<std::vector<double>> metric_means(const SimulationState& state, Step previous_week,
                                                            std::span<const std::uint32_t> meetings_before,
                                                            std::size_t groups,
                                                            FunctionRef<std::size_t(AgentId)> group_of);

class Observer {
 public:
  Observer(const Scenario& scenario, ResultsWriter& writer);
  ~Observer();
  Observer(const Observer&) = delete;
  Observer& operator=(const Observer&) = delete;

  [[nodiscard]] std::size_t group_count() const noexcept { return groups_; }
  [[nodiscard]] std::size_t group_of(const SimulationState& state, AgentId a) const;
  // Group means at the state's current week, if it is observed.
  void observe(const SimulationState& state, Replicate replicate);
  // Snapshot of the agents (and network) if the current week is a snapshot week.
  void snapshot(const SimulationState& state, Replicate replicate);
  // End of a replicate (after Simulation::finish): its outcomes; then its dyad table, taken over
  // (Simulation::release_dyads) and kept until finish() writes every replicate's dyads; then, for
  // replicate 0 (or all), the final network's measures, the network itself, taken over
  // (Simulation::release_network), written and freed, and the final agents. In that order, so that
  // what is no longer read is freed before the file grows further: the results file is built in
  // memory, and the end of a run is where the run's memory peaks.
  void finish_replicate(Simulation& simulation, Replicate replicate);
  // Writes the kept dyads and releases the datasets (call before the writer commits).
  void finish();

  // Means of every metric column (metric_column) for every group at the current week, given each
  // agent's cumulative meeting count at the previous observation (shorter than the population:
  // zero for the rest). Exposed for tests: [column][group].
  [[nodiscard]] std::vector<std::vector<double>> group_means(const SimulationState& state, Step previous_week,
                                                             std::span<const std::uint32_t> meetings_before) const;

 private:
  void write_agent_snapshot(const std::string& group, const SimulationState& state);
  // Keeps a finished replicate's dyad table until finish(). Taken over, not copied, so that the end
  // of a run does not hold the table twice; the columns that are not written are released, and its
  // group ids are offset by the dyads kept before it.
  void keep_dyads(DyadTable dyads, Replicate replicate);

  const Scenario& scenario_;
  ResultsWriter& writer_;
  std::size_t groups_ = 0;
  std::vector<Step> weeks_;
  std::vector<io::Dataset> timeseries_;                      // by metric column
  std::vector<io::Dataset> outcomes_;                        // by outcome_columns()
  std::vector<std::pair<Subgroup, io::Dataset>> subgroups_;  // by subgroup, then outcome
  std::vector<Outcome> subgroup_outcomes_;                   // the outcome of each subgroups_ entry
  std::vector<std::uint32_t> meetings_at_last_observation_;
  std::vector<DyadTable> dyads_;           // kept, one table per replicate
  std::vector<Replicate> dyad_replicate_;  // the replicate of each table
};

}  // namespace mentorsim
