#include "mentorsim/engine/observer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/engine/outcomes.hpp"
#include "mentorsim/io/schema.hpp"

namespace mentorsim {
namespace {

enum Metric : std::size_t {
  m_n,
  m_n_initial,
  m_retained,
  m_leavers,
  m_hires,
  m_skill_first,
  m_confidence = m_skill_first + kDomains,
  m_satisfaction,
  m_intent,
  m_psych_safety,
  m_degree,
  m_strength,
  m_cross,
  m_in_mentoring,
  m_as_mentor,
  m_as_mentee,
  m_meetings,
  m_count
};
static_assert(m_count == kTimeseriesMetrics.size());

constexpr std::size_t kAgentsPerBlock = 16384;

std::string week_group(Step week) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "/agents/week_%04d", week);
  return buffer;
}

std::string network_week_group(Step week) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "/network/week_%04d", week);
  return buffer;
}

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
  file.write(ts + "/step", weeks_);
  const std::vector<std::uint64_t> dims{scenario.run().replicates, weeks_.size(), groups_};
  for (std::string_view metric : kTimeseriesMetrics) {
    datasets_.push_back(file.create_dataset(ts + "/" + std::string(metric), io::ElementType::f64, dims,
                                            std::numeric_limits<double>::quiet_NaN()));
  }
  const std::string oc = "/outcomes";
  const std::uint64_t replicates = scenario.run().replicates;
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  for (const auto& name : outcome_names()) {
    outcome_datasets_.push_back(file.create_dataset(oc + "/" + name, io::ElementType::f64, {replicates, arms}, kNaN));
  }
  for (std::string_view name : kMinorityOutcomes) {
    minority_datasets_.push_back(file.create_dataset(oc + "/by_minority/" + std::string(name), io::ElementType::f64,
                                                     {replicates, arms, 2}, kNaN));
  }
  for (std::string_view name : kIsolationOutcomes) {
    isolation_datasets_.push_back(file.create_dataset(oc + "/by_isolation/" + std::string(name), io::ElementType::f64,
                                                      {replicates, arms, 4}, kNaN));
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

std::vector<std::vector<double>> Observer::group_means(const SimulationState& state, Step previous_week) const {
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
  const std::size_t width = m_count;
  // Neighbours' activity from a bit mask (it stays in cache; their `left` weeks would not).
  const ActiveMask is_active(pop);
  using Sums = std::vector<double>;
  const Sums totals = parallel::deterministic_reduce(
      n, Sums(groups_ * width, 0.0),
      [&](std::size_t begin, std::size_t end) {
        Sums sums(groups_ * width, 0.0);
        for (std::size_t i = begin; i < end; ++i) {
          const auto a = static_cast<AgentId>(i);
          double* s = &sums[group_of(state, a) * width];
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
          for (std::size_t k = 0; k < row.size(); ++k) {
            if (!is_active(row[k])) continue;
            ++degree;
            strength += w[k];
            cross += pop.institution[row[k]] != pop.institution[a] ? 1 : 0;
          }
          s[m_degree] += degree;
          s[m_strength] += strength;
          s[m_cross] += cross;
          s[m_in_mentoring] += roles[a] != 0 ? 1.0 : 0.0;
          s[m_as_mentor] += (roles[a] & kMentorRole) ? 1.0 : 0.0;
          s[m_as_mentee] += (roles[a] & kMenteeRole) ? 1.0 : 0.0;
          s[m_meetings] += state.meetings[a];
        }
        return sums;
      },
      [](Sums acc, Sums part) {
        for (std::size_t k = 0; k < acc.size(); ++k) acc[k] += part[k];
        return acc;
      },
      kAgentsPerBlock);
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::vector<double>> means(width, std::vector<double>(groups_, kNaN));
  for (std::size_t g = 0; g < groups_; ++g) {
    const double* s = &totals[g * width];
    means[m_n][g] = s[m_n];
    means[m_n_initial][g] = s[m_n_initial];
    means[m_leavers][g] = s[m_leavers];
    means[m_hires][g] = s[m_hires];
    means[m_retained][g] = s[m_n_initial] > 0 ? s[m_retained] / s[m_n_initial] : kNaN;
    for (std::size_t k = m_skill_first; k < width; ++k) means[k][g] = s[m_n] > 0 ? s[k] / s[m_n] : kNaN;
  }
  return means;
}

void Observer::observe(SimulationState& state, Replicate replicate) {
  const auto it = std::find(weeks_.begin(), weeks_.end(), state.step);
  if (it == weeks_.end()) return;
  const auto observation = static_cast<std::uint64_t>(it - weeks_.begin());
  const Step previous = observation == 0 ? -1 : weeks_[observation - 1];
  const auto means = group_means(state, previous);
  for (std::size_t k = 0; k < datasets_.size(); ++k) {
    datasets_[k].write_slab<double>({replicate, observation, 0}, {1, 1, groups_}, means[k]);
  }
  std::fill(state.meetings.begin(), state.meetings.end(), 0u);
}

void Observer::write_agent_snapshot(const std::string& group, const SimulationState& state) {
  const AgentNetworkMeasures measures = measure_for_output(state.network, state.population, scenario_, state.random);
  writer_.write_agents(group, state, measures);
}

void Observer::snapshot(const SimulationState& state, Replicate replicate) {
  const auto& weeks = scenario_.output().snapshot_weeks;
  if (std::find(weeks.begin(), weeks.end(), state.step) == weeks.end()) return;
  if (replicate != 0 && !scenario_.output().all_replicates) return;
  write_agent_snapshot(replicate_group(replicate, week_group(state.step)), state);
  if (scenario_.output().network) {
    writer_.write_network(replicate_group(replicate, network_week_group(state.step)), state.network,
                          state.network_report);
  }
}

void Observer::finish_replicate(SimulationState& state, Replicate replicate) {
  if (replicate == 0 || scenario_.output().all_replicates) {
    write_agent_snapshot(replicate_group(replicate, io::schema::kAgentsFinal), state);
    if (scenario_.output().network) {
      writer_.write_network(replicate_group(replicate, io::schema::kNetworkFinal), state.network, state.network_report);
    }
  }
  const Outcomes outcomes = compute_outcomes(state);
  const std::uint64_t arms = scenario_.arms().size();
  for (std::size_t k = 0; k < outcome_datasets_.size(); ++k) {
    outcome_datasets_[k].write_slab<double>({replicate, 0}, {1, arms}, outcomes.per_arm[k]);
  }
  for (std::size_t k = 0; k < minority_datasets_.size(); ++k) {
    std::vector<double> flat;
    for (const auto& pair : outcomes.by_minority[k]) flat.insert(flat.end(), pair.begin(), pair.end());
    minority_datasets_[k].write_slab<double>({replicate, 0, 0}, {1, arms, 2}, flat);
  }
  for (std::size_t k = 0; k < isolation_datasets_.size(); ++k) {
    std::vector<double> flat;
    for (const auto& quartiles : outcomes.by_isolation[k]) flat.insert(flat.end(), quartiles.begin(), quartiles.end());
    isolation_datasets_[k].write_slab<double>({replicate, 0, 0}, {1, arms, 4}, flat);
  }
  const DyadTable& d = state.dyads;
  const auto base = static_cast<DyadId>(all_dyads_.size());
  for (DyadId k = 0; k < d.size(); ++k) {
    NewDyad copy;
    copy.mentor = d.mentor[k];
    copy.mentee = d.mentee[k];
    copy.arm = d.arm[k];
    copy.type = d.type[k];
    copy.formation = d.formation[k];
    copy.group = base + d.group[k];
    copy.quality = d.quality_initial[k];
    copy.similarity = d.similarity[k];
    copy.complementarity = d.complementarity[k];
    copy.trained = d.trained[k] != 0;
    copy.planned_end = d.planned_end[k];
    const DyadId id = all_dyads_.add(copy, d.start[k]);
    all_dyads_.quality[id] = d.quality[k];
    all_dyads_.meetings[id] = d.meetings[k];
    all_dyads_.end[id] = d.end[k];
    all_dyads_.end_reason[id] = d.end_reason[k];
    dyad_replicate_.push_back(replicate);
  }
}

void Observer::finish() {
  for (auto* group : {&datasets_, &outcome_datasets_, &minority_datasets_, &isolation_datasets_}) {
    for (auto& dataset : *group) dataset.close();
    group->clear();
  }
  io::OutputFile& file = writer_.file();
  const std::string g(io::schema::kDyads);
  const DyadTable& d = all_dyads_;
  const std::size_t n = d.size();
  file.create_group(g);
  file.write(g + "/replicate", dyad_replicate_);
  file.write(g + "/mentor", d.mentor);
  file.write(g + "/mentee", d.mentee);
  file.write(g + "/arm", d.arm);
  std::vector<std::uint8_t> type(n), formation(n), reason(n);
  std::vector<std::int32_t> end(n);
  for (std::size_t k = 0; k < n; ++k) {
    type[k] = static_cast<std::uint8_t>(d.type[k]);
    formation[k] = static_cast<std::uint8_t>(d.formation[k]);
    reason[k] = static_cast<std::uint8_t>(d.end_reason[k]);
    end[k] = d.end[k] == kNever ? -1 : d.end[k];
  }
  file.write(g + "/type", type);
  file.write(g + "/formation", formation);
  file.write(g + "/group", d.group);
  file.write(g + "/start", d.start);
  file.write(g + "/end", end);
  file.write(g + "/end_reason", reason);
  file.write(g + "/quality", d.quality);
  file.write(g + "/quality_initial", d.quality_initial);
  file.write(g + "/similarity", d.similarity);
  file.write(g + "/complementarity", d.complementarity);
  file.write(g + "/meetings", d.meetings);
}

}  // namespace mentorsim
