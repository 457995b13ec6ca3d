#include "mentorsim/engine/fields.hpp"

#include <limits>
#include <sstream>
#include <type_traits>

#include "mentorsim/core/strings.hpp"
#include "mentorsim/dynamics/enthusiasm.hpp"
#include "mentorsim/engine/outcomes.hpp"
#include "mentorsim/io/schema.hpp"

namespace mentorsim {
namespace {

using Snapshot = AgentSnapshot;

template <class E, class T>
std::vector<T> codes_of(const std::vector<E>& values) {
  std::vector<T> out(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) out[i] = static_cast<T>(values[i]);
  return out;
}

// Weeks as int32 with -1 for "never".
std::vector<std::int32_t> weeks_of(const std::vector<Step>& values) {
  std::vector<std::int32_t> out(values.size());
  for (std::size_t a = 0; a < values.size(); ++a) out[a] = values[a] == kNever ? -1 : values[a];
  return out;
}

// Network measures cover the vertices of the last merge; later hires have no ties yet.
template <class T>
std::vector<T> padded(std::vector<T> values, std::size_t n, T fill) {
  values.resize(n, fill);
  return values;
}

template <class T>
bool put(io::OutputFile& file, const std::string& path, const std::vector<T>& values) {
  file.write(path, values);
  return true;
}

std::size_t agents(const Snapshot& s) { return s.state.population.size(); }

constexpr float kFloatNaN = std::numeric_limits<float>::quiet_NaN();

constexpr std::array<AgentField, kAgentFields.size()> kAgentFieldTable = {{
    {{"id", "uint32", "[N]", "–", "dense agent id (row index)"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       std::vector<std::uint32_t> id(agents(s));
       for (std::size_t a = 0; a < id.size(); ++a) id[a] = static_cast<std::uint32_t>(a);
       return put(f, p, id);
     }},
    {{"external_id", "uint64", "[N]", "–",
      "roster id; equals `id` for synthesized staff; hires get ids above the roster's largest"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       return put(f, p, s.state.population.external_id);
     }},
    {{"institution", "uint16", "[N]", "–", "home institution code", "institution"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       return put(f, p, s.state.population.institution);
     }},
    {{"unit", "uint32", "[N]", "–", "home unit code", "unit"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) { return put(f, p, s.state.population.unit); }},
    {{"profession", "uint8", "[N]", "–", "profession code", "profession"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       return put(f, p, codes_of<Profession, std::uint8_t>(s.state.population.profession));
     }},
    {{"stage", "uint8", "[N]", "–", "career stage code (fixed during a run; hires enter as `early_career`)", "stage"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       return put(f, p, codes_of<CareerStage, std::uint8_t>(s.state.population.stage));
     }},
    {{"minority", "uint8", "[N]", "–", "1 for under-represented minority staff"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) { return put(f, p, s.state.population.minority); }},
    {{"joint_institution", "int16", "[N]", "–", "institution of a joint appointment, -1 if none", "institution"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       const auto& joint = s.state.population.joint_institution;
       std::vector<std::int16_t> out(joint.size());
       for (std::size_t a = 0; a < out.size(); ++a) {
         out[a] = joint[a] == kNoInstitution ? std::int16_t{-1} : static_cast<std::int16_t>(joint[a]);
       }
       return put(f, p, out);
     }},
    {{"years", "float32", "[N]", "years", "years of experience at creation"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) { return put(f, p, s.state.population.years); }},
    {{"arm", "uint16", "[N]", "–", "arm code", "arm"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) { return put(f, p, s.state.program.arm); }},
    {{"skills", "float32", "[N, 6]", "skill (0-1)", "skill per domain", {}, "domain"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       f.write(p, std::span<const float>(s.state.population.skills.data()), {agents(s), kDomains});
       return true;
     }},
    {{"skills_initial", "float32", "[N, 6]", "skill (0-1)", "skills at week 0 (at hire for hires)", {}, "domain"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       f.write(p, std::span<const float>(s.state.baseline.skills.data()), {agents(s), kDomains});
       return true;
     }},
    {{"confidence", "float32", "[N]", "share (0-1)", "confidence"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       return put(f, p, s.state.population.confidence);
     }},
    {{"confidence_initial", "float32", "[N]", "share (0-1)", "confidence at week 0 / at hire"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) { return put(f, p, s.state.baseline.confidence); }},
    {{"openness", "float32", "[N]", "share (0-1)", "absorptive capacity"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) { return put(f, p, s.state.population.openness); }},
    {{"time_budget", "float32", "[N]", "share (0-1)", "share of the nominal weekly mentoring time available"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       return put(f, p, s.state.population.time_budget);
     }},
    {{"workload", "float32", "[N]", "share (0-1)", "workload"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) { return put(f, p, s.state.population.workload); }},
    {{"satisfaction", "float32", "[N]", "share (0-1)", "job satisfaction"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       return put(f, p, s.state.population.satisfaction);
     }},
    {{"satisfaction_initial", "float32", "[N]", "share (0-1)", "job satisfaction at week 0 / at hire"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       return put(f, p, s.state.baseline.satisfaction);
     }},
    {{"intent_to_leave", "float32", "[N]", "probability", "probability of considering leaving"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       return put(f, p, s.state.population.intent_to_leave);
     }},
    {{"degree", "uint32", "[N]", "ties", "collegial ties"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       return put(f, p, padded(s.measures.degree, agents(s), std::uint32_t{0}));
     }},
    {{"degree_initial", "uint32", "[N]", "ties", "collegial ties at week 0 (0 for hires); isolation quartiles use it"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) { return put(f, p, s.state.baseline.degree); }},
    {{"strength", "float32", "[N]", "tie strength", "sum of tie strengths"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       return put(f, p, padded(s.measures.strength, agents(s), 0.0f));
     }},
    {{"cross_institution_ties", "uint32", "[N]", "ties", "ties to staff of another home institution"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       return put(f, p, padded(s.measures.cross_institution_ties, agents(s), std::uint32_t{0}));
     }},
    {{"strength_initial", "float32", "[N]", "tie strength",
      "sum of tie strengths at week 0 / at hire; strength_change averages strength minus this"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) { return put(f, p, s.state.baseline.strength); }},
    {{"cross_institution_ties_initial", "uint32", "[N]", "ties",
      "ties to staff of another home institution at week 0 / at hire"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       return put(f, p, s.state.baseline.cross_institution_ties);
     }},
    {{"effective_size", "float32", "[N]", "ties",
      "Burt's effective size (weighted; networkx convention); NaN if isolated"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       return put(f, p, padded(s.measures.effective_size, agents(s), kFloatNaN));
     }},
    {{"constraint", "float32", "[N]", "index", "Burt's constraint (weighted; networkx convention); NaN if isolated"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       return put(f, p, padded(s.measures.constraint, agents(s), kFloatNaN));
     }},
    {{"clustering", "float32", "[N]", "share (0-1)", "local clustering coefficient (unweighted); 0 below degree 2"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       return put(f, p, padded(s.measures.clustering, agents(s), 0.0f));
     }},
    {{"betweenness",
      "float64",
      "[N]",
      "paths",
      "unnormalised betweenness, each pair once; `method` is `exact` or `sampled`, `sources` the sources used, "
      "`mean_standard_error` the sampling error; absent when `output.betweenness = \"off\"`, or \"auto\" above "
      "`output.betweenness_sampled_max` agents",
      {},
      {},
      "method, sources, mean_standard_error"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       const AgentNetworkMeasures& m = s.measures;
       if (m.betweenness.empty()) return false;
       f.write(p, padded(m.betweenness, agents(s), 0.0));
       f.set_attribute(p, "method", std::string_view(m.betweenness_info.exact ? "exact" : "sampled"));
       f.set_attribute(p, "sources", static_cast<std::int64_t>(m.betweenness_info.sources));
       f.set_attribute(p, "mean_standard_error", m.betweenness_info.mean_standard_error);
       return true;
     }},
    {{"manager", "int64", "[N]", "–", "line manager's id, -1 if none"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       const auto& manager = s.state.population.manager;
       std::vector<std::int64_t> out(manager.size());
       for (std::size_t a = 0; a < out.size(); ++a) {
         out[a] = manager[a] == kNoAgent ? -1 : static_cast<std::int64_t>(manager[a]);
       }
       return put(f, p, out);
     }},
    {{"hired", "int32", "[N]", "week",
      "first week the agent is present (0 for the initial staff; a hire made at the end of week t has `hired` = t "
      "+ 1)"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) { return put(f, p, s.state.population.hired); }},
    {{"left", "int32", "[N]", "week",
      "first week without the agent (it was last active in week `left` - 1), -1 if still active"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       return put(f, p, weeks_of(s.state.population.left));
     }},
    {{"role", "uint8", "[N]", "–", "bit 1: was a mentor, bit 2: was a mentee (0 = non-participant)"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) { return put(f, p, s.state.program.role); }},
    {{"eligible", "uint8", "[N]", "–", "bit 1: eligible as mentor, bit 2: eligible as mentee, in its arm"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) { return put(f, p, s.state.program.eligible); }},
    {{"enrolled", "uint8", "[N]", "–", "bit 1: enrolled as mentor, bit 2: enrolled as mentee"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) { return put(f, p, s.state.program.enrolled); }},
    {{"enrolled_week", "int32", "[N]", "week", "week the agent enrolled as mentee, -1 if never"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       return put(f, p, weeks_of(s.state.program.enrolled_week));
     }},
    {{"matched_week", "int32", "[N]", "week", "week the agent first got a mentor, -1 if never"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       return put(f, p, weeks_of(s.state.program.matched_week));
     }},
    // Issue 16 outcomes (docs/model.md 7.22).
    {{"stage_initial", "uint8", "[N]", "–", "career stage code at week 0 (at hire for hires)", "stage"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       return put(f, p, codes_of<CareerStage, std::uint8_t>(s.state.baseline.stage));
     }},
    {{"promoted", "int32", "[N]", "week",
      "first week at a stage above `stage_initial` (promoted at the end of week `promoted` - 1), -1 if never "
      "promoted: censored at `left` or at the end of the run"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       return put(f, p, weeks_of(s.state.population.promoted));
     }},
    {{"enthusiasm", "float32", "[N]", "enthusiasm (0-1)",
      "enthusiasm E: renewed by mentoring meetings, eroded by workload and their time (docs/model.md 7.22)"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       std::vector<float> out(agents(s));
       for (AgentId a = 0; a < out.size(); ++a) out[a] = static_cast<float>(enthusiasm_of(s.state, a));
       return put(f, p, out);
     }},
    {{"enthusiasm_initial", "float32", "[N]", "enthusiasm (0-1)",
      "enthusiasm at week 0 / at hire: the rest value of the agent's workload"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       std::vector<float> out(agents(s));
       for (AgentId a = 0; a < out.size(); ++a) {
         out[a] = static_cast<float>(enthusiasm_rest(s.state.scenario->dynamics(), s.state.population.workload[a]));
       }
       return put(f, p, out);
     }},
    {{"leadership_from_mentoring", "float32", "[N]", "skill (0-1)",
      "leadership skill the agent's dyads (program and informal, as mentor or mentee) gave it since week 0: "
      "teaching flows and learning by mentoring (docs/model.md 7.22)"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       const DyadTable& dyads = s.dyads;
       const LeadershipFlows& flows = s.state.leadership_flows;
       std::vector<float> out(agents(s), 0.0f);
       for (DyadId d = 0; d < flows.to_mentor.size(); ++d) {
         out[dyads.mentor[d]] += flows.to_mentor[d];
         out[dyads.mentee[d]] += flows.to_mentee[d];
       }
       return put(f, p, out);
     }},
    {{"papers", "uint32", "[N]", "papers", "papers (or grant applications) the agent led since week 0 or hire (7.22)"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       return put(f, p, padded(s.state.research.papers, agents(s), std::uint32_t{0}));
     }},
    {{"new_directions", "uint32", "[N]", "papers",
      "of those, the first papers with a coauthor of another home institution or profession (new research "
      "directions)"},
     [](io::OutputFile& f, const std::string& p, const Snapshot& s) {
       return put(f, p, padded(s.state.research.new_directions, agents(s), std::uint32_t{0}));
     }},
}};

constexpr bool agent_fields_match_scenario() {
  for (std::size_t k = 0; k < kAgentFields.size(); ++k) {
    if (kAgentFieldTable[k].info.name != kAgentFields[k]) return false;
  }
  return true;
}
static_assert(agent_fields_match_scenario(),
              "the per-agent field table lists the fields of kAgentFields (scenario/scenario.hpp), in its order");

using R = DyadRecords;

// Calls use(column) with one column of every table, joined in table order: the table's own column
// when there is one table (a single replicate, the usual case for large runs), otherwise a joined copy.
template <class T, class Use>
void with_column(const R& r, std::vector<T> DyadTable::*column, const Use& use) {
  if (r.tables.size() == 1) {
    use(r.tables[0].*column);
    return;
  }
  std::size_t total = 0;
  for (const DyadTable& t : r.tables) total += (t.*column).size();
  std::vector<T> joined;
  joined.reserve(total);
  for (const DyadTable& t : r.tables) joined.insert(joined.end(), (t.*column).begin(), (t.*column).end());
  use(joined);
}

// The field writers of kDyadFieldTable: a column as stored, or as the uint8 codes of its enum values.
template <auto Column>
void write_dyad_column(io::OutputFile& f, const std::string& p, const R& r) {
  with_column(r, Column, [&](const auto& c) { f.write(p, c); });
}
template <auto Column>
void write_dyad_codes(io::OutputFile& f, const std::string& p, const R& r) {
  with_column(r, Column, [&](const auto& c) {
    f.write(p, codes_of<typename std::decay_t<decltype(c)>::value_type, std::uint8_t>(c));
  });
}

// The replicate of every dyad.
std::vector<Replicate> replicate_of_dyads(const R& r) {
  std::vector<Replicate> out;
  for (std::size_t k = 0; k < r.tables.size(); ++k) out.insert(out.end(), r.tables[k].size(), r.replicate[k]);
  return out;
}
constexpr std::array kDyadFieldTable = std::to_array<DyadField>({
    {{"replicate", "uint32", "[D]", "–", "replicate"},
     [](io::OutputFile& f, const std::string& p, const R& r) { f.write(p, replicate_of_dyads(r)); }},
    {{"mentor", "uint32", "[D]", "–", "agent id"}, write_dyad_column<&DyadTable::mentor>},
    {{"mentee", "uint32", "[D]", "–", "agent id"}, write_dyad_column<&DyadTable::mentee>},
    {{"arm", "uint16", "[D]", "–", "arm code", "arm"}, write_dyad_column<&DyadTable::arm>},
    {{"type", "uint8", "[D]", "–", "dyad type code", "dyad_type"}, write_dyad_codes<&DyadTable::type>},
    {{"formation", "uint8", "[D]", "–", "formation code", "formation"}, write_dyad_codes<&DyadTable::formation>},
    {{"group", "uint32", "[D]", "–",
      "group-mentoring circle (the dyad id of its first dyad); equals the dyad's own index otherwise"},
     write_dyad_column<&DyadTable::group>},
    {{"start", "int32", "[D]", "week", "week formed"}, write_dyad_column<&DyadTable::start>},
    {{"end", "int32", "[D]", "week", "week ended, -1 if active at the end"},
     [](io::OutputFile& f, const std::string& p, const R& r) {
       with_column(r, &DyadTable::end, [&](const auto& c) { f.write(p, weeks_of(c)); });
     }},
    {{"end_reason", "uint8", "[D]", "–", "end reason code (`active` if still running)", "end_reason"},
     write_dyad_codes<&DyadTable::end_reason>},
    {{"quality", "float32", "[D]", "quality (0-1)", "relationship quality at the end"},
     write_dyad_column<&DyadTable::quality>},
    {{"quality_initial", "float32", "[D]", "quality (0-1)", "relationship quality at formation"},
     write_dyad_column<&DyadTable::quality_initial>},
    {{"similarity", "float32", "[D]", "score (0-1)", "mentor-mentee similarity"},
     write_dyad_column<&DyadTable::similarity>},
    {{"complementarity", "float32", "[D]", "score (0-1)", "teacher advantage x learner need on the program's domains"},
     write_dyad_column<&DyadTable::complementarity>},
    {{"fit", "float32", "[D]", "SD (standard normal)",
      "latent pair fit (values, personality, working style): never measured, unknown to assigners"},
     write_dyad_column<&DyadTable::fit>},
    {{"fit_perceived", "float32", "[D]", "SD (standard normal)",
      "the fit the mentee perceived when it chose its mentor (fit + fit_noise x error); NaN for assigned pairs"},
     write_dyad_column<&DyadTable::fit_perceived>},
    {{"meetings", "uint32", "[D]", "meetings", "meetings held"}, write_dyad_column<&DyadTable::meetings>},
    {{"domains", "uint8", "[D]", "–",
      "network mentoring: the domains its mentor teaches, a bit mask over the skill domains (bit k = domain k of "
      "/codes/domain order: clinical 1, digital 2, research 4, teaching 8, leadership 16, culture_wellbeing 32); 0 = "
      "every flow of its type (docs/model.md 7.20)"},
     write_dyad_column<&DyadTable::domains>},
});

using M = Metric;
using A = Aggregate;
constexpr std::array<MetricInfo, kMetricCount> kMetricTable = {{
    {M::n, "n", false, A::count, "agents", "active agents in the group"},
    {M::n_initial, "n_initial", false, A::count, "agents", "the group's initial staff at week 0, constant in time"},
    {M::retained, "retained", false, A::share_of_initial, "share", "share of the group's initial staff still active"},
    {M::leavers, "leavers", false, A::count, "agents", "agents of the group who left since the previous observation"},
    {M::hires, "hires", false, A::count, "agents", "hires into the group since the previous observation"},
    {M::skill, "skill", true, A::mean, "skill (0-1)", "mean skill in the domain"},
    {M::confidence, "confidence", false, A::mean, "share (0-1)", "mean confidence"},
    {M::satisfaction, "satisfaction", false, A::mean, "share (0-1)", "mean job satisfaction"},
    {M::intent_to_leave, "intent_to_leave", false, A::mean, "probability", "mean intent to leave"},
    {M::psych_safety, "psych_safety", false, A::mean, "share (0-1)", "mean psychological safety of the members' units"},
    {M::degree, "degree", false, A::mean, "ties", "mean collegial ties to active staff"},
    {M::strength, "strength", false, A::mean, "tie strength", "mean sum of tie strengths to active staff"},
    {M::cross_institution_ties, "cross_institution_ties", false, A::mean, "ties",
     "mean ties to active staff of another home institution"},
    {M::in_mentoring, "in_mentoring", false, A::mean, "share", "share in at least one active dyad"},
    {M::mentoring_as_mentor, "mentoring_as_mentor", false, A::mean, "share", "share in an active dyad as mentor"},
    {M::mentoring_as_mentee, "mentoring_as_mentee", false, A::mean, "share", "share in an active dyad as mentee"},
    {M::meetings, "meetings", false, A::mean, "meetings",
     "meetings attended per agent since the previous observation (a circle meeting counts once for its mentor)"},
    // Issue 16 outcomes (docs/model.md 7.22).
    {M::promoted, "promoted", false, A::mean, "share",
     "share promoted at least once since week 0 or hire (groups are by current stage: a promoted agent counts in "
     "its new stage)"},
    {M::enthusiasm, "enthusiasm", false, A::mean, "enthusiasm (0-1)", "mean enthusiasm E (docs/model.md 7.22)"},
    {M::papers, "papers", false, A::mean, "papers", "mean papers led since week 0 or hire (docs/model.md 7.22)"},
}};

constexpr bool metrics_in_enum_order() {
  for (std::size_t k = 0; k < kMetricTable.size(); ++k) {
    if (static_cast<std::size_t>(kMetricTable[k].metric) != k) return false;
    // metric_column assumes the metric by domain is `skill`, the only one.
    if (kMetricTable[k].by_domain != (kMetricTable[k].metric == M::skill)) return false;
  }
  return true;
}
static_assert(metrics_in_enum_order(), "metric_table() rows follow enum Metric; only `skill` is by domain");

constexpr std::array kCodeTables = std::to_array<CodeTable>({
    {{"institution", "string", "[I]", "–", "institution names, by institution code"}},
    {{"institution_kind", "string", "[I]", "–",
      "`hospital`, `university` or `research_institute`, by institution code"}},
    {{"unit", "string", "[U]", "–",
      "unit codes (`<institution>/<k>` when synthesized, the roster's code otherwise), by unit code"}},
    {{"unit_institution", "uint16", "[U]", "–", "institution code of each unit", "institution"}},
    {{"profession", "string", "[8]", "–", "profession names, by profession code"}},
    {{"stage", "string", "[4]", "–", "career stage names, by stage code"}},
    {{"domain", "string", "[6]", "–", "skill domain names (the column order of `skills`)"}},
    {{"dyad_type", "string", "[6]", "–", "dyad type names, by dyad type code"}},
    {{"formation", "string", "[4]", "–", "formation names, by formation code"}},
    {{"end_reason", "string", "[9]", "–", "end reason names, by end reason code"}},
    {{"arm", "string", "[A]", "–", "arm names, by arm code (`none` when the scenario has no program)"}},
});

std::string attributes_of(const FieldInfo& info) {
  std::string out;
  auto add = [&](std::string_view text) {
    if (!out.empty()) out += ", ";
    out += text;
  };
  if (!info.codes.empty()) add(cat("`codes` = `", io::schema::codes_table(info.codes), "`"));
  if (!info.columns.empty()) add(cat("`columns` = `", io::schema::codes_table(info.columns), "`"));
  if (!info.extra_attributes.empty()) {
    std::string rest(info.extra_attributes);
    std::size_t start = 0;
    while (start < rest.size()) {
      std::size_t end = rest.find(", ", start);
      if (end == std::string::npos) end = rest.size();
      add(cat("`", rest.substr(start, end - start), "`"));
      start = end + 2;
    }
  }
  return out.empty() ? "–" : out;
}

constexpr std::string_view kDatasetHeader =
    "| path | type | shape | unit | attributes | meaning |\n|---|---|---|---|---|---|\n";

void row(std::ostringstream& out, const std::string& path, const FieldInfo& info) {
  out << "| `" << path << "` | " << info.type << " | " << info.shape << " | " << info.unit << " | "
      << attributes_of(info) << " | " << info.description << " |\n";
}

}  // namespace

std::span<const AgentField> agent_fields() { return kAgentFieldTable; }

std::span<const DyadField> dyad_fields() { return kDyadFieldTable; }

const std::array<MetricInfo, kMetricCount>& metric_table() { return kMetricTable; }

const std::vector<std::string>& timeseries_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const MetricInfo& m : kMetricTable) {
      if (!m.by_domain) {
        out.emplace_back(m.name);
        continue;
      }
      for (std::string_view domain : EnumTraits<Domain>::names) out.push_back(cat(m.name, "_", domain));
    }
    return out;
  }();
  return names;
}

std::span<const CodeTable> code_tables() { return kCodeTables; }

std::string agent_fields_markdown() {
  std::ostringstream out;
  out << kDatasetHeader;
  for (const AgentField& f : agent_fields()) row(out, cat(io::schema::kAgentsFinal, "/", f.info.name), f.info);
  return out.str();
}

std::string dyad_fields_markdown() {
  std::ostringstream out;
  out << kDatasetHeader;
  for (const DyadField& f : dyad_fields()) row(out, cat(io::schema::kDyads, "/", f.info.name), f.info);
  return out.str();
}

std::string timeseries_markdown() {
  std::ostringstream out;
  out << kDatasetHeader;
  row(out, std::string(io::schema::kTimeseriesStep),
      FieldInfo{"step", "int32", "[O]", "week", "week of each observation"});
  for (const MetricInfo& m : kMetricTable) {
    const char* how = m.aggregate == Aggregate::count              ? " (a count)"
                      : m.aggregate == Aggregate::share_of_initial ? ""
                                                                   : " (over active agents; NaN with none)";
    std::vector<std::string> names;
    if (m.by_domain) {
      for (std::string_view domain : EnumTraits<Domain>::names) names.push_back(cat(m.name, "_", domain));
    } else {
      names.emplace_back(m.name);
    }
    for (const std::string& name : names) {
      const std::string description =
          cat(m.description, m.by_domain ? cat(" `", name.substr(m.name.size() + 1), "`") : std::string(), how);
      row(out, cat(io::schema::kTimeseries, "/", name), FieldInfo{name, "float64", "[R, O, G]", m.unit, description});
    }
  }
  return out.str();
}

std::string outcomes_markdown() {
  std::ostringstream out;
  out << kDatasetHeader;
  for (const OutcomeColumn& c : outcome_columns()) {
    const OutcomeInfo& info = outcome_info(c.outcome);
    std::string description(info.description);
    if (info.breakdown != Breakdown::none) {
      const std::string_view meaning = breakdown_level_meaning(info.breakdown, c.level);
      description = cat("`", breakdown_levels(info.breakdown)[c.level], "`",
                        meaning.empty() ? "" : cat(" (", meaning, ")"), ": ", description);
    }
    row(out, cat(io::schema::kOutcomes, "/", c.name), FieldInfo{c.name, "float64", "[R, A]", info.unit, description});
  }
  for (Subgroup s : {Subgroup::minority, Subgroup::isolation}) {
    for (const OutcomeInfo& info : outcome_table()) {
      if (!reported_by(info, s)) continue;
      const std::string shape = cat("[R, A, ", std::to_string(subgroup_size(s)), "]");
      const std::string description =
          cat(info.name, " by ",
              s == Subgroup::minority ? "minority status (0, 1)" : "isolation quartile (0 = most isolated)");
      row(out, cat(io::schema::outcomes_by(subgroup_name(s)), "/", info.name),
          FieldInfo{info.name, "float64", shape, info.unit, description});
    }
  }
  return out.str();
}

std::string codes_markdown() {
  std::ostringstream out;
  out << kDatasetHeader;
  for (const CodeTable& t : code_tables()) row(out, io::schema::codes_table(t.info.name), t.info);
  return out.str();
}

}  // namespace mentorsim
