#pragma once
// What is measured when (stage 10): at observed weeks (0, every output.observe_every weeks and the
// last), means by group (arm x institution x profession x stage x minority) over active agents,
// streamed to /timeseries/<metric> [replicate, observation, group] with /groups describing each
// column; per-agent snapshots at output.snapshot_weeks and at the end; every dyad of every replicate
// to /dyads. docs/hdf5-schema.md lists every name.

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "mentorsim/dynamics/state.hpp"
#include "mentorsim/engine/results.hpp"

namespace mentorsim {

// Metric names of /timeseries, in the order they are computed.
inline constexpr auto kTimeseriesMetrics = std::to_array<std::string_view>({"n",
                                                                            "n_initial",
                                                                            "retained",
                                                                            "leavers",
                                                                            "hires",
                                                                            "skill_clinical",
                                                                            "skill_digital",
                                                                            "skill_research",
                                                                            "skill_teaching",
                                                                            "skill_leadership",
                                                                            "skill_culture_wellbeing",
                                                                            "confidence",
                                                                            "satisfaction",
                                                                            "intent_to_leave",
                                                                            "psych_safety",
                                                                            "degree",
                                                                            "strength",
                                                                            "cross_institution_ties",
                                                                            "in_mentoring",
                                                                            "mentoring_as_mentor",
                                                                            "mentoring_as_mentee",
                                                                            "meetings"});

// The weeks observed: 0, every `every` weeks, and the last week.
std::vector<Step> observed_weeks(Step weeks, Step every);

class Observer {
 public:
  Observer(const Scenario& scenario, ResultsWriter& writer);
  ~Observer();
  Observer(const Observer&) = delete;
  Observer& operator=(const Observer&) = delete;

  [[nodiscard]] std::size_t group_count() const noexcept { return groups_; }
  [[nodiscard]] std::size_t group_of(const SimulationState& state, AgentId a) const;
  // Group means at the state's current week, if it is observed; resets the meeting counters.
  void observe(SimulationState& state, Replicate replicate);
  // Snapshot of the agents (and network) if the current week is a snapshot week.
  void snapshot(const SimulationState& state, Replicate replicate);
  // End of a replicate: final agents and network (replicate 0, or all), and its dyads.
  void finish_replicate(SimulationState& state, Replicate replicate);
  // Writes the accumulated dyads and releases the datasets (call before the writer commits).
  void finish();

  // Means of every metric for every group at the current week (exposed for tests): [metric][group].
  [[nodiscard]] std::vector<std::vector<double>> group_means(const SimulationState& state, Step previous_week) const;

 private:
  void write_agent_snapshot(const std::string& group, const SimulationState& state);

  const Scenario& scenario_;
  ResultsWriter& writer_;
  std::size_t groups_ = 0;
  std::vector<Step> weeks_;
  std::vector<io::Dataset> datasets_;
  std::vector<io::Dataset> outcome_datasets_;
  std::vector<io::Dataset> minority_datasets_;
  std::vector<io::Dataset> isolation_datasets_;
  Step previous_observed_ = 0;
  DyadTable all_dyads_;
  std::vector<Replicate> dyad_replicate_;
};

}  // namespace mentorsim
