#include "mentorsim/experiment/run.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <stdexcept>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/dynamics/ties.hpp"
#include "mentorsim/engine/fields.hpp"
#include "mentorsim/engine/observer.hpp"
#include "mentorsim/engine/outcomes.hpp"
#include "mentorsim/engine/simulation.hpp"
#include "mentorsim/experiment/experiment.hpp"

namespace mentorsim::experiment {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Columns of the metrics summed per arm (engine/fields.hpp: metric_column).
constexpr std::size_t m_n = metric_column(Metric::n);
constexpr std::size_t m_n_initial = metric_column(Metric::n_initial);
constexpr std::size_t m_retained = metric_column(Metric::retained);
constexpr std::size_t m_leavers = metric_column(Metric::leavers);
constexpr std::size_t m_hires = metric_column(Metric::hires);
constexpr std::size_t m_skill = metric_column(Metric::skill, 0);
constexpr std::size_t m_confidence = metric_column(Metric::confidence);
constexpr std::size_t m_satisfaction = metric_column(Metric::satisfaction);
constexpr std::size_t m_intent = metric_column(Metric::intent_to_leave);
constexpr std::size_t m_psych = metric_column(Metric::psych_safety);
constexpr std::size_t m_degree = metric_column(Metric::degree);
constexpr std::size_t m_strength = metric_column(Metric::strength);
constexpr std::size_t m_cross = metric_column(Metric::cross_institution_ties);
constexpr std::size_t m_in = metric_column(Metric::in_mentoring);
constexpr std::size_t m_mentor = metric_column(Metric::mentoring_as_mentor);
constexpr std::size_t m_mentee = metric_column(Metric::mentoring_as_mentee);
constexpr std::size_t m_meetings = metric_column(Metric::meetings);

// The column of a /timeseries dataset name (timeseries_names()).
std::size_t metric_position(std::string_view name) {
  const auto& names = timeseries_names();
  return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
}

}  // namespace

RunSelection::RunSelection(std::vector<std::string> outcomes, std::vector<std::string> metrics,
                           std::vector<Step> observed_weeks, std::vector<ArmId> arms)
    : outcomes_(std::move(outcomes)),
      metrics_(std::move(metrics)),
      weeks_(std::move(observed_weeks)),
      arms_(std::move(arms)) {
  std::size_t offset = 0;
  for (const auto& name : outcomes_) {
    const OutcomeRef ref = find_outcome(name);
    if (!ref.known) throw std::logic_error("RunSelection: unknown outcome " + name);
    refs_.push_back(ref);
    width_.push_back(outcome_width(name));
    outcome_offset_.push_back(offset);
    offset += width_.back() * arms_.size();
  }
  metric_base_ = offset;
  for (const auto& m : metrics_) metric_index_.push_back(metric_position(m));
  values_ = offset + metrics_.size() * arms_.size() * weeks_.size();
}

std::vector<std::vector<double>> arm_means(const SimulationState& state, Step previous_week,
                                           std::span<const std::uint32_t> meetings_before) {
  const Population& pop = state.population;
  const CollegialNetwork& net = state.network;
  const Step week = state.step;
  const std::size_t arms = state.scenario->arms().size();
  constexpr std::size_t width = kMetricColumns;
  const std::vector<std::uint32_t>& meetings = state.meeting_counts;

  std::vector<std::uint8_t> roles(pop.size(), 0);
  for (DyadId d = 0; d < state.dyads.size(); ++d) {
    if (!state.dyads.active(d)) continue;
    roles[state.dyads.mentor[d]] |= kMentorRole;
    roles[state.dyads.mentee[d]] |= kMenteeRole;
  }
  using Sums = std::vector<double>;
  const Sums totals = parallel::deterministic_reduce(
      pop.size(), Sums(arms * width, 0.0),
      [&](std::size_t begin, std::size_t end) {
        Sums sums(arms * width, 0.0);
        for (std::size_t i = begin; i < end; ++i) {
          const auto a = static_cast<AgentId>(i);
          double* s = &sums[state.program.arm[a] * width];
          const bool active = pop.active(a);
          const bool initial = pop.hired[a] == 0;
          if (initial) s[m_n_initial] += 1.0;
          if (initial && active) s[m_retained] += 1.0;
          if (pop.left[a] != kNever && pop.left[a] > previous_week && pop.left[a] <= week) s[m_leavers] += 1.0;
          if (pop.hired[a] > 0 && pop.hired[a] > previous_week && pop.hired[a] <= week) s[m_hires] += 1.0;
          if (!active) continue;
          s[m_n] += 1.0;
          for (std::size_t d = 0; d < kDomains; ++d) s[m_skill + d] += pop.skills.at(a, d);
          s[m_confidence] += pop.confidence[a];
          s[m_satisfaction] += pop.satisfaction[a];
          s[m_intent] += pop.intent_to_leave[a];
          s[m_psych] += pop.psych_safety[pop.unit[a]];
          const auto row = net.neighbors(a);
          const auto w = net.weights(a);
          double strength = 0.0;
          double degree = 0.0;
          double cross = 0.0;
          for (std::size_t k = 0; k < row.size(); ++k) {
            if (!pop.active(row[k])) continue;
            degree += 1.0;
            strength += w[k];
            cross += pop.institution[row[k]] != pop.institution[a] ? 1.0 : 0.0;
          }
          s[m_degree] += degree;
          s[m_strength] += strength;
          s[m_cross] += cross;
          s[m_in] += roles[a] != 0 ? 1.0 : 0.0;
          s[m_mentor] += (roles[a] & kMentorRole) ? 1.0 : 0.0;
          s[m_mentee] += (roles[a] & kMenteeRole) ? 1.0 : 0.0;
          s[m_meetings] += meetings[a] - (a < meetings_before.size() ? meetings_before[a] : 0u);
        }
        return sums;
      },
      [](Sums acc, Sums part) {
        for (std::size_t k = 0; k < acc.size(); ++k) acc[k] += part[k];
        return acc;
      },
      16384);
  // Pooled as the run file's group means are (metric_table's aggregate of each metric).
  std::vector<std::vector<double>> means(width, std::vector<double>(arms, kNaN));
  for (const MetricInfo& metric : metric_table()) {
    const std::size_t first = metric_column(metric.metric);
    const std::size_t last = first + (metric.by_domain ? kDomains : 1);
    for (std::size_t k = first; k < last; ++k) {
      for (std::size_t arm = 0; arm < arms; ++arm) {
        const double* s = &totals[arm * width];
        switch (metric.aggregate) {
          case Aggregate::count:
            means[k][arm] = s[k];
            break;
          case Aggregate::share_of_initial:
            means[k][arm] = s[m_n_initial] > 0 ? s[k] / s[m_n_initial] : kNaN;
            break;
          case Aggregate::mean:
            means[k][arm] = s[m_n] > 0 ? s[k] / s[m_n] : kNaN;
            break;
        }
      }
    }
  }
  return means;
}

bool run_to_end(Simulation& simulation, const std::atomic<bool>* stop,
                const std::function<void(const SimulationState&, std::size_t, Step)>& on_observe) {
  const SimulationState& state = simulation.state();
  const Scenario& scenario = *state.scenario;
  const std::vector<Step> weeks = observed_weeks(scenario.run().weeks, scenario.output().observe_every);
  std::size_t observation = 0;
  Step previous = -1;
  const auto observe = [&] {
    if (observation >= weeks.size() || weeks[observation] != state.step) return;
    if (on_observe) on_observe(state, observation, previous);
    previous = state.step;
    ++observation;
  };
  observe();
  while (state.step < scenario.run().weeks) {
    if (stop != nullptr && stop->load(std::memory_order_relaxed)) return false;
    simulation.step();
    observe();
  }
  simulation.finish();  // the last tie merge: the final network holds the last interval's ties, as in `mentorsim run`
  return true;
}

std::optional<std::vector<double>> simulate_run(const Scenario& scenario, Replicate replicate,
                                                const RunSelection& selection, const std::atomic<bool>* stop,
                                                RunTimes* times, const World* world) {
  using clock = std::chrono::steady_clock;
  const auto seconds_since = [](clock::time_point t) {
    return std::chrono::duration<double>(clock::now() - t).count();
  };
  auto t = clock::now();
  std::vector<double> values(selection.values(), kNaN);
  Simulation simulation =
      world != nullptr ? Simulation(scenario, replicate, World(*world)) : Simulation(scenario, replicate);
  if (times != nullptr) times->build += seconds_since(t);
  t = clock::now();
  std::vector<std::uint32_t> meetings_before;  // cumulative meeting counts at the previous observation
  const auto keep_metrics = [&](const SimulationState& state, std::size_t observation, Step previous) {
    if (selection.metrics_.empty()) return;
    const auto means = arm_means(state, previous, meetings_before);
    meetings_before = state.meeting_counts;
    for (std::size_t m = 0; m < selection.metrics_.size(); ++m) {
      for (std::size_t a = 0; a < selection.arms_.size(); ++a) {
        values[selection.metric_offset(m, a, observation)] = means[selection.metric_index_[m]][selection.arms_[a]];
      }
    }
  };
  if (!run_to_end(simulation, stop, keep_metrics)) return std::nullopt;
  if (times != nullptr) times->weeks += seconds_since(t);
  t = clock::now();
  const Outcomes outcomes = compute_outcomes(simulation.state());
  for (std::size_t k = 0; k < selection.outcomes_.size(); ++k) {
    const OutcomeRef& ref = selection.refs_[k];
    const std::size_t width = selection.width_[k];
    for (std::size_t a = 0; a < selection.arms_.size(); ++a) {
      const ArmId arm = selection.arms_[a];
      double* out = &values[selection.outcome_offset_[k] + a * width];
      if (ref.by_subgroup) {
        for (std::size_t l = 0; l < width; ++l) out[l] = outcomes.subgroup(ref.outcome, ref.subgroup, arm, l);
      } else {
        out[0] = outcomes.value(ref.outcome, arm, ref.level);
      }
    }
  }
  if (times != nullptr) times->finish += seconds_since(t);
  return values;
}

}  // namespace mentorsim::experiment
