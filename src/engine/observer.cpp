#include "mentorsim/engine/observer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/dynamics/enthusiasm.hpp"
#include "mentorsim/engine/outcomes.hpp"
#include "mentorsim/engine/simulation.hpp"
#include "mentorsim/io/schema.hpp"

namespace mentorsim {
namespace {

constexpr std::size_t kAgentsPerBlock = 16384;

// The columns of the metrics the sums below address.
constexpr std::size_t m_n = metric_column(Metric::n);
constexpr std::size_t m_n_initial = metric_column(Metric::n_initial);
constexpr std::size_t m_retained = metric_column(Metric::retained);
constexpr std::size_t m_leavers = metric_column(Metric::leavers);
constexpr std::size_t m_hires = metric_column(Metric::hires);
constexpr std::size_t m_skill_first = metric_column(Metric::skill, 0);
constexpr std::size_t m_confidence = metric_column(Metric::confidence);
constexpr std::size_t m_satisfaction = metric_column(Metric::satisfaction);
constexpr std::size_t m_intent = metric_column(Metric::intent_to_leave);
constexpr std::size_t m_psych_safety = metric_column(Metric::psych_safety);
constexpr std::size_t m_degree = metric_column(Metric::degree);
constexpr std::size_t m_strength = metric_column(Metric::strength);
constexpr std::size_t m_cross = metric_column(Metric::cross_institution_ties);
constexpr std::size_t m_in_mentoring = metric_column(Metric::in_mentoring);
constexpr std::size_t m_as_mentor = metric_column(Metric::mentoring_as_mentor);
constexpr std::size_t m_as_mentee = metric_column(Metric::mentoring_as_mentee);
constexpr std::size_t m_meetings = metric_column(Metric::meetings);
constexpr std::size_t m_promoted = metric_column(Metric::promoted);
constexpr std::size_t m_enthusiasm = metric_column(Metric::enthusiasm);
constexpr std::size_t m_papers = metric_column(Metric::papers);

// Whether an agent's contact works at another institution than `own`, mostly without reading the
// contact's institution (a random read for each of about 13 contacts per agent): the staff are numbered
// institution by institution, hires joining at the end, so over the longest prefix of ids whose
// institutions do not decrease each institution's members are one run of ids [lo, hi), and a contact
// in that prefix is at institution `own` exactly when lo <= id < hi. Contacts after the prefix (hires,
// or a roster not in institution order) are looked up.
class InstitutionRuns {
 public:
  explicit InstitutionRuns(const Population& pop) : institution_(pop.institution) {
    const std::size_t n = institution_.size();
    std::size_t sorted = n == 0 ? 0 : 1;
    while (sorted < n && institution_[sorted - 1] <= institution_[sorted]) ++sorted;
    sorted_ = sorted;
    first_.assign(pop.institutions.size(), 0);
    end_.assign(pop.institutions.size(), 0);
    for (std::size_t k = 0; k < sorted;) {
      const InstitutionId i = institution_[k];
      std::size_t e = k;
      while (e < sorted && institution_[e] == i) ++e;
      first_[i] = k;
      end_[i] = e;
      k = e;
    }
  }

  [[nodiscard]] bool differ(InstitutionId own, AgentId contact) const {
    if (contact < sorted_) return contact - first_[own] >= end_[own] - first_[own];  // outside [first, end)
    return institution_[contact] != own;
  }

 private:
  const std::vector<InstitutionId>& institution_;
  std::size_t sorted_ = 0;
  std::vector<std::size_t> first_;  // per institution, its run of ids in the sorted prefix (empty: 0, 0)
  std::vector<std::size_t> end_;
};

}  // namespace

std::vector<Step> observed_weeks(Step weeks, Step every) {
  std::vector<Step> out;
  for (Step w = 0; w <= weeks; w += every) out.push_back(w);
  if (out.back() != weeks) out.push_back(weeks);
  return out;
}

Observer::Observer(const Scenario& scenario, ResultsWriter& writer) : scenario_(scenario), writer_(writer) {
  const std::size_t arms = scenario.arms().size();
  const std::size_t institutions = scenario.population().institutions.size();
  groups_ = arms * institutions * kProfessions * kStages * 2;
  weeks_ = observed_weeks(scenario.run().weeks, scenario.output().observe_every);
  io::OutputFile& file = writer_.file();
  const std::string ts(io::schema::kTimeseries);
  file.write(io::schema::kTimeseriesStep, weeks_);
  const std::vector<std::uint64_t> dims{scenario.run().replicates, weeks_.size(), groups_};
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  for (const std::string& metric : timeseries_names()) {
    timeseries_.push_back(file.create_dataset(ts + "/" + metric, io::ElementType::f64, dims, kNaN));
  }
  const std::string oc(io::schema::kOutcomes);
  const std::uint64_t replicates = scenario.run().replicates;
  for (const OutcomeColumn& column : outcome_columns()) {
    outcomes_.push_back(file.create_dataset(oc + "/" + column.name, io::ElementType::f64, {replicates, arms}, kNaN));
  }
  for (Subgroup subgroup : {Subgroup::minority, Subgroup::isolation}) {
    for (const OutcomeInfo& info : outcome_table()) {
      if (!reported_by(info, subgroup)) continue;
      const std::string path = io::schema::outcomes_by(subgroup_name(subgroup)) + "/" + std::string(info.name);
      subgroups_.emplace_back(
          subgroup, file.create_dataset(path, io::ElementType::f64, {replicates, arms, subgroup_size(subgroup)}, kNaN));
      subgroup_outcomes_.push_back(info.outcome);
    }
  }
  struct GroupRecord {
    std::uint16_t arm;
    std::uint16_t institution;
    std::uint8_t profession;
    std::uint8_t stage;
    std::uint8_t minority;
  };
  std::vector<GroupRecord> records;
  records.reserve(groups_);
  for (std::size_t a = 0; a < arms; ++a) {
    for (std::size_t i = 0; i < institutions; ++i) {
      for (std::size_t p = 0; p < kProfessions; ++p) {
        for (std::size_t s = 0; s < kStages; ++s) {
          for (std::uint8_t m = 0; m < 2; ++m) {
            records.push_back(GroupRecord{static_cast<std::uint16_t>(a), static_cast<std::uint16_t>(i),
                                          static_cast<std::uint8_t>(p), static_cast<std::uint8_t>(s), m});
          }
        }
      }
    }
  }
  file.write_compound(io::schema::kGroups,
                      {{"arm", io::ElementType::u16, offsetof(GroupRecord, arm)},
                       {"institution", io::ElementType::u16, offsetof(GroupRecord, institution)},
                       {"profession", io::ElementType::u8, offsetof(GroupRecord, profession)},
                       {"stage", io::ElementType::u8, offsetof(GroupRecord, stage)},
                       {"minority", io::ElementType::u8, offsetof(GroupRecord, minority)}},
                      sizeof(GroupRecord), records.data(), records.size());
  const std::string codes = std::string(io::schema::kCodesAttribute) + "_";
  for (std::string_view field : {"arm", "institution", "profession", "stage"}) {
    file.set_attribute(io::schema::kGroups, codes + std::string(field), io::schema::codes_table(field));
  }
}

Observer::~Observer() = default;

std::size_t Observer::group_of(const SimulationState& state, AgentId a) const {
  const Population& pop = state.population;
  const std::size_t institutions = scenario_.population().institutions.size();
  std::size_t g = state.program.arm[a];
  g = g * institutions + pop.institution[a];
  g = g * kProfessions + index_of(pop.profession[a]);
  g = g * kStages + index_of(pop.stage[a]);
  return g * 2 + pop.minority[a];
}

std::vector<std::vector<double>> metric_means(const SimulationState& state, Step previous_week,
                                              std::span<const std::uint32_t> meetings_before, std::size_t groups,
                                              FunctionRef<std::size_t(AgentId)> group_of) {
  const Population& pop = state.population;
  const CollegialNetwork& net = state.network;
  const Step week = state.step;
  const std::size_t n = pop.size();
  std::vector<std::uint8_t> roles(n, 0);
  for (DyadId d = 0; d < state.dyads.size(); ++d) {
    if (!state.dyads.active(d)) continue;
    roles[state.dyads.mentor[d]] |= kMentorRole;
    roles[state.dyads.mentee[d]] |= kMenteeRole;
  }
  const std::size_t width = kMetricColumns;
  const std::vector<std::uint32_t>& meetings = state.meeting_counts;
  // Neighbours' activity from a bit mask (it stays in cache; their `left` weeks would not).
  const ActiveMask is_active(pop);
  const InstitutionRuns institutions(pop);
  using Sums = std::vector<double>;
  const Sums totals = parallel::deterministic_reduce(
      n, Sums(groups * width, 0.0),
      [&](std::size_t begin, std::size_t end) {
        Sums sums(groups * width, 0.0);
        for (std::size_t i = begin; i < end; ++i) {
          const auto a = static_cast<AgentId>(i);
          double* s = &sums[group_of(a) * width];
          const bool active = pop.active(a);
          const bool initial = pop.hired[a] == 0;
          if (initial) s[m_n_initial] += 1.0;
          if (initial && active) s[m_retained] += 1.0;
          if (pop.left[a] != kNever && pop.left[a] > previous_week && pop.left[a] <= week) s[m_leavers] += 1.0;
          if (pop.hired[a] > 0 && pop.hired[a] > previous_week && pop.hired[a] <= week) s[m_hires] += 1.0;
          if (!active) continue;
          s[m_n] += 1.0;
          for (std::size_t d = 0; d < kDomains; ++d) s[m_skill_first + d] += pop.skills.at(a, d);
          s[m_confidence] += pop.confidence[a];
          s[m_satisfaction] += pop.satisfaction[a];
          s[m_intent] += pop.intent_to_leave[a];
          s[m_psych_safety] += pop.psych_safety[pop.unit[a]];
          const auto row = net.neighbors(a);
          const auto w = net.weights(a);
          double strength = 0.0;
          std::uint32_t degree = 0;
          std::uint32_t cross = 0;
          const InstitutionId own = pop.institution[a];
          for (std::size_t k = 0; k < row.size(); ++k) {
            if (!is_active(row[k])) continue;
            ++degree;
            strength += w[k];
            cross += institutions.differ(own, row[k]) ? 1 : 0;
          }
          s[m_degree] += degree;
          s[m_strength] += strength;
          s[m_cross] += cross;
          s[m_in_mentoring] += roles[a] != 0 ? 1.0 : 0.0;
          s[m_as_mentor] += (roles[a] & kMentorRole) ? 1.0 : 0.0;
          s[m_as_mentee] += (roles[a] & kMenteeRole) ? 1.0 : 0.0;
          s[m_meetings] += meetings[a] - (a < meetings_before.size() ? meetings_before[a] : 0u);
          s[m_promoted] += pop.promoted[a] != kNever ? 1.0 : 0.0;
          s[m_enthusiasm] += enthusiasm_of(state, a);
          s[m_papers] += a < state.research.papers.size() ? state.research.papers[a] : 0u;
        }
        return sums;
      },
      [](Sums acc, Sums part) {
        for (std::size_t k = 0; k < acc.size(); ++k) acc[k] += part[k];
        return acc;
      },
      kAgentsPerBlock);
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::vector<double>> means(width, std::vector<double>(groups, kNaN));
  for (const MetricInfo& metric : metric_table()) {
    const std::size_t first = metric_column(metric.metric);
    const std::size_t last = first + (metric.by_domain ? kDomains : 1);
    for (std::size_t k = first; k < last; ++k) {
      for (std::size_t g = 0; g < groups; ++g) {
        const double* s = &totals[g * width];
        switch (metric.aggregate) {
          case Aggregate::count:
            means[k][g] = s[k];
            break;
          case Aggregate::share_of_initial:
            means[k][g] = s[m_n_initial] > 0 ? s[k] / s[m_n_initial] : kNaN;
            break;
          case Aggregate::mean:
            means[k][g] = s[m_n] > 0 ? s[k] / s[m_n] : kNaN;
            break;
        }
      }
    }
  }
  return means;
}

std::vector<std::vector<double>> Observer::group_means(const SimulationState& state, Step previous_week,
                                                       std::span<const std::uint32_t> meetings_before) const {
  return metric_means(state, previous_week, meetings_before, groups_, [&](AgentId a) { return group_of(state, a); });
}

void Observer::observe(const SimulationState& state, Replicate replicate) {
  const auto it = std::find(weeks_.begin(), weeks_.end(), state.step);
  if (it == weeks_.end()) return;
  const auto observation = static_cast<std::uint64_t>(it - weeks_.begin());
  const Step previous = observation == 0 ? -1 : weeks_[observation - 1];
  if (observation == 0) meetings_at_last_observation_.clear();  // a new replicate
  const auto means = group_means(state, previous, meetings_at_last_observation_);
  for (std::size_t k = 0; k < timeseries_.size(); ++k) {
    timeseries_[k].write_slab<double>({replicate, observation, 0}, {1, 1, groups_}, means[k]);
  }
  reserve_rows(meetings_at_last_observation_, state.meeting_counts.size(), state.population.capacity());
  meetings_at_last_observation_.assign(state.meeting_counts.begin(), state.meeting_counts.end());
}

void Observer::write_agent_snapshot(const std::string& group, const SimulationState& state) {
  const AgentNetworkMeasures measures = measure_for_output(state.network, state.population, scenario_, state.random);
  writer_.write_agents(group, state, state.dyads, measures);
}

void Observer::snapshot(const SimulationState& state, Replicate replicate) {
  const auto& weeks = scenario_.output().snapshot_weeks;
  if (std::find(weeks.begin(), weeks.end(), state.step) == weeks.end()) return;
  if (replicate != 0 && !scenario_.output().all_replicates) return;
  write_agent_snapshot(io::schema::replicate_group(replicate, io::schema::agents_week(state.step)), state);
  if (scenario_.output().network) {
    writer_.write_network(io::schema::replicate_group(replicate, io::schema::network_week(state.step)), state.network,
                          state.network_report);
  }
}

void Observer::finish_replicate(Simulation& simulation, Replicate replicate) {
  const SimulationState& state = simulation.state();
  {
    const Outcomes outcomes = compute_outcomes(state);
    const std::uint64_t arms = scenario_.arms().size();
    const auto& columns = outcome_columns();
    for (std::size_t k = 0; k < columns.size(); ++k) {
      outcomes_[k].write_slab<double>({replicate, 0}, {1, arms}, outcomes.column(columns[k].outcome, columns[k].level));
    }
    for (std::size_t k = 0; k < subgroups_.size(); ++k) {
      const Subgroup subgroup = subgroups_[k].first;
      subgroups_[k].second.write_slab<double>({replicate, 0, 0}, {1, arms, subgroup_size(subgroup)},
                                              outcomes.subgroup_values(subgroup_outcomes_[k], subgroup));
    }
  }
  keep_dyads(simulation.release_dyads(), replicate);
  if (replicate != 0 && !scenario_.output().all_replicates) return;
  // The network's measures, then the network itself written and freed, then the agents' fields (no
  // field reads the network): the file grows in memory beside the state, and the network is about a
  // fifth of the state at the end of a run.
  const AgentNetworkMeasures measures = measure_for_output(state.network, state.population, scenario_, state.random);
  {
    const CollegialNetwork network = simulation.release_network();
    if (scenario_.output().network) {
      writer_.write_network(io::schema::replicate_group(replicate, io::schema::kNetworkFinal), network,
                            state.network_report);
    }
  }
  writer_.write_agents(io::schema::replicate_group(replicate, io::schema::kAgentsFinal), state, dyads_.back(),
                       measures);
}

namespace {
template <class T>
void release(std::vector<T>& column) {
  std::vector<T>().swap(column);
}
}  // namespace

void Observer::keep_dyads(DyadTable dyads, Replicate replicate) {
  DyadId base = 0;  // rows kept before this table
  for (const DyadTable& kept : dyads_) base += static_cast<DyadId>(kept.size());
  for (DyadId& g : dyads.group) g += base;
  // Not written to /dyads (dyad_fields()).
  release(dyads.planned_end);
  release(dyads.mentor_meetings);
  release(dyads.trained);
  release(dyads.prepared);
  release(dyads.failures);
  release(dyads.met);
  release(dyads.succeeded);
  dyads_.push_back(std::move(dyads));
  dyad_replicate_.push_back(replicate);
}

void Observer::finish() {
  for (auto& dataset : timeseries_) dataset.close();
  for (auto& dataset : outcomes_) dataset.close();
  for (auto& entry : subgroups_) entry.second.close();
  timeseries_.clear();
  outcomes_.clear();
  subgroups_.clear();
  writer_.write_dyads(DyadRecords{dyads_, dyad_replicate_});
  dyads_.clear();
  dyad_replicate_.clear();
}

}  // namespace mentorsim
