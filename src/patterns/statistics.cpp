// The statistic registry: each pattern statistic is a small function of a results file
// (docs/hdf5-schema.md). Coded values are looked up by name in /codes, never by number.

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mentorsim/core/errors.hpp"
#include "mentorsim/core/types.hpp"
#include "mentorsim/io/hdf5_file.hpp"
#include "mentorsim/io/schema.hpp"
#include "mentorsim/patterns/patterns.hpp"

namespace mentorsim::patterns {
namespace {

namespace schema = io::schema;

std::string outcome(std::string_view name) { return std::string(schema::kOutcomes) + "/" + std::string(name); }

StatisticValue missing(std::string reason) { return StatisticValue{{}, std::move(reason)}; }

// A [R, A] (or [R, A, K]) outcome.
struct Table {
  std::vector<double> data;
  std::size_t replicates = 0, arms = 0, k = 1;
  [[nodiscard]] double at(std::size_t r, std::size_t a, std::size_t j = 0) const {
    return data[(r * arms + a) * k + j];
  }
};

std::optional<Table> read_table(const io::InputFile& file, const std::string& path) {
  if (!file.exists(path)) return std::nullopt;
  Table t;
  const auto dims = file.dims(path);
  if (dims.size() < 2) return std::nullopt;
  t.replicates = dims[0];
  t.arms = dims[1];
  t.k = dims.size() > 2 ? dims[2] : 1;
  t.data = file.read<double>(path);
  return t;
}

// Arms with a program: eligible_mentees is a number (NaN for an arm without a program) in some replicate.
std::vector<std::size_t> program_arms(const io::InputFile& file) {
  std::vector<std::size_t> arms;
  const auto eligible = read_table(file, outcome("eligible_mentees"));
  if (!eligible) return arms;
  for (std::size_t a = 0; a < eligible->arms; ++a) {
    for (std::size_t r = 0; r < eligible->replicates; ++r) {
      if (!std::isnan(eligible->at(r, a))) {
        arms.push_back(a);
        break;
      }
    }
  }
  return arms;
}

double nan_mean(const std::vector<double>& values) {
  double sum = 0.0;
  std::size_t n = 0;
  for (double v : values) {
    if (!std::isnan(v)) {
      sum += v;
      ++n;
    }
  }
  return n > 0 ? sum / static_cast<double>(n) : kNaN;
}

// Per replicate: the mean over the program arms of an [R, A] outcome.
StatisticValue program_arm_mean(const io::InputFile& file, std::string_view name) {
  const auto table = read_table(file, outcome(name));
  if (!table) return missing("the file has no " + outcome(name));
  const auto arms = program_arms(file);
  if (arms.empty()) return missing("no arm of this file has a program");
  StatisticValue out;
  for (std::size_t r = 0; r < table->replicates; ++r) {
    std::vector<double> values;
    for (std::size_t a : arms) values.push_back(table->at(r, a));
    out.values.push_back(nan_mean(values));
  }
  return out;
}

// Mean over every arm (program or control) of /outcomes/<name>, per replicate.
StatisticValue all_arm_mean(const io::InputFile& file, std::string_view name) {
  const auto table = read_table(file, outcome(name));
  if (!table) return missing("the file has no " + outcome(name));
  StatisticValue out;
  for (std::size_t r = 0; r < table->replicates; ++r) {
    std::vector<double> values;
    for (std::size_t a = 0; a < table->arms; ++a) values.push_back(table->at(r, a));
    out.values.push_back(nan_mean(values));
  }
  return out;
}

// The position of `name` in the string table /codes/<table>, or -1.
int code_of(const io::InputFile& file, std::string_view table, std::string_view name) {
  const std::string path = schema::codes_table(table);
  if (!file.exists(path)) return -1;
  const auto names = file.read_strings(path);
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<int>(i);
  }
  return -1;
}

int replicate_count(const io::InputFile& file) {
  if (file.exists(schema::kMeta)) {
    for (const auto& name : file.attribute_names(schema::kMeta)) {
      if (name == "replicates") return static_cast<int>(file.int_attribute(schema::kMeta, "replicates"));
    }
  }
  if (const auto t = read_table(file, outcome("coverage"))) return static_cast<int>(t->replicates);
  return 1;
}

// The last simulated week (the last observation).
double last_week(const io::InputFile& file) {
  if (!file.exists(schema::kTimeseriesStep)) return kNaN;
  const auto steps = file.read<double>(schema::kTimeseriesStep);
  return steps.empty() ? kNaN : steps.back();
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = x.size();
  if (n < 3) return kNaN;
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < n; ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= static_cast<double>(n);
  my /= static_cast<double>(n);
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  if (sxx <= 0 || syy <= 0) return kNaN;
  return sxy / std::sqrt(sxx * syy);
}

// The per-agent datasets of one replicate, read as doubles on demand.
class Agents {
 public:
  Agents(const io::InputFile& file, std::string group) : file_(file), group_(std::move(group)) {}
  [[nodiscard]] bool has(std::string_view field) const { return file_.exists(path(field)); }
  const std::vector<double>& operator[](std::string_view field) {
    auto it = cache_.find(std::string(field));
    if (it == cache_.end()) it = cache_.emplace(std::string(field), file_.read<double>(path(field))).first;
    return it->second;
  }
  [[nodiscard]] std::string path(std::string_view field) const { return group_ + "/" + std::string(field); }

 private:
  const io::InputFile& file_;
  std::string group_;
  std::map<std::string, std::vector<double>> cache_;
};

// Runs fn(agents, r) for every replicate whose per-agent data the file holds; a statistic over agents
// reports which fields it needs.
template <class Fn>
StatisticValue over_agent_replicates(const io::InputFile& file, std::initializer_list<std::string_view> fields, Fn fn) {
  StatisticValue out;
  const int replicates = replicate_count(file);
  for (int r = 0; r < replicates; ++r) {
    const std::string group = schema::replicate_group(static_cast<Replicate>(r), schema::kAgentsFinal);
    if (!file.exists(group)) continue;
    Agents agents(file, group);
    for (std::string_view field : fields) {
      if (!agents.has(field)) return missing("the file has no " + agents.path(field) + " (output.agent_fields)");
    }
    out.values.push_back(fn(agents, r));
  }
  if (out.values.empty()) return missing("the file has no per-agent data (" + std::string(schema::kAgentsFinal) + ")");
  return out;
}

// Every dyad of the file, as doubles.
struct Dyads {
  std::vector<double> replicate, arm, mentee, formation, start, end, end_reason, quality, similarity, meetings;
};

std::optional<Dyads> read_dyads(const io::InputFile& file) {
  const std::string base = std::string(schema::kDyads) + "/";
  if (!file.exists(base + "replicate")) return std::nullopt;
  Dyads d;
  d.replicate = file.read<double>(base + "replicate");
  d.arm = file.read<double>(base + "arm");
  d.mentee = file.read<double>(base + "mentee");
  d.formation = file.read<double>(base + "formation");
  d.start = file.read<double>(base + "start");
  d.end = file.read<double>(base + "end");
  d.end_reason = file.read<double>(base + "end_reason");
  d.quality = file.read<double>(base + "quality");
  d.similarity = file.read<double>(base + "similarity");
  d.meetings = file.read<double>(base + "meetings");
  // Program dyads only: informal dyads (docs/model.md 7.18) have statistics of their own.
  const int informal = code_of(file, "formation", "informal");
  if (informal >= 0) {
    std::vector<std::vector<double>*> columns = {&d.replicate, &d.arm,        &d.mentee,  &d.formation,  &d.start,
                                                 &d.end,       &d.end_reason, &d.quality, &d.similarity, &d.meetings};
    std::size_t kept = 0;
    for (std::size_t i = 0; i < d.formation.size(); ++i) {
      if (static_cast<int>(d.formation[i]) == informal) continue;
      for (auto* column : columns) (*column)[kept] = (*column)[i];
      ++kept;
    }
    for (auto* column : columns) column->resize(kept);
  }
  return d;
}

// Per replicate: the Pearson correlation over that replicate's dyads of x(i) and y(i), for dyads with
// keep(i).
template <class X, class Y, class Keep>
StatisticValue dyad_correlation(const io::InputFile& file, X x, Y y, Keep keep) {
  const auto dyads = read_dyads(file);
  if (!dyads) return missing("the file has no /dyads");
  const int replicates = replicate_count(file);
  StatisticValue out;
  for (int r = 0; r < replicates; ++r) {
    std::vector<double> xs, ys;
    for (std::size_t i = 0; i < dyads->replicate.size(); ++i) {
      if (static_cast<int>(dyads->replicate[i]) != r || !keep(*dyads, i)) continue;
      xs.push_back(x(*dyads, i));
      ys.push_back(y(*dyads, i));
    }
    out.values.push_back(pearson(xs, ys));
  }
  return out;
}

// Per replicate: the correlation over active initial-staff mentees between the mean final quality of
// their dyads as mentee and y(agents, id).
template <class Y>
StatisticValue mentee_quality_correlation(const io::InputFile& file, std::initializer_list<std::string_view> fields,
                                          Y y) {
  const auto dyads = read_dyads(file);
  if (!dyads) return missing("the file has no /dyads");
  return over_agent_replicates(file, fields, [&](Agents& agents, int r) {
    const auto& hired = agents["hired"];
    const auto& left = agents["left"];
    std::map<std::size_t, std::pair<double, int>> quality;  // mentee -> (sum, count)
    for (std::size_t i = 0; i < dyads->replicate.size(); ++i) {
      if (static_cast<int>(dyads->replicate[i]) != r) continue;
      auto& q = quality[static_cast<std::size_t>(dyads->mentee[i])];
      q.first += dyads->quality[i];
      q.second += 1;
    }
    std::vector<double> xs, ys;
    for (const auto& [id, q] : quality) {
      if (id >= hired.size() || hired[id] != 0 || left[id] != -1) continue;
      xs.push_back(q.first / q.second);
      ys.push_back(y(agents, id));
    }
    return pearson(xs, ys);
  });
}

// Per replicate: the mean over the arms where both are numbers of /outcomes/<later> - /outcomes/<earlier>
// (program arms only when `programs_only`).
StatisticValue arm_difference(const io::InputFile& file, std::string_view later, std::string_view earlier,
                              bool programs_only) {
  const auto a = read_table(file, outcome(later));
  const auto b = read_table(file, outcome(earlier));
  if (!a || !b) return missing("the file has no " + outcome(later) + " or " + outcome(earlier));
  std::vector<std::size_t> arms;
  if (programs_only) {
    arms = program_arms(file);
    if (arms.empty()) return missing("no arm of this file has a program");
  } else {
    for (std::size_t arm = 0; arm < a->arms; ++arm) arms.push_back(arm);
  }
  StatisticValue out;
  bool any = false;
  for (std::size_t r = 0; r < a->replicates; ++r) {
    std::vector<double> values;
    for (std::size_t arm : arms) values.push_back(a->at(r, arm) - b->at(r, arm));
    out.values.push_back(nan_mean(values));
    any = any || !std::isnan(out.values.back());
  }
  if (!any) return missing("no arm has both " + outcome(later) + " and " + outcome(earlier));
  return out;
}

std::vector<Statistic> build_registry() {
  std::vector<Statistic> r;
  r.push_back({"coverage",
               "mean over the program arms of /outcomes/coverage: the share of eligible mentees (initial staff) "
               "who got a mentor",
               [](const io::InputFile& f) { return program_arm_mean(f, "coverage"); }});

  r.push_back({"mentor_participation",
               "share of the program arms' eligible mentors (initial staff, /agents eligible bit 1) who served as a "
               "mentor (role bit 1)",
               [](const io::InputFile& f) {
                 const auto arms = program_arms(f);
                 if (arms.empty()) return missing("no arm of this file has a program");
                 return over_agent_replicates(f, {"eligible", "role", "hired", "arm"}, [&](Agents& a, int) {
                   const auto& eligible = a["eligible"];
                   const auto& role = a["role"];
                   const auto& hired = a["hired"];
                   const auto& arm = a["arm"];
                   double n = 0, mentors = 0;
                   for (std::size_t i = 0; i < eligible.size(); ++i) {
                     if (hired[i] != 0 || (static_cast<int>(eligible[i]) & 1) == 0) continue;
                     if (std::find(arms.begin(), arms.end(), static_cast<std::size_t>(arm[i])) == arms.end()) continue;
                     n += 1;
                     mentors += (static_cast<int>(role[i]) & 1) != 0 ? 1 : 0;
                   }
                   return n > 0 ? mentors / n : kNaN;
                 });
               }});

  r.push_back({"assigned_share_hybrid",
               "in arms with hybrid pairing (arms with any hybrid_fallback dyad), the share of dyads whose mentor "
               "was not self-identified (formation assigned or hybrid_fallback), per replicate",
               [](const io::InputFile& f) {
                 const auto dyads = read_dyads(f);
                 if (!dyads) return missing("the file has no /dyads");
                 const int fallback = code_of(f, "formation", "hybrid_fallback");
                 const int self = code_of(f, "formation", "self_identified");
                 if (fallback < 0 || self < 0)
                   return missing("/codes/formation lacks hybrid_fallback or self_identified");
                 std::vector<int> hybrid;
                 for (std::size_t i = 0; i < dyads->formation.size(); ++i) {
                   const int a = static_cast<int>(dyads->arm[i]);
                   if (static_cast<int>(dyads->formation[i]) == fallback &&
                       std::find(hybrid.begin(), hybrid.end(), a) == hybrid.end()) {
                     hybrid.push_back(a);
                   }
                 }
                 if (hybrid.empty()) {
                   return missing("no arm of this file used hybrid pairing (no hybrid_fallback dyad)");
                 }
                 StatisticValue out;
                 const int replicates = replicate_count(f);
                 for (int rep = 0; rep < replicates; ++rep) {
                   double n = 0, assigned = 0;
                   for (std::size_t i = 0; i < dyads->formation.size(); ++i) {
                     if (static_cast<int>(dyads->replicate[i]) != rep) continue;
                     if (std::find(hybrid.begin(), hybrid.end(), static_cast<int>(dyads->arm[i])) == hybrid.end()) {
                       continue;
                     }
                     n += 1;
                     assigned += static_cast<int>(dyads->formation[i]) != self ? 1 : 0;
                   }
                   out.values.push_back(n > 0 ? assigned / n : kNaN);
                 }
                 return out;
               }});

  r.push_back({"quality_self_minus_assigned",
               "mean final quality of self-identified dyads minus that of assigned dyads (each the mean over the "
               "arms that have such dyads of /outcomes/quality_<formation>), per replicate",
               [](const io::InputFile& f) {
                 const auto self = read_table(f, outcome("quality_self_identified"));
                 const auto assigned = read_table(f, outcome("quality_assigned"));
                 if (!self || !assigned)
                   return missing("the file has no /outcomes/quality_self_identified or _assigned");
                 StatisticValue out;
                 bool any = false;
                 for (std::size_t rep = 0; rep < self->replicates; ++rep) {
                   std::vector<double> s, a;
                   for (std::size_t arm = 0; arm < self->arms; ++arm) {
                     s.push_back(self->at(rep, arm));
                     a.push_back(assigned->at(rep, arm));
                   }
                   const double d = nan_mean(s) - nan_mean(a);
                   any = any || !std::isnan(d);
                   out.values.push_back(d);
                 }
                 if (!any) return missing("the file lacks self-identified or assigned dyads (both are needed)");
                 return out;
               }});

  r.push_back({"minority_coverage_odds_ratio",
               "odds ratio of having a mentor, minority vs other eligible mentees, from /outcomes/by_minority/"
               "coverage of each program arm; the geometric mean over program arms, per replicate",
               [](const io::InputFile& f) {
                 const auto table = read_table(f, outcome("by_minority/coverage"));
                 if (!table || table->k != 2) return missing("the file has no /outcomes/by_minority/coverage");
                 const auto arms = program_arms(f);
                 if (arms.empty()) return missing("no arm of this file has a program");
                 StatisticValue out;
                 for (std::size_t rep = 0; rep < table->replicates; ++rep) {
                   double log_sum = 0;
                   int n = 0;
                   for (std::size_t a : arms) {
                     const double p0 = table->at(rep, a, 0);
                     const double p1 = table->at(rep, a, 1);
                     if (!(p0 > 0 && p0 < 1 && p1 > 0 && p1 < 1)) continue;
                     log_sum += std::log((p1 / (1 - p1)) / (p0 / (1 - p0)));
                     ++n;
                   }
                   out.values.push_back(n > 0 ? std::exp(log_sum / n) : kNaN);
                 }
                 return out;
               }});

  r.push_back({"corr_similarity_quality",
               "Pearson correlation over the replicate's dyads of similarity and final quality",
               [](const io::InputFile& f) {
                 return dyad_correlation(
                     f, [](const Dyads& d, std::size_t i) { return d.similarity[i]; },
                     [](const Dyads& d, std::size_t i) { return d.quality[i]; },
                     [](const Dyads&, std::size_t) { return true; });
               }});

  r.push_back({"corr_meeting_rate_quality",
               "Pearson correlation over the replicate's dyads that lasted at least 4 weeks of meetings per week "
               "(meetings / (end or last week - start)) and final quality",
               [](const io::InputFile& f) {
                 const double weeks = last_week(f);
                 if (std::isnan(weeks)) return missing("the file has no /timeseries/step (the last week)");
                 const auto duration = [weeks](const Dyads& d, std::size_t i) {
                   return (d.end[i] < 0 ? weeks : d.end[i]) - d.start[i];
                 };
                 return dyad_correlation(
                     f, [duration](const Dyads& d, std::size_t i) { return d.meetings[i] / duration(d, i); },
                     [](const Dyads& d, std::size_t i) { return d.quality[i]; },
                     [duration](const Dyads& d, std::size_t i) { return duration(d, i) >= 4; });
               }});

  r.push_back({"corr_quality_degree_change",
               "Pearson correlation over mentees (active initial staff) of the mean final quality of their dyads "
               "and their change in collegial ties (degree - degree_initial)",
               [](const io::InputFile& f) {
                 return mentee_quality_correlation(
                     f, {"hired", "left", "degree", "degree_initial"},
                     [](Agents& a, std::size_t id) { return a["degree"][id] - a["degree_initial"][id]; });
               }});

  r.push_back({"corr_quality_strength_change",
               "Pearson correlation over mentees (active initial staff) of the mean final quality of their dyads "
               "and their change in the sum of tie strengths (strength - strength_initial)",
               [](const io::InputFile& f) {
                 return mentee_quality_correlation(
                     f, {"hired", "left", "strength", "strength_initial"},
                     [](Agents& a, std::size_t id) { return a["strength"][id] - a["strength_initial"][id]; });
               }});

  r.push_back({"corr_quality_satisfaction_change",
               "Pearson correlation over mentees (active initial staff) of the mean final quality of their dyads "
               "and their change in job satisfaction (satisfaction - satisfaction_initial)",
               [](const io::InputFile& f) {
                 return mentee_quality_correlation(
                     f, {"hired", "left", "satisfaction", "satisfaction_initial"},
                     [](Agents& a, std::size_t id) { return a["satisfaction"][id] - a["satisfaction_initial"][id]; });
               }});

  r.push_back({"confidence_effect_size",
               "among the program arms' eligible mentees (active initial staff): mean confidence change of those "
               "who had a mentor minus that of those who did not, divided by the pooled SD of their initial "
               "confidence (Cohen's d)",
               [](const io::InputFile& f) {
                 const auto arms = program_arms(f);
                 if (arms.empty()) return missing("no arm of this file has a program");
                 return over_agent_replicates(
                     f, {"eligible", "role", "hired", "left", "arm", "confidence", "confidence_initial"},
                     [&](Agents& a, int) {
                       const auto& eligible = a["eligible"];
                       const auto& role = a["role"];
                       const auto& hired = a["hired"];
                       const auto& left = a["left"];
                       const auto& arm = a["arm"];
                       const auto& c = a["confidence"];
                       const auto& c0 = a["confidence_initial"];
                       double n[2] = {0, 0}, gain[2] = {0, 0}, s[2] = {0, 0}, ss[2] = {0, 0};
                       for (std::size_t i = 0; i < c.size(); ++i) {
                         if (hired[i] != 0 || left[i] != -1 || (static_cast<int>(eligible[i]) & 2) == 0) continue;
                         if (std::find(arms.begin(), arms.end(), static_cast<std::size_t>(arm[i])) == arms.end()) {
                           continue;
                         }
                         const int g = (static_cast<int>(role[i]) & 2) != 0 ? 1 : 0;
                         n[g] += 1;
                         gain[g] += c[i] - c0[i];
                         s[g] += c0[i];
                         ss[g] += c0[i] * c0[i];
                       }
                       if (n[0] < 2 || n[1] < 2) return kNaN;
                       double pooled = 0;
                       for (int g = 0; g < 2; ++g) pooled += ss[g] - s[g] * s[g] / n[g];
                       pooled = std::sqrt(pooled / (n[0] + n[1] - 2));
                       if (!(pooled > 0)) return kNaN;
                       return (gain[1] / n[1] - gain[0] / n[0]) / pooled;
                     });
               }});

  r.push_back({"failure_rate",
               "mean over the program arms of /outcomes/failure_rate: the share of dyads that ended for a "
               "relationship reason",
               [](const io::InputFile& f) { return program_arm_mean(f, "failure_rate"); }});

  r.push_back({"lack_of_time_margin",
               "share of dyads ended for lack of time minus the largest share ended for another relationship "
               "reason (poor communication, power imbalance, role ambiguity), mean over program arms; positive "
               "when lack of time is the commonest failure cause",
               [](const io::InputFile& f) {
                 StatisticValue lack = program_arm_mean(f, "end_lack_of_time");
                 if (!lack.not_computable.empty()) return lack;
                 const StatisticValue a = program_arm_mean(f, "end_poor_communication");
                 const StatisticValue b = program_arm_mean(f, "end_power_imbalance");
                 const StatisticValue c = program_arm_mean(f, "end_role_ambiguity");
                 for (const StatisticValue* v : {&a, &b, &c}) {
                   if (!v->not_computable.empty()) return *v;
                 }
                 for (std::size_t i = 0; i < lack.values.size(); ++i) {
                   lack.values[i] -= std::max({a.values[i], b.values[i], c.values[i]});
                 }
                 return lack;
               }});

  r.push_back({"annual_turnover_early_career",
               "share of the initial early-career staff who left during the run, as an annual rate "
               "1 - (1 - share)^(52 / weeks)",
               [](const io::InputFile& f) {
                 const int early = code_of(f, "stage", "early_career");
                 if (early < 0) return missing("/codes/stage lacks early_career");
                 const double weeks = last_week(f);
                 if (!(weeks > 0)) return missing("the file has no /timeseries/step (the run's length)");
                 return over_agent_replicates(f, {"stage", "hired", "left"}, [&](Agents& a, int) {
                   const auto& stage = a["stage"];
                   const auto& hired = a["hired"];
                   const auto& left = a["left"];
                   double n = 0, gone = 0;
                   for (std::size_t i = 0; i < stage.size(); ++i) {
                     if (hired[i] != 0 || static_cast<int>(stage[i]) != early) continue;
                     n += 1;
                     gone += left[i] != -1 ? 1 : 0;
                   }
                   return n > 0 ? 1.0 - std::pow(1.0 - gone / n, 52.0 / weeks) : kNaN;
                 });
               }});

  r.push_back({"corr_intent_leaving",
               "point-biserial correlation over the initial staff of intent_to_leave (at the end, or when the "
               "agent left) and having left during the run",
               [](const io::InputFile& f) {
                 return over_agent_replicates(f, {"intent_to_leave", "hired", "left"}, [](Agents& a, int) {
                   const auto& intent = a["intent_to_leave"];
                   const auto& hired = a["hired"];
                   const auto& left = a["left"];
                   std::vector<double> x, y;
                   for (std::size_t i = 0; i < intent.size(); ++i) {
                     if (hired[i] != 0) continue;
                     x.push_back(intent[i]);
                     y.push_back(left[i] != -1 ? 1.0 : 0.0);
                   }
                   return pearson(x, y);
                 });
               }});

  r.push_back({"intent_leaving_phi",
               "mean over all arms of /outcomes/intent_leaving_phi: phi correlation over the initial staff between "
               "considering leaving at week 0 and leaving within 52 weeks",
               [](const io::InputFile& f) { return all_arm_mean(f, "intent_leaving_phi"); }});

  r.push_back({"mentor_share_rise",
               "mean over the program arms of eligible_mentor_share_program_end - eligible_mentor_share_start: how "
               "much the share of the program's eligible mentees (initial staff) with a mentor (informal or formal) "
               "rose from week 0 to the program's last week",
               [](const io::InputFile& f) {
                 return arm_difference(f, "eligible_mentor_share_program_end", "eligible_mentor_share_start", true);
               }});

  r.push_back({"mentoring_share_rise",
               "mean over the program arms of eligible_mentoring_share_program_end - eligible_mentoring_share_start: "
               "how much the share of the program's eligible mentors (initial staff) who mentor someone rose from "
               "week 0 to the program's last week",
               [](const io::InputFile& f) {
                 return arm_difference(f, "eligible_mentoring_share_program_end", "eligible_mentoring_share_start",
                                       true);
               }});

  r.push_back({"satisfaction_informal_minus_formal",
               "mean over the arms with both of satisfaction_change_informal_only - satisfaction_change_formal_only: "
               "satisfaction change of initial staff whose mentors were all informal minus that of those whose "
               "mentors were all formal",
               [](const io::InputFile& f) {
                 return arm_difference(f, "satisfaction_change_informal_only", "satisfaction_change_formal_only",
                                       false);
               }});

  r.push_back({"mean_degree_initial", "mean collegial ties at week 0 (degree_initial) of the initial staff",
               [](const io::InputFile& f) {
                 return over_agent_replicates(f, {"degree_initial", "hired"}, [](Agents& a, int) {
                   const auto& degree = a["degree_initial"];
                   const auto& hired = a["hired"];
                   double n = 0, sum = 0;
                   for (std::size_t i = 0; i < degree.size(); ++i) {
                     if (hired[i] != 0) continue;
                     n += 1;
                     sum += degree[i];
                   }
                   return n > 0 ? sum / n : kNaN;
                 });
               }});

  r.push_back({"mean_clustering", "mean local clustering coefficient of the active staff at the end",
               [](const io::InputFile& f) {
                 return over_agent_replicates(f, {"clustering", "left"}, [](Agents& a, int) {
                   const auto& clustering = a["clustering"];
                   const auto& left = a["left"];
                   double n = 0, sum = 0;
                   for (std::size_t i = 0; i < clustering.size(); ++i) {
                     if (left[i] != -1) continue;
                     n += 1;
                     sum += clustering[i];
                   }
                   return n > 0 ? sum / n : kNaN;
                 });
               }});

  r.push_back({"homophily_profession_minus_institution",
               "on the final network: log(observed / expected share of same-profession ties) minus the same for "
               "same-institution ties, expected under random pairing of the active staff; positive when "
               "professional homophily is the stronger",
               [](const io::InputFile& f) {
                 StatisticValue out;
                 const int replicates = replicate_count(f);
                 for (int rep = 0; rep < replicates; ++rep) {
                   const std::string agents =
                       schema::replicate_group(static_cast<Replicate>(rep), schema::kAgentsFinal);
                   const std::string network =
                       schema::replicate_group(static_cast<Replicate>(rep), schema::kNetworkFinal);
                   if (!f.exists(agents) || !f.exists(network + "/src")) continue;
                   const auto profession = f.read<double>(agents + "/profession");
                   const auto institution = f.read<double>(agents + "/institution");
                   const auto left = f.read<double>(agents + "/left");
                   const auto src = f.read<double>(network + "/src");
                   const auto dst = f.read<double>(network + "/dst");
                   double ratio[2] = {0, 0};
                   const std::vector<double>* attribute[2] = {&profession, &institution};
                   bool ok = !src.empty();
                   for (int k = 0; k < 2 && ok; ++k) {
                     std::map<int, double> count;
                     double n = 0;
                     for (std::size_t i = 0; i < left.size(); ++i) {
                       if (left[i] != -1) continue;
                       count[static_cast<int>((*attribute[k])[i])] += 1;
                       n += 1;
                     }
                     double expected = 0;
                     for (const auto& [code, c] : count) expected += c * (c - 1);
                     expected /= n * (n - 1);
                     double same = 0;
                     for (std::size_t e = 0; e < src.size(); ++e) {
                       const auto u = static_cast<std::size_t>(src[e]);
                       const auto v = static_cast<std::size_t>(dst[e]);
                       same += (*attribute[k])[u] == (*attribute[k])[v] ? 1 : 0;
                     }
                     const double observed = same / static_cast<double>(src.size());
                     ok = observed > 0 && expected > 0;
                     if (ok) ratio[k] = std::log(observed / expected);
                   }
                   out.values.push_back(ok ? ratio[0] - ratio[1] : kNaN);
                 }
                 if (out.values.empty()) return missing("the file has no network (output.network = false)");
                 return out;
               }});

  r.push_back({"nurses_per_physician",
               "initial nursing staff divided by initial medical staff of the institutions of kind hospital",
               [](const io::InputFile& f) {
                 const int nursing = code_of(f, "profession", "nursing");
                 const int medicine = code_of(f, "profession", "medicine");
                 if (nursing < 0 || medicine < 0) return missing("/codes/profession lacks nursing or medicine");
                 if (!f.exists(schema::codes_table("institution_kind"))) {
                   return missing("the file has no /codes/institution_kind");
                 }
                 const auto kinds = f.read_strings(schema::codes_table("institution_kind"));
                 if (std::find(kinds.begin(), kinds.end(), "hospital") == kinds.end()) {
                   return missing("no institution of this file is a hospital");
                 }
                 return over_agent_replicates(f, {"profession", "institution", "hired"}, [&](Agents& a, int) {
                   const auto& profession = a["profession"];
                   const auto& institution = a["institution"];
                   const auto& hired = a["hired"];
                   double nurses = 0, physicians = 0;
                   for (std::size_t i = 0; i < profession.size(); ++i) {
                     const auto inst = static_cast<std::size_t>(institution[i]);
                     if (hired[i] != 0 || inst >= kinds.size() || kinds[inst] != "hospital") continue;
                     nurses += static_cast<int>(profession[i]) == nursing ? 1 : 0;
                     physicians += static_cast<int>(profession[i]) == medicine ? 1 : 0;
                   }
                   return physicians > 0 ? nurses / physicians : kNaN;
                 });
               }});

  r.push_back({"meetings_per_dyad", "mean over the program arms of /outcomes/meetings_per_dyad: meetings held per dyad",
               [](const io::InputFile& f) { return program_arm_mean(f, "meetings_per_dyad"); }});

  // Issue 16 outcomes (docs/model.md 7.22).
  r.push_back({"promotion_odds_ratio_mentored",
               "geometric mean over every arm (the control arm included) of /outcomes/promotion_odds_ratio_mentored: "
               "odds of promotion by the end of initial early-career staff who had a mentor at week 0 vs"
               " those who had none (those who left unpromoted left out); NaN arms skipped",
               [](const io::InputFile& f) {
                 const auto table = read_table(f, outcome("promotion_odds_ratio_mentored"));
                 if (!table) return missing("the file has no " + outcome("promotion_odds_ratio_mentored"));
                 StatisticValue out;
                 for (std::size_t rep = 0; rep < table->replicates; ++rep) {
                   double log_sum = 0;
                   int n = 0;
                   for (std::size_t a = 0; a < table->arms; ++a) {
                     const double ratio = table->at(rep, a);
                     if (std::isnan(ratio) || ratio <= 0) continue;
                     log_sum += std::log(ratio);
                     ++n;
                   }
                   out.values.push_back(n > 0 ? std::exp(log_sum / n) : kNaN);
                 }
                 return out;
               }});
  return r;
}

}  // namespace

const std::vector<Statistic>& statistic_registry() {
  static const std::vector<Statistic> registry = build_registry();
  return registry;
}

const Statistic* find_statistic(std::string_view name) {
  for (const auto& s : statistic_registry()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

}  // namespace mentorsim::patterns
