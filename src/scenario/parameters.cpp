#include "mentorsim/scenario/parameters.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "mentorsim/core/rng.hpp"
#include "mentorsim/core/strings.hpp"
#include "mentorsim/scenario/scenario.hpp"

namespace mentorsim::scenario {
namespace {

// ---------------------------------------------------------------------------------------------
// Formatting

// The shortest text that reads back as the same double ("0.2", "20", "0.188").
std::string shortest(double value) {
  std::array<char, 64> buffer{};
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  if (ec != std::errc{}) return std::to_string(value);
  return std::string(buffer.data(), end);
}

// A number as the documentation shows it: large round numbers as powers of ten ("10^6", "2·10^8").
std::string display_number(double value) {
  if (std::fabs(value) >= 1e4 && std::fabs(value) < 1e300) {
    const int exponent = static_cast<int>(std::floor(std::log10(std::fabs(value))));
    const double mantissa = value / std::pow(10.0, exponent);
    const double rounded = std::round(mantissa);
    if (std::fabs(mantissa - rounded) < 1e-9 && rounded >= 1.0 && rounded <= 9.0) {
      const std::string power = "10^" + std::to_string(exponent);
      return rounded == 1.0 ? power : shortest(rounded) + "·" + power;
    }
  }
  return shortest(value);
}

std::string json_string(std::string_view text) { return cat("\"", text, "\""); }

template <class E>
std::string names_of() {
  std::string out;
  for (const auto name : EnumTraits<E>::names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

std::string json_list(const std::vector<std::string>& names) {
  std::string out = "[";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ", ";
    out += json_string(names[i]);
  }
  return out + "]";
}

// ---------------------------------------------------------------------------------------------
// Building declarations

// The words that document a parameter.
struct Doc {
  std::string unit;
  std::string meaning;
  std::string source;
  std::string rule = {};
};

Parameter documented(std::string key, ValueType type, Doc doc) {
  Parameter p;
  p.key = std::move(key);
  p.type = type;
  p.unit = std::move(doc.unit);
  p.meaning = std::move(doc.meaning);
  p.source = std::move(doc.source);
  p.rule = std::move(doc.rule);
  return p;
}

Parameter real(std::string key, double fallback, Range range, Doc doc) {
  Parameter p = documented(std::move(key), ValueType::real, std::move(doc));
  p.range = range;
  p.defaults = {display_number(fallback)};
  p.defaults_json = {shortest(fallback)};
  return p;
}

Parameter integer(std::string key, std::int64_t fallback, std::int64_t min, std::int64_t max, Doc doc) {
  Parameter p = documented(std::move(key), ValueType::integer, std::move(doc));
  p.min = min;
  p.max = max;
  p.defaults = {display_number(static_cast<double>(fallback))};
  p.defaults_json = {std::to_string(fallback)};
  return p;
}

Parameter boolean(std::string key, bool fallback, Doc doc) {
  Parameter p = documented(std::move(key), ValueType::boolean, std::move(doc));
  p.defaults = {fallback ? "true" : "false"};
  p.defaults_json = p.defaults;
  return p;
}

template <class E>
Parameter choice(std::string key, E fallback, Doc doc) {
  Parameter p = documented(std::move(key), ValueType::choice, std::move(doc));
  p.allowed = names_of<E>();
  p.defaults = {std::string(to_string(fallback))};
  p.defaults_json = {json_string(to_string(fallback))};
  return p;
}

// A value whose type is not a number: `shown` is the documented default, `json` how resolved_json
// records it ("" when it depends on other keys).
Parameter other(std::string key, ValueType type, std::string shown, std::string json, std::string allowed, Doc doc) {
  Parameter p = documented(std::move(key), type, std::move(doc));
  p.allowed = std::move(allowed);
  p.defaults = {std::move(shown)};
  p.defaults_json = {std::move(json)};
  return p;
}

Parameter with_bounds(Parameter p, std::int64_t min, std::int64_t max) {
  p.min = min;
  p.max = max;
  return p;
}

Parameter not_recorded(Parameter p) {
  p.recorded = false;
  p.defaults_json = {""};
  return p;
}

Parameter optional_key(Parameter p, std::string shown) {
  p.optional = true;
  p.defaults = {std::move(shown)};
  p.defaults_json = {""};
  return p;
}

// A real-valued dynamics parameter: `member` of `group` in DynamicsSpec; its default is the struct's.
template <class G, class T>
Parameter bind(G DynamicsSpec::*group, T G::*member, Parameter p) {
  p.get = [group, member](const DynamicsSpec& spec) { return static_cast<double>(spec.*group.*member); };
  p.set = [group, member](DynamicsSpec& spec, double value) { spec.*group.*member = static_cast<T>(value); };
  return p;
}

template <class G, class T>
Parameter dyn_real(G DynamicsSpec::*group, T G::*member, std::string key, Range range, Doc doc) {
  const DynamicsSpec defaults{};
  return bind(group, member, real(std::move(key), static_cast<double>(defaults.*group.*member), range, std::move(doc)));
}

template <class G, class T>
Parameter dyn_integer(G DynamicsSpec::*group, T G::*member, std::string key, std::int64_t min, std::int64_t max,
                      Doc doc) {
  const DynamicsSpec defaults{};
  return bind(group, member,
              integer(std::move(key), static_cast<std::int64_t>(defaults.*group.*member), min, max, std::move(doc)));
}

constexpr Range kOpenUnit{0.0, 1.0, true, true};
constexpr Range kPositiveUnit{0.0, 1.0, true, false};
constexpr Range kUnitOpenAbove{0.0, 1.0, false, true};
constexpr Range kWeight5{0.0, 5.0};
constexpr Range kConcentration{0.0, 1e6, true, false};

ParameterGroup group(std::string path, std::string title, std::vector<Parameter> parameters) {
  ParameterGroup g;
  g.path = std::move(path);
  g.title = std::move(title);
  g.parameters = std::move(parameters);
  return g;
}

// ---------------------------------------------------------------------------------------------
// The declarations

using D = DynamicsSpec;

ParameterGroup run_group() {
  const RunSettings run{};
  return group(
      "run", "Run length, replicates and seed",
      {
          integer(
              "seed", static_cast<std::int64_t>(run.seed), 0, std::numeric_limits<std::int64_t>::max(),
              {"", "master seed: the same seed gives bitwise the same results for any thread count", "design choice"}),
          integer("weeks", run.weeks, 0, 52 * 100, {"weeks", "weeks simulated", "design choice"}),
          integer("replicates", run.replicates, 1, kMaxReplicates - 1,
                  {"", "independent replicates (each with its own population, network and draws)", "design choice"}),
          not_recorded(integer("threads", run.threads, 0, 1024,
                               {"threads",
                                "worker threads, 0 = all hardware threads; kept out of /meta/resolved_json "
                                "because results do not depend on it",
                                "design choice"})),
      });
}

ParameterGroup population_group() {
  const InstitutionSpec hospital = default_institution(InstitutionKind::hospital);
  return group(
      "population", "Population size and source",
      {
          optional_key(integer("size", 0, 1, 200'000'000,
                               {"staff", "total staff; scales every institution's size and unit count in proportion",
                                "design choice", "not with roster"}),
                       "sum of the institutions' sizes"),
          optional_key(other("roster", ValueType::file, "", "", "",
                             {"", "CSV roster of real staff instead of the synthesizer (docs/roster.md)", "data",
                              "not with size"}),
                       "none"),
          real("minority_share", hospital.minority_share, kUnit,
               {"share", "default minority_share of every institution that does not give its own",
                "assumption: no published figure in docs/calibration.md"}),
      });
}

ParameterGroup institution_group() {
  std::array<InstitutionSpec, 3> kinds{};
  for (std::size_t k = 0; k < kinds.size(); ++k) kinds[k] = default_institution(enum_at<InstitutionKind>(k));
  const auto per_kind = [&](Parameter p, auto value_of, auto json_of) {
    p.defaults.clear();
    p.defaults_json.clear();
    for (const auto& inst : kinds) {
      p.defaults.push_back(value_of(inst));
      p.defaults_json.push_back(json_of(inst));
    }
    return p;
  };
  const auto number = [&](const Parameter& p, auto member) {
    return per_kind(
        p, [&](const InstitutionSpec& i) { return display_number(static_cast<double>(i.*member)); },
        [&](const InstitutionSpec& i) { return shortest(static_cast<double>(i.*member)); });
  };
  const auto shares = [&](const Parameter& p, auto member) {
    return per_kind(
        p,
        [&](const InstitutionSpec& i) {
          std::string out;
          for (double v : i.*member) {
            if (!out.empty()) out += ' ';
            out += shortest(v);
          }
          return out;
        },
        [](const InstitutionSpec&) { return std::string(); });
  };

  ParameterGroup g = group(
      "population.institutions[]", "Institutions; the default trio is used when none is listed",
      {
          per_kind(
              other("name", ValueType::text, "", "", "",
                    {"", "institution name, used by program.institutions", "design choice",
                     "required when institutions are listed; unique"}),
              [](const InstitutionSpec& i) { return i.name; },
              [](const InstitutionSpec& i) { return json_string(i.name); }),
          per_kind(
              other("kind", ValueType::choice, "", "", names_of<InstitutionKind>(),
                    {"", "what the institution is; sets the defaults of this table", "design choice",
                     "required when institutions are listed"}),
              [](const InstitutionSpec& i) { return std::string(to_string(i.kind)); },
              [](const InstitutionSpec& i) { return json_string(to_string(i.kind)); }),
          number(integer("size", 0, 1, 200'000'000,
                         {"staff", "staff of the institution",
                          "assumption: a teaching hospital, a health faculty and an institute of typical relative size",
                          "not with a roster"}),
                 &InstitutionSpec::size),
          number(integer("units", 0, 1, 10'000'000,
                         {"units", "wards, departments, schools or labs",
                          "assumption: wards about 30, schools about 40, labs about 20 staff",
                          "≤ size; not with a roster"}),
                 &InstitutionSpec::units),
          number(real("hierarchy", 0.0, kUnit,
                      {"", "steepness of the hierarchy h: scales power distance and approach anxiety",
                       "assumption; ordering from the review: \"the traditionally hierarchical fields of academic and "
                       "clinical medicine\""}),
                 &InstitutionSpec::hierarchy),
          number(real("psych_safety", 0.0, kUnit,
                      {"", "mean initial psychological safety ψ of its units",
                       "assumption; inverse ordering of hierarchy"}),
                 &InstitutionSpec::psych_safety),
          shares(other("professions", ValueType::shares, "", "", names_of<Profession>(),
                       {"", "staff shares by profession",
                        "hospital: C21, about 2.1 nurses per physician (0.50 / 0.24 = 2.08); others assumption"}),
                 &InstitutionSpec::profession_mix),
          shares(other("stages", ValueType::shares, "", "", names_of<CareerStage>(),
                       {"", "staff shares by career stage", "assumption"}),
                 &InstitutionSpec::stage_mix),
          per_kind(
              real("minority_share", 0.0, kUnit,
                   {"share", "share of under-represented minority staff",
                    "assumption: no published figure in docs/calibration.md"}),
              [](const InstitutionSpec&) { return std::string("population.minority_share"); },
              [](const InstitutionSpec&) { return std::string(); }),
          number(real("joint_share", 0.0, kUnit,
                      {"share", "share of staff with a joint appointment at another institution",
                       "assumption; review: staff \"usually work across multiple institutions, including hospitals, "
                       "research centers and universities\"",
                       "≤ the non-student share; 0 with one institution"}),
                 &InstitutionSpec::joint_share),
      });
  g.layout = Layout::by_kind;
  for (const auto& inst : kinds) g.columns.emplace_back(to_string(inst.kind));
  return g;
}

// Skill priors (Beta means) by career stage x domain. scenario.cpp reads the same values;
// tests/scenario/test_parameters.cpp checks that they agree.
constexpr std::array<std::array<double, kDomains>, kStages> kSkillMeans = {{
    {0.20, 0.70, 0.15, 0.10, 0.10, 0.60},  // student
    {0.45, 0.70, 0.30, 0.30, 0.25, 0.65},  // early_career
    {0.65, 0.50, 0.45, 0.50, 0.45, 0.50},  // mid_career
    {0.80, 0.35, 0.60, 0.65, 0.70, 0.40},  // senior
}};

// Trait priors by stage: confidence, openness, time budget, workload, satisfaction.
constexpr std::array<std::array<double, 5>, kStages> kTraitMeans = {{
    {0.35, 0.70, 0.60, 0.50, 0.70},  // student
    {0.45, 0.65, 0.55, 0.60, 0.65},  // early_career
    {0.60, 0.60, 0.45, 0.65, 0.65},  // mid_career
    {0.75, 0.50, 0.35, 0.70, 0.65},  // senior
}};
constexpr std::array<std::string_view, 5> kTraitNames = {"confidence", "openness", "time_budget", "workload",
                                                         "satisfaction"};

template <std::size_t Columns>
ParameterGroup prior_group(std::string path, std::string title, double concentration, Doc concentration_doc,
                           const std::array<std::array<double, Columns>, kStages>& means,
                           const std::array<std::string_view, Columns>& columns, const Doc& mean_doc) {
  std::vector<Parameter> parameters{real("concentration", concentration, kConcentration, std::move(concentration_doc))};
  for (std::size_t s = 0; s < kStages; ++s) {
    for (std::size_t c = 0; c < Columns; ++c) {
      parameters.push_back(real(std::string(to_string(enum_at<CareerStage>(s))) + "." + std::string(columns[c]),
                                means[s][c], kOpenUnit, mean_doc));
    }
  }
  ParameterGroup g = group(std::move(path), std::move(title), std::move(parameters));
  g.layout = Layout::matrix;
  for (auto c : columns) g.columns.emplace_back(c);
  return g;
}

ParameterGroup skills_group() {
  std::array<std::string_view, kDomains> domains{};
  for (std::size_t d = 0; d < kDomains; ++d) domains[d] = to_string(enum_at<Domain>(d));
  const PopulationSpec defaults{};
  return prior_group(
      "population.skills", "Skill priors: Beta distributions by career stage and domain", defaults.skill_concentration,
      {"", "Beta concentration (a + b) of every skill prior (prior SD about 0.1)", "assumption"}, kSkillMeans, domains,
      {"", "Beta mean of the skill prior, by stage (row) and domain (column)",
       "ordinal pattern from the review: seniors high in clinical, leadership and research skills and low in digital "
       "ones; early-career staff at \"the forefront\" of new technologies (\"e-learning modules, apps, podcasts and "
       "online forums, and electronic databases\") and able to drive culture and wellbeing; magnitudes assumption"});
}

ParameterGroup traits_group() {
  const PopulationSpec defaults{};
  return prior_group(
      "population.traits", "Trait priors: Beta distributions by career stage", defaults.trait_concentration,
      {"", "Beta concentration (a + b) of every trait prior", "assumption"}, kTraitMeans, kTraitNames,
      {"", "Beta mean of the trait prior, by stage (row) and trait (column)",
       "time budget: C16 (lack of time is the main barrier): against time_required = 0.4, 65% of seniors, 38% of "
       "mid-career and 17% of early-career staff have less time than a meeting needs; the review: early-career staff "
       "\"may have more time\"; confidence rising with stage: the review (the mentor \"may be plagued by a lack of "
       "confidence and experience\"); openness, workload and satisfaction: assumption (satisfaction 0.65 is the "
       "turnover reference, [dynamics.turnover])"});
}

ParameterGroup network_group() {
  const NetworkSpec n{};
  return group(
      "network", "Collegial (advice) network generator",
      {
          real("mean_degree", n.mean_degree, Range{0.0, 500.0, true, false},
               {"ties", "target mean number of collegial ties per person",
                "C22 (Janmano et al. 2018): advice-network mean degree in hospitals about 10"}),
          real("clustering", n.clustering, Range{0.0, 0.5},
               {"", "target average local clustering coefficient", "C23: advice-network clustering 0.02–0.23"}),
          real("same_profession", n.same_profession, kConcentration,
               {"odds", "odds of a same-profession colleague within each pool",
                "C24 (Mascia et al. 2015): professional homophily stronger than institutional; the odds value is an "
                "assumption"}),
          real(
              "within_unit", n.within_unit, kUnit,
              {"share", "share of block-model ties made within the unit",
               "assumption: advice is sought mostly on the ward or department", "within_unit + cross_institution ≤ 1"}),
          real("cross_institution", n.cross_institution, kUnit,
               {"share", "share of block-model ties made with another institution",
                "assumption: few cross-institution ties; review: \"often there is a lack of formal relationship "
                "between hospital, university and research institutions\""}),
          real("joint_secondary_share", n.joint_secondary_share, kUnit,
               {"share", "share of a joint appointee's ties anchored at its second institution",
                "assumption: a joint appointee spends less than half its time at the second institution"}),
          real("initial_weight", n.initial_weight, kPositiveUnit,
               {"", "mean initial tie strength", "assumption (mid-strength ties)"}),
          real("tie_decay", n.tie_decay, kUnitOpenAbove,
               {"per week", "weekly relaxation of a tie's strength toward its routine strength",
                "assumption (half-life of an unused new tie about 69 weeks)"}),
          optional_key(
              other("edges", ValueType::file, "", "", "",
                    {"", "CSV edge list instead of the generator (docs/roster.md)", "data", "needs population.roster"}),
              "none"),
          optional_key(choice("edge_weight", n.edge_weight,
                              {"", "how the edge list's weights become initial tie strengths (docs/roster.md)", "data",
                               "needs network.edges"}),
                       "as_is"),
      });
}

ParameterGroup program_group() {
  const ProgramSpec p{};
  ParameterGroup g = group(
      "program", "Program design: [program] (one design) or each [[arms]] entry",
      {
          other("name", ValueType::text, "program (control when kind = none)", json_string("control"), "",
                {"", "arm name ([program] only; each [[arms]] entry must name itself)", "design choice"}),
          choice("kind", p.kind,
                 {"",
                  "mentoring style (peer: same-stage pairs teaching each other, docs/model.md 7.9; spot: one-off "
                  "consultations, 7.21)",
                  "design choice; review: peer-to-peer mentoring as an application of developmental theory; styles "
                  "\"extend from the classical model to cascading mentoring, group mentoring, network mentoring, spot "
                  "mentoring and virtual mentoring\""}),
          other("institutions", ValueType::list, "all", "[]", "names of institutions",
                {"", "institutions whose staff are eligible (empty = all)", "design choice"}),
          other("professions", ValueType::list, "all", "[]", names_of<Profession>(),
                {"", "professions eligible (empty = all)", "design choice"}),
          other("mentor_stages", ValueType::list,
                "reverse, reciprocal: early_career; traditional: mid_career, senior; group: senior; peer: all", "",
                names_of<CareerStage>(),
                {"", "career stages eligible as mentors",
                 "review: reverse mentoring pairs \"a more junior specialist\" mentor with \"a generally older, more "
                 "experienced\" mentee; traditional mentors are \"one career stage above a mentee\"; peer: any "
                 "stage, paired within it"}),
          other("mentee_stages", ValueType::list,
                "reverse, reciprocal: mid_career, senior; traditional, group: student, early_career; peer: all", "",
                names_of<CareerStage>(), {"", "career stages eligible as mentees", "as mentor_stages"}),
          real(
              "uptake", p.uptake, kUnit,
              {"share", "share of eligible mentees who enrol (peer: of eligible peers, split half mentor, half mentee)",
               "assumption, near C1 (Palepu et al. 1998): 54% of academic physicians have a mentor"}),
          other("mentor_uptake", ValueType::real, "= uptake", "", "",
                {"share", "share of eligible mentors who enrol (not for peer mentoring: peers enrol by uptake)",
                 "C3 (Bonilha et al. 2019): professors actively mentoring 50.3% before and 68.0% after a program "
                 "(0.5 when uptake is not set)"}),
          choice("strategy", p.strategy, {"", "how pairs form", "design choice"}),
          choice("cross_institution", p.cross_institution,
                 {"", "a mentor from another institution is allowed, preferred or required",
                  "design choice; review: a program \"that functions across institutions\""}),
          choice("cross_profession", p.cross_profession,
                 {"", "a mentor from another profession is allowed, preferred or required", "design choice"}),
          with_bounds(other("mentor_capacity", ValueType::integer, "1 (group: group_size)", "", "",
                            {"mentees", "mentees per mentor", "assumption: one-to-one mentoring"}),
                      1, 50),
          integer("group_size", p.group_size, 2, 50,
                  {"mentees", "mentees per circle", "assumption", "group mentoring only"}),
          real("directory_visibility", p.directory_visibility, kUnit,
               {"probability",
                "self_identified and spot: chance each pool mentor (spot: directory expert) outside one's 2-hop circle "
                "is seen",
                "assumption: a directory is browsed, not read in full"}),
          integer("fallback_weeks", p.fallback_weeks, 1, 520,
                  {"weeks", "hybrid: weeks of self-identification before the assigned fallback",
                   "assumption: two months to self-identify", "< duration_weeks"}),
          boolean("rematch", p.rematch,
                  {"",
                   "mentees whose dyad ended early are matched again (a network mentee for the domain sets of the "
                   "dyads it lost)",
                   "assumption"}),
          integer("rematch_interval_weeks", p.rematch_interval_weeks, 1, 520,
                  {"weeks", "weeks between re-matching rounds", "assumption"}),
          integer("start_week", p.start_week, 0, 5200,
                  {"week", "week the program starts (enrolment and first matching)",
                   "assumption: a month of baseline before rollout", "< run.weeks"}),
          integer("duration_weeks", p.duration_weeks, 1, 5200,
                  {"weeks", "program length; every dyad ends at start_week + duration_weeks",
                   "C18: program length 3–12 months; C19 (Raza & Onyesoh 2020): 6 meetings over 6 months"}),
          with_bounds(other("cadence_weeks", ValueType::integer, "4 (spot: 1)", "", "",
                            {"weeks", "nominal weeks between meetings (spot: a consultation's one week)",
                             "C17 (Oladeji et al. 2018): meeting cadence weekly 21%, monthly 43%, twice a year 26% — "
                             "monthly, the commonest",
                             "≤ duration_weeks; not for spot programs"}),
                      1, 520),
          choice("meeting_mode", p.meeting_mode,
                 {"", "how pairs meet: in person, by video call (virtual) or blended (docs/model.md 7.8)",
                  "design choice; review: \"virtual mentoring\" is one of the styles of mentoring"}),
          boolean("mentor_training", p.mentor_training,
                  {"", "mentors are trained: less role ambiguity, a confidence boost at their first dyad",
                   "design choice; review: mentors \"may lack prior experience in the role of mentor\""}),
          boolean("mentee_preparation", p.mentee_preparation,
                  {"", "mentees are prepared for the role (training, expectations set): less role ambiguity",
                   "design choice; review Figure 1: mentee preparation; Lee, Anzai & Langlotz 2006 (Acad Radiol): "
                   "aligning mentor and mentee expectations"}),
          boolean("mentor_sponsorship", p.mentor_sponsorship,
                  {"",
                   "mentors sponsor their mentees: higher promotion hazard while the dyad runs, introductions "
                   "to the mentor's contacts at other institutions",
                   "design choice; review: in traditional mentoring \"the mentor acts as a 'sponsor'\" who \"gives "
                   "and shares opportunities\""}),
          real("sponsorship", p.sponsorship, kUnit,
               {"", "leadership sponsorship while the program runs (unit culture)",
                "assumption; review Figure 1: \"communication and cooperation between senior leaders of all "
                "institutions, as well as leadership and input from early career staff\""}),
          // Cascading (docs/model.md 7.19).
          integer(
              "cascade_waves", p.cascade_waves, 1, kMaxCascadeWaves,
              {"waves",
               "cascading: consecutive waves of duration_weeks each; the mentees of a wave who graduate mentor "
               "in the later waves (1 = no cascade)",
               "design choice; review: styles of mentoring \"extend from the classical model to cascading mentoring\"",
               "not for peer programs; the last wave starts before run.weeks"}),
          real("cascade_threshold", p.cascade_threshold, kUnit,
               {"skill (0-1)",
                "cascading: mean skill, over the domains its mentor taught, a mentee needs at the end of its wave to "
                "mentor in the later waves",
                "assumption: half the skill scale, above the senior prior of the domains a reverse mentor teaches "
                "(about 0.35-0.4)",
                "cascade_waves > 1"}),
          with_bounds(other("cascade_depth", ValueType::integer, "cascade_waves - 1", "", "",
                            {"generations",
                             "cascading: most generations a graduate mentor may be from an original mentor (0 = the "
                             "original mentors run every wave alone)",
                             "design choice", "≤ cascade_waves - 1; cascade_waves > 1"}),
                      0, kMaxCascadeWaves - 1),
          // Network (developmental network) mentoring (docs/model.md 7.20).
          integer("mentors_per_mentee", p.mentors_per_mentee, 1, kMaxNetworkMentors,
                  {"mentors",
                   "network mentoring: mentors each mentee holds at once, each teaching its own domains (1 = one "
                   "mentor)",
                   "design choice; Higgins & Kram 2001 (Acad Manage Rev): a developmental network of several "
                   "developers at once; review: \"network mentoring\" is one of the styles of mentoring",
                   "≤ the domains the kind's mentors teach; not group, peer or spot"}),
          other("network_domains", ValueType::list, "the kind's taught domains split evenly, in order", "",
                "domain names joined by +",
                {"", "network mentoring: the domains of each of a mentee's mentors, one \"a+b\" set per mentor",
                 "design choice", "one set per mentor; domains the kind's mentors teach, each in one set only"}),
          // Spot mentoring (docs/model.md 7.21).
          real("spot_rate", p.spot_rate, kUnit,
               {"per week",
                "spot: weekly probability that an enrolled seeker without a consultation has a specific need (one "
                "domain)",
                "assumption: about one need a year per seeker", "kind = \"spot\""}),
          real("spot_min_gap", p.spot_min_gap, kUnit,
               {"skill (0-1)",
                "spot: an expert's skill in the need's domain must exceed the seeker's by at least this to be asked",
                "assumption: a tenth of the skill scale, about one prior SD", "kind = \"spot\""}),
      });
  return g;
}

ParameterGroup arms_group() {
  return group("arms[]", "Arms: each [[arms]] entry also takes every key of [program]",
               {
                   other("name", ValueType::text, "none (required)", "", "",
                         {"", "arm name", "design choice", "required; unique"}),
                   other("share", ValueType::real, "1 / number of arms", "", "",
                         {"share", "share of staff (or of units, under cluster randomisation) in the arm",
                          "design choice", "all arms or none give a share; the shares sum to 1"}),
               });
}

ParameterGroup randomisation_group() {
  const RandomisationSpec r{};
  return group(
      "randomisation", "Allocation of staff to arms; stepped wedge",
      {
          choice("method", r.method,
                 {"", "randomise individuals, or whole units (cluster)", "design choice", "cluster when waves > 0"}),
          integer("waves", r.waves, 0, 100,
                  {"waves", "stepped wedge: the one program arm becomes this many waves (0 = none)", "design choice"}),
          integer("wave_interval_weeks", r.wave_interval_weeks, 1, 520,
                  {"weeks", "weeks between the starts of successive waves", "assumption: one quarter"}),
      });
}

ParameterGroup output_group() {
  const OutputSpec o{};
  std::vector<std::string> fields(kAgentFields.begin(), kAgentFields.end());
  return group(
      "output", "What the results file holds",
      {
          not_recorded(other("path", ValueType::text, o.path.string(), "", "",
                             {"", "results file (--output overrides it); kept out of /meta/resolved_json",
                              "design choice", "not empty"})),
          other("agent_fields", ValueType::list, "all", json_list(fields), "the fields of docs/hdf5-schema.md",
                {"", "per-agent fields written in snapshots", "design choice"}),
          other("snapshot_weeks", ValueType::list, "none", "[]", "",
                {"weeks", "extra per-agent snapshots, besides the final one", "design choice",
                 "weeks in [0, run.weeks], no repeats"}),
          integer("observe_every", o.observe_every, 1, 5200,
                  {"weeks", "weeks between /timeseries observations", "design choice"}),
          boolean("all_replicates", o.all_replicates,
                  {"", "per-agent and network output for every replicate, not only replicate 0", "design choice"}),
          boolean("network", o.network, {"", "write /network/final", "design choice"}),
          choice("betweenness", o.betweenness,
                 {"",
                  "betweenness in snapshots: exact, sampled, or auto (exact up to betweenness_exact_max agents, "
                  "sampled up "
                  "to betweenness_sampled_max, left out above)",
                  "assumption: exact Brandes costs O(N E)"}),
          integer("betweenness_sources", o.betweenness_sources, 1, 1'000'000,
                  {"sources", "sampled sources when betweenness is sampled", "assumption"}),
          integer("betweenness_exact_max", o.betweenness_exact_max, 0, 1'000'000,
                  {"agents", "auto: exact betweenness up to this many agents", "assumption"}),
          integer("betweenness_sampled_max", o.betweenness_sampled_max, 0, 200'000'000,
                  {"agents",
                   "auto: sampled betweenness up to this many agents, left out above (with a warning; "
                   "betweenness = \"sampled\" asks for it at any size)",
                   "assumption: 256 sampled sources take about 50 s at 1M staff on 2 cores (docs/performance.md)"}),
      });
}

ParameterGroup dynamics_switches_group() {
  return group(
      "dynamics", "Submodels switched off for an ablation: [dynamics]",
      {
          other("disabled", ValueType::list, "none", "[]", names_of<Submodel>(),
                {"", "submodels whose weekly stage does not run (docs/model.md 7.0)", "design choice", "no repeats"}),
      });
}

ParameterGroup approach_group() {
  return group(
      "dynamics.approach", "Self-identified pairing: search, ranking and approach anxiety",
      {
          dyn_real(&D::approach, &ApproachParams::approach_base, "approach_base", kOpenUnit,
                   {"probability",
                    "probability of approaching a candidate at no power distance, full confidence, not "
                    "minority",
                    "assumption: some reluctance even between peers (1 in 10 candidates not approached)"}),
          dyn_real(&D::approach, &ApproachParams::power_weight, "power_weight", Range{0.0, 20.0},
                   {"logit", "logit of approaching lost per unit of power distance PD × (1 − ψ)",
                    "review: \"junior employees being afraid to approach a senior colleague about mentorship\"; value "
                    "assumption: with confidence_weight, a student of confidence 0.5 approaching a senior under h 0.7 "
                    "in a unit of ψ 0.5 dares with probability about one half, as with the former additive defaults"}),
          dyn_real(&D::approach, &ApproachParams::confidence_weight, "confidence_weight", Range{0.0, 20.0},
                   {"logit", "logit of approaching lost per unit of (1 − c)",
                    "review: mentors and juniors \"plagued by a lack of confidence\"; value assumption"}),
          dyn_real(&D::approach, &ApproachParams::reluctance_weight, "reluctance_weight", kWeight5,
                   {"", "a mentor's reluctance to accept: weight of PD(mentor → mentee) × (1 − ψ) × (1 − c_mentor)",
                    "review: junior (reverse) mentors' \"lack of confidence\"; value assumption (the former "
                    "power_weight)"}),
          dyn_real(&D::approach, &ApproachParams::minority_odds_ratio, "minority_odds_ratio",
                   Range{0.0, 100.0, true, false},
                   {"odds ratio", "odds ratio of approaching a candidate, minority vs majority staff",
                    "C5 (Ramanan et al. 2006): minority residents' odds of having a mentor 0.3, applied to each "
                    "approach; the emergent odds ratio of having a mentor (outcome minority_coverage_odds_ratio) is "
                    "a check"}),
          dyn_real(&D::approach, &ApproachParams::homophily_weight, "homophily_weight", Range{0.0, 10.0},
                   {"", "weight of similarity against complementarity when ranking candidates",
                    "C10 (Eby et al. 2013): similarity and perceived relationship quality, rho 0.38–0.59 (mentees "
                    "expect similar mentors to work out); value assumption"}),
          dyn_integer(&D::approach, &ApproachParams::max_candidates, "max_candidates", 1, 1000,
                      {"mentors", "candidates a mentee considers (and approaches if it dares) over its whole search",
                       "assumption: a short list"}),
          dyn_integer(&D::approach, &ApproachParams::approaches_per_week, "approaches_per_week", 1, 1000,
                      {"mentors per week",
                       "candidates a searching mentee considers in a week: the best it has not considered before, "
                       "each approached if it dares",
                       "assumption: approaching a possible mentor is a conversation, one a week; a value of "
                       "max_candidates or more considers the whole short list in the first week (a one-shot search)"}),
          dyn_integer(&D::approach, &ApproachParams::patience_weeks, "patience_weeks", 1, 520,
                      {"weeks",
                       "weeks a self-identifying mentee searches, from its enrolment week, before it gives up "
                       "unmatched",
                       "assumption: two months, the default fallback_weeks of a hybrid program; docs/model.md 10.1 "
                       "shows how much the answers depend on it"}),
          dyn_integer(&D::approach, &ApproachParams::directory_max, "directory_max", 0, 100000,
                      {"profiles", "directory profiles a mentee reads at most",
                       "assumption: binds only for pools above directory_max / directory_visibility mentors (1,000 "
                       "at the default visibility)"}),
          dyn_real(&D::approach, &ApproachParams::fit_noise, "fit_noise", Range{0.0, 100.0},
                   {"SD of fit",
                    "error in perceiving a pair's latent fit: a self-identifying mentee sees fit + fit_noise ν, the "
                    "approached mentor fit + fit_noise ν′ (ν, ν′ standard normal, fixed per pair)",
                    "assumption: an impression from a few contacts is as noisy as what it judges (correlation of "
                    "perceived with true fit 1/√2 at 1); 0 = perfect insight, large = choice blind to fit"}),
          dyn_real(
              &D::approach, &ApproachParams::fit_choice_weight, "fit_choice_weight", Range{0.0, 10.0},
              {"per SD of fit", "weight of perceived fit when a mentee ranks candidates and a mentor likes a proposer",
               "assumption: at 0.5 one SD of perceived fit weighs as much in the ranking as the whole similarity "
               "range (homophily_weight 0.5); self-chosen pairs form on interpersonal comfort and mutual "
               "identification (C9, Ragins & Cotton 1999)"}),
      });
}

ParameterGroup informal_group() {
  return group(
      "dynamics.informal", "Informal mentoring outside any program (docs/model.md 7.18)",
      {
          dyn_real(&D::informal, &InformalParams::initial_seek, "initial_seek", kUnit,
                   {"probability",
                    "probability that a staff member below senior looks for an informal mentor at week 0 (one search, "
                    "`approaches` candidates)",
                    "assumption: everyone has looked once by week 0, which gives about half of the staff below "
                    "senior a mentor (0.47 on the baseline), between C1 (Palepu et al. 1998: 54%) and C2 (Bonilha et "
                    "al. 2019: 45.3%); 0 = no informal mentoring at week 0"}),
          dyn_real(&D::informal, &InformalParams::seek_rate, "seek_rate", kUnit,
                   {"per week",
                    "weekly probability that a staff member below senior with no mentor (informal or formal) looks "
                    "for an informal mentor",
                    "assumption: chosen so that without a program the share with a mentor stays at its week-0 level "
                    "(0.47 at week 0, 0.49 at week 104 in the baseline's control arm; docs/model.md 7.18); 0 = no "
                    "new informal dyads"}),
          dyn_integer(&D::informal, &InformalParams::approaches, "approaches", 1, 1000,
                      {"candidates", "best-ranked candidates a seeker approaches in turn per search",
                       "assumption: an informal request is made to one person at a time; a seeker turned down tries "
                       "again in a later week"}),
          dyn_integer(&D::informal, &InformalParams::capacity, "capacity", 0, 1000,
                      {"mentees", "informal mentees a mentor takes at most (0 = no informal mentoring)",
                       "assumption: like the default program capacity"}),
          dyn_real(&D::informal, &InformalParams::natural_end, "natural_end", kUnitOpenAbove,
                   {"per year",
                    "annual hazard that an informal relationship runs its course (geometric duration, mean "
                    "1 / (1 - (1 - rate)^(1/52)) weeks before the other endings)",
                    "C31 (Kram 1983): the cultivation phase of a mentoring relationship lasts 2–5 years; 0.2 a "
                    "year is a mean of 4.5 years before the other endings (value assumption within that range)"}),
          dyn_integer(&D::informal, &InformalParams::cadence_weeks, "cadence_weeks", 1, 520,
                      {"weeks", "nominal weeks between informal meetings",
                       "assumption: informal pairs meet less regularly than a program's monthly schedule (C17: "
                       "26% of pairs meet about twice a year)"}),
      });
}

// Issue 16 outcomes (docs/model.md 7.22).
ParameterGroup enthusiasm_group() {
  return group(
      "dynamics.enthusiasm", "Enthusiasm: renewed by mentoring meetings, eroded by workload and their time (7.22)",
      {
          dyn_real(&D::enthusiasm, &EnthusiasmParams::reference, "reference", kUnit,
                   {"enthusiasm (0-1)", "E_ref: the enthusiasm an agent recovers to without workload",
                    "assumption: a scale-setting value; with the default erosion the rest value at the reference "
                    "workload is 0.5, the middle of the scale"}),
          dyn_real(&D::enthusiasm, &EnthusiasmParams::recovery, "recovery", kPositiveUnit,
                   {"per week", "weekly share of the gap to the reference recovered",
                    "assumption: a drained agent recovers half the gap in about 14 weeks, as satisfaction "
                    "adjusts"}),
          dyn_real(&D::enthusiasm, &EnthusiasmParams::workload_erosion, "workload_erosion", kUnit,
                   {"per week", "weekly share of enthusiasm lost at workload = satisfaction.workload_reference",
                    "assumption: job demands drain engagement (Bakker & Demerouti 2007); set so that the rest "
                    "value at the reference workload is 0.5"}),
          dyn_real(&D::enthusiasm, &EnthusiasmParams::renewal, "renewal", kUnit,
                   {"per meeting", "share of the gap to 1 a successful meeting of quality 1 restores (x quality)",
                    "assumption: the review's \"renewed enthusiasm\" of mentors; a good monthly meeting lifts "
                    "an agent at rest by about 0.05 before recovery pulls it back"}),
          dyn_real(&D::enthusiasm, &EnthusiasmParams::time_erosion, "time_erosion", kUnit,
                   {"per budget", "share of enthusiasm lost per meeting that takes the whole weekly time budget",
                    "assumption: C16 (lack of time is the main barrier); half the renewal, so a meeting of good "
                    "quality renews more than its time drains unless it overruns the time budget"}),
      });
}

ParameterGroup research_group() {
  return group(
      "dynamics.research", "Research output: papers led, and new research directions (7.22)",
      {
          dyn_real(&D::research, &ResearchParams::annual_rate, "annual_rate", Range{0.0, 100.0},
                   {"per year",
                    "papers (or grant applications) a year of an agent with research skill 1, no workload and no "
                    "collaboration ties; 0 = no research output",
                    "assumption: about one paper a year for a clinician-researcher of research skill 0.5 with half "
                    "its time free and a few research-active colleagues; scale only"}),
          dyn_real(&D::research, &ResearchParams::collaboration_weight, "collaboration_weight", Range{0.0, 10.0},
                   {"", "relative rise of the rate with full collaboration ties (C >= collaboration_reference)",
                    "assumption: collaboration doubles output; mentoring's research benefit in the review acts "
                    "through skill and ties"}),
          dyn_real(&D::research, &ResearchParams::collaboration_reference, "collaboration_reference",
                   Range{0.0, 100.0, true, false},
                   {"tie strength x skill",
                    "collaboration capacity C (sum over ties of strength x the colleague's research skill) that "
                    "gives the full rise",
                    "assumption: about four ties of strength 0.5 to colleagues of research skill 1, or eight of "
                    "skill 0.5"}),
      });
}

ParameterGroup meetings_group() {
  return group(
      "dynamics.meetings", "Whether a dyad meets this week",
      {
          dyn_real(&D::meetings, &MeetingParams::time_required, "time_required", kPositiveUnit,
                   {"time budget", "share of the weekly time budget a meeting needs: availability a = min(1, b / τ)",
                    "C16: lack of time is the main barrier (about 75%); with the time-budget priors 65% of seniors "
                    "have a < 1"}),
          dyn_real(&D::meetings, &MeetingParams::quality_floor, "quality_floor", kUnit,
                   {"", "meeting probability factor at quality 0 (1 at quality 1)",
                    "C12 (Eby et al. 2013): meeting frequency and psychosocial support, rho 0.25 (better "
                    "relationships meet more); value assumption: 0.9 (was 0.5) since meetings also raise quality "
                    "(success_gain, failure_loss), so that both channels together give a correlation near 0.25"}),
          dyn_real(&D::meetings, &MeetingParams::virtual_time_factor, "virtual_time_factor", kPositiveUnit,
                   {"", "time of a virtual meeting relative to an in-person one at the same institution",
                    "assumption: a video call needs no walk to a shared room; Ensher, Heun & Blanchard 2003 (J Vocat "
                    "Behav) discuss online mentoring as freeing mentoring from constraints of time and distance"}),
          dyn_real(&D::meetings, &MeetingParams::cross_institution_travel, "cross_institution_travel", kWeight5,
                   {"",
                    "extra time of an in-person meeting between partners of different institutions (travel), "
                    "as a share of the meeting's time",
                    "assumption: 0 keeps the model without travel; review: \"often there is a lack of formal "
                    "relationship between hospital, university and research institutions\""}),
          dyn_real(&D::meetings, &MeetingParams::blended_virtual_share, "blended_virtual_share", kUnit,
                   {"share", "share of a blended program's meetings held virtually", "assumption: half"}),
          dyn_real(&D::meetings, &MeetingParams::meeting_hours, "meeting_hours", Range{0.0, 24.0, true, false},
                   {"hours", "hours of an in-person meeting within one institution (the cost outcomes)",
                    "assumption: an hour-long meeting"}),
      });
}

ParameterGroup exchange_group() {
  return group(
      "dynamics.exchange", "Knowledge exchange in meetings",
      {
          dyn_real(&D::exchange, &ExchangeParams::rate, "rate", kUnit,
                   {"per meeting",
                    "η: share of the skill gap a learner closes in a meeting at quality 1, openness 1, no damping",
                    "C14 (Feldman et al. 2010): mentoring and self-efficacy, d about 0.55; η gives a mentee a gain of "
                    "about half a prior SD over six meetings (about 0.4 SD over the ~3.5 meetings a default monthly "
                    "reverse dyad holds in 26 weeks; back-of-envelope)"}),
          dyn_real(&D::exchange, &ExchangeParams::back_flow, "back_flow", kUnit,
                   {"", "reciprocal dyads: weight of the senior mentee's teaching back",
                    "review: in education \"learning is a two-way street or 'boomerang'\"; value assumption"}),
          dyn_real(&D::exchange, &ExchangeParams::traditional_back_flow, "traditional_back_flow", kUnit,
                   {"", "traditional dyads: weight of the junior mentee's teaching up",
                    "review: \"mentoring is a 'two-way street'\"; small because it is not the dyad's purpose; "
                    "assumption"}),
          dyn_real(&D::exchange, &ExchangeParams::group_dilution, "group_dilution", Range{0.0, 10.0},
                   {"", "group circles of k mentees learn at rate / (1 + group_dilution (k − 1))",
                    "assumption: a circle shares the mentor's attention"}),
          dyn_real(&D::exchange, &ExchangeParams::role_learning, "role_learning", kUnit,
                   {"per meeting", "mentor's own teaching and leadership growth per meeting (learning by mentoring)",
                    "review: reverse mentors develop \"professional skills\" and \"cross-generational leadership\"; "
                    "value assumption"}),
      });
}

ParameterGroup diffusion_group() {
  return group("dynamics.diffusion", "Informal learning along collegial ties",
               {
                   dyn_real(&D::diffusion, &DiffusionParams::rate, "rate", kUnit,
                            {"per week", "ε: weekly informal learning along collegial ties",
                             "assumption: slow compared with a meeting (about 1% of η per week); review: communities "
                             "of practice (Wenger 1999)"}),
               });
}

ParameterGroup relationships_group() {
  ParameterGroup g = group(
      "dynamics.relationships", "Relationship quality, failure and ending",
      {
          dyn_real(
              &D::relationships, &RelationshipParams::initial_quality, "initial_quality", kUnit,
              {"", "quality of a new pair of average similarity", "assumption: a new pair starts moderately well"}),
          dyn_real(&D::relationships, &RelationshipParams::self_identified_bonus, "self_identified_bonus",
                   Range{-1.0, 1.0},
                   {"", "extra initial quality of a self-identified pair, on top of what fit and similarity give",
                    "assumption kept for sensitivity only, default 0: the self-identified advantage (C8, Yamada et "
                    "al. 2014: 4.0 vs 3.3 on 5) is a check the model reproduces or misses through latent fit"}),
          dyn_real(&D::relationships, &RelationshipParams::similarity_weight, "similarity_weight", Range{0.0, 2.0},
                   {"", "initial quality per unit of similarity above 1/2",
                    "C10 (Eby et al. 2013): similarity and perceived relationship quality, rho 0.38–0.59; value "
                    "calibrated to P8a with P1a, P7, P8c, P8d, P9, P11a, P11b: posterior median 0.513 (90% "
                    "0.22–0.96; calibration/defaults.toml, seed 2026, 2026-12-06; was 0.3)"}),
          dyn_real(&D::relationships, &RelationshipParams::fit_quality_weight, "fit_quality_weight", Range{0.0, 1.0},
                   {"per SD of fit", "initial quality per SD of the pair's latent fit",
                    "assumption: one SD of fit moves a new pair's quality as much as a third of the similarity "
                    "range (similarity_weight 0.3 when it was chosen); fit is the unmeasured part of compatibility "
                    "(C10, Eby et al. "
                    "2013: perceived similarity predicts quality, rho 0.38–0.59)"}),
          dyn_real(&D::relationships, &RelationshipParams::fit_communication, "fit_communication", Range{0.0, 1.0},
                   {"per SD of fit", "poor-communication failure share removed per SD of latent fit, every meeting",
                    "assumption: well-fitting pairs communicate better (C28, Straus et al. 2013: poor communication "
                    "is a main cause of failed mentoring)"}),
          dyn_real(&D::relationships, &RelationshipParams::success_gain, "success_gain", kUnit,
                   {"", "q += success_gain (1 − q) after a successful meeting",
                    "C12 (Eby et al. 2013): interaction frequency and relationship quality, rho 0.25; value "
                    "assumption: with failure_loss, a meeting of an untrained reverse pair at q = 0.6 raises q on "
                    "average while its power imbalance is below 0.17 (0.22 before failure_loss was calibrated; "
                    "docs/model.md 7.11)"}),
          dyn_real(&D::relationships, &RelationshipParams::failure_loss, "failure_loss", kUnit,
                   {"", "q −= failure_loss q after a failed meeting",
                    "calibrated to P7 and P8c with P1a, P8a, P8d, P9, P11a, P11b: posterior median 0.0914 (90% "
                    "0.040–0.130; calibration/defaults.toml, seed 2026, 2026-12-06; was 0.08, and 0.15 with "
                    "success_gain 0.1, when a meeting lowered quality on average)"}),
          dyn_real(&D::relationships, &RelationshipParams::missed_loss, "missed_loss", kUnit,
                   {"per week", "quality erosion per unit of time shortage in a week without a meeting",
                    "C16: lack of time is the main barrier (missed meetings erode pairs short of time); value "
                    "calibrated to P7, P8c and P1a with P8a, P8d, P9, P11a, P11b: posterior median 0.0713 (90% "
                    "0.018–0.123; calibration/defaults.toml, seed 2026, 2026-12-06; was 0.05)"}),
          dyn_real(&D::relationships, &RelationshipParams::role_ambiguity, "role_ambiguity", kUnit,
                   {"", "failure share from unclear roles, reverse and reciprocal dyads",
                    "review: reverse mentoring \"can lead to a lack of clarity in the role of the mentor and "
                    "mentee\"; value assumption"}),
          dyn_real(&D::relationships, &RelationshipParams::base_ambiguity, "base_ambiguity", kUnit,
                   {"", "failure share from unclear roles, traditional and group dyads",
                    "assumption: traditional roles are clearer"}),
          dyn_real(&D::relationships, &RelationshipParams::training_effect, "training_effect", kUnit,
                   {"", "share of role ambiguity removed by mentor training",
                    "assumption; the review cites mentor training programs (Sheri et al. 2019)"}),
          dyn_real(&D::relationships, &RelationshipParams::preparation_effect, "preparation_effect", kUnit,
                   {"", "share of role ambiguity removed by mentee preparation (program key mentee_preparation)",
                    "assumption: half the effect of mentor training, as it acts on one side of the pair; review "
                    "Figure 1 (mentee preparation); Zachary & Fischler 2009 (The Mentee's Guide)"}),
          dyn_real(&D::relationships, &RelationshipParams::dissolve_threshold, "dissolve_threshold", kUnit,
                   {"", "a dyad whose quality falls below this ends at once", "assumption", "< initial_quality"}),
          dyn_real(&D::relationships, &RelationshipParams::time_hazard, "time_hazard", kUnit,
                   {"per week", "ending hazard per unit of time shortage",
                    "C16: lack of time is the main barrier, so the commonest ending; value assumption"}),
          dyn_real(&D::relationships, &RelationshipParams::quality_hazard, "quality_hazard", kUnit,
                   {"per week", "ending hazard per unit of (1 − q)",
                    "C28 (Straus et al. 2013): causes of failed mentoring; value assumption",
                    "time_hazard + quality_hazard ≤ 1"}),
      });
  g.check = [](Reader& r, const DynamicsSpec& x) {
    const auto& p = x.relationships;
    if (p.time_hazard + p.quality_hazard > 1.0) {
      r.error("quality_hazard", "time_hazard + quality_hazard must not exceed 1 (weekly probabilities)");
    }
    if (p.dissolve_threshold >= p.initial_quality && p.initial_quality > 0.0) {
      r.error("dissolve_threshold", "must be below initial_quality, or every dyad ends as soon as it forms");
    }
  };
  return g;
}

ParameterGroup confidence_group() {
  return group(
      "dynamics.confidence", "Confidence of mentors and mentees",
      {
          dyn_real(
              &D::confidence, &ConfidenceParams::empowerment, "empowerment", kUnit,
              {"per meeting", "reverse and reciprocal mentors after a successful meeting: c += empowerment (1 − c)",
               "review: \"a mentor's feeling of empowerment and job satisfaction\"; \"the mentor may feel more "
               "like a peer\"; value assumption"}),
          dyn_real(&D::confidence, &ConfidenceParams::setback, "setback", kUnit,
                   {"per meeting", "mentors after a failed meeting: c −= setback c",
                    "review: the mentor \"may be plagued by a lack of confidence and experience\"; value assumption"}),
          dyn_real(&D::confidence, &ConfidenceParams::mentee_efficacy, "mentee_efficacy", kUnit,
                   {"per meeting", "mentees after a successful meeting: c += mentee_efficacy (1 − c)",
                    "C14 (Feldman et al. 2010): mentoring and self-efficacy, d about 0.55; value calibrated to P9 "
                    "with P1a, P7, P8a, P8c, P8d, P11a, P11b: posterior median 0.115 (90% 0.039–0.266; "
                    "calibration/defaults.toml, seed 2026, 2026-12-06; was 0.02)"}),
          dyn_real(&D::confidence, &ConfidenceParams::training_boost, "training_boost", kUnit,
                   {"", "a trained mentor at its first dyad: c += training_boost (1 − c)", "assumption"}),
      });
}

ParameterGroup ties_group() {
  ParameterGroup g = group(
      "dynamics.ties", "Mentoring bonds, introductions and tie merges",
      {
          dyn_real(&D::ties, &TieParams::bond_gain, "bond_gain", kUnit,
                   {"per meeting", "mentor–mentee tie after a successful meeting: w += bond_gain (1 − w)",
                    "C11 (Eby et al. 2013): relationship quality and social capital, rho 0.54 (direction); value "
                    "assumption"}),
          dyn_real(&D::ties, &TieParams::bond_initial, "bond_initial", kPositiveUnit,
                   {"", "strength of a new mentor–mentee tie", "assumption", "> drop_threshold"}),
          dyn_real(
              &D::ties, &TieParams::introduction_probability, "introduction_probability", kUnit,
              {"probability", "per partner and successful meeting: an introduction to one of the other's colleagues",
               "review: reverse mentoring \"can extend mentors social capital, improving access to the "
               "resources of others\" and opens \"communication lines\"; value assumption"}),
          dyn_real(&D::ties, &TieParams::introduction_weight, "introduction_weight", kPositiveUnit,
                   {"", "strength of a tie made by introduction", "assumption: a weak tie", "> drop_threshold"}),
          dyn_real(&D::ties, &TieParams::sponsor_introduction, "sponsor_introduction", kUnit,
                   {"probability",
                    "per successful meeting of a sponsored dyad: the mentor introduces the mentee to one of its "
                    "contacts at another institution",
                    "assumption; review: a sponsor \"gives and shares opportunities\", and mentoring can extend "
                    "\"access to the resources of others\""}),
          dyn_real(&D::ties, &TieParams::virtual_bond_factor, "virtual_bond_factor", kUnit,
                   {"", "bond gain and introduction probability of a virtual meeting, relative to an in-person one",
                    "assumption: a video call builds less of a tie and meets fewer of the partner's colleagues; "
                    "Ensher, Heun & Blanchard 2003 (J Vocat Behav) discuss the challenges of building a mentoring "
                    "relationship through computer-mediated communication"}),
          dyn_real(&D::ties, &TieParams::drop_threshold, "drop_threshold", kUnitOpenAbove,
                   {"", "ties weaker than this (and than their routine strength) go at the next merge", "assumption"}),
          dyn_integer(&D::ties, &TieParams::merge_interval, "merge_interval", 1, 520,
                      {"weeks", "weeks between merges of new and removed ties",
                       "assumption (performance: the network is rebuilt, not mutated)"}),
      });
  g.check = [](Reader& r, const DynamicsSpec& x) {
    const auto& p = x.ties;
    if (p.introduction_weight <= p.drop_threshold) {
      r.error("introduction_weight", "must exceed drop_threshold, or introduced ties vanish at once");
    }
    if (p.bond_initial <= p.drop_threshold) {
      r.error("bond_initial", "must exceed drop_threshold, or new mentoring ties vanish at once");
    }
  };
  return g;
}

ParameterGroup satisfaction_group() {
  return group(
      "dynamics.satisfaction", "Satisfaction target and adjustment",
      {
          dyn_real(&D::satisfaction, &SatisfactionParams::adjustment, "adjustment", kUnit,
                   {"per week", "weekly share of the gap to the target satisfaction closed",
                    "assumption: half-life about 14 weeks"}),
          dyn_real(&D::satisfaction, &SatisfactionParams::quality_weight, "quality_weight", kWeight5,
                   {"", "weight of the mean quality of one's active dyads (minus 1/2)",
                    "C13 (Eby et al. 2013): support and quality with satisfaction, rho 0.36 and 0.38; review: \"the "
                    "presence of a mentor is associated with higher reports of career satisfaction\"; value "
                    "calibrated to P8d with P1a, P7, P8a, P8c, P9, P11a, P11b: posterior median 0.175 (90% "
                    "0.025–1.16; calibration/defaults.toml, seed 2026, 2026-12-06; was 0.3)"}),
          dyn_real(&D::satisfaction, &SatisfactionParams::growth_weight, "growth_weight", kWeight5,
                   {"", "weight of the cumulative skill gain (sum over domains)",
                    "review: mentors' \"sense of personal fulfillment\"; value assumption"}),
          dyn_real(&D::satisfaction, &SatisfactionParams::empowerment_weight, "empowerment_weight", kWeight5,
                   {"", "weight of the confidence gain since week 0",
                    "review: \"feeling of empowerment and job satisfaction\"; value assumption"}),
          dyn_real(&D::satisfaction, &SatisfactionParams::adaptation, "adaptation", kUnit,
                   {"per week",
                    "weekly share of one's skill and confidence gains that becomes the new normal: the growth and "
                    "empowerment terms count gains above an adapting reference (0 = gains count forever)",
                    "Boswell, Boudreau & Tichy 2005 and Boswell et al. 2009: job satisfaction rises after a change "
                    "and falls back toward its set point within about a year (honeymoon-hangover); value "
                    "assumption: half-life about 27 weeks"}),
          dyn_real(&D::satisfaction, &SatisfactionParams::burden_weight, "burden_weight", kWeight5,
                   {"", "weight of the burden B: the share of the time budget mentoring takes, scaled by workload",
                    "C16: lack of time is the main barrier; value assumption"}),
          dyn_real(&D::satisfaction, &SatisfactionParams::workload_reference, "workload_reference", kPositiveUnit,
                   {"",
                    "workload at which mentoring time weighs as its share of the time budget: B = min(1, "
                    "time share · workload / workload_reference)",
                    "assumption: the early-career workload prior mean; busier staff feel the same mentoring hour "
                    "more (C16: lack of time is the main barrier)"}),
          dyn_real(&D::satisfaction, &SatisfactionParams::failure_weight, "failure_weight", kWeight5,
                   {"",
                    "satisfaction target lost while a dyad of one's failed recently (ended for a relationship "
                    "reason)",
                    "C15 (DeCastro et al. 2014): about 10% of mentored faculty dissatisfied with their mentoring; "
                    "value assumption"}),
          dyn_integer(
              &D::satisfaction, &SatisfactionParams::failure_window_weeks, "failure_window_weeks", 0, 520,
              {"weeks", "how long a failed dyad weighs on its partners' satisfaction", "assumption: a quarter"}),
          dyn_real(&D::satisfaction, &SatisfactionParams::imbalance_weight, "imbalance_weight", kWeight5,
                   {"",
                    "satisfaction target lost per unit of power imbalance a mentor bears in its active dyads "
                    "(summed, capped at 1)",
                    "C29 (Nembhard & Edmondson 2006): lower status, less psychological safety; review: reverse "
                    "mentoring can go wrong through power imbalance; value assumption: as failure_weight"}),
      });
}

ParameterGroup turnover_group() {
  const std::array<std::string, kStages> sources = {
      "assumption: programs end and students move on",
      "C20: new-graduate nurse turnover about 17% a year",
      "assumption",
      "assumption",
  };
  std::vector<Parameter> parameters;
  const DynamicsSpec defaults{};
  for (std::size_t s = 0; s < kStages; ++s) {
    const std::string stage(to_string(enum_at<CareerStage>(s)));
    Parameter p = real(
        "annual_rate." + stage, defaults.turnover.annual_rate[s], kUnitOpenAbove,
        {"per year", "annual leaving rate of " + stage + " staff at their stage's week-0 mean intent", sources[s]});
    p.get = [s](const DynamicsSpec& spec) { return spec.turnover.annual_rate[s]; };
    p.set = [s](DynamicsSpec& spec, double value) { spec.turnover.annual_rate[s] = value; };
    parameters.push_back(std::move(p));
  }
  parameters.push_back(dyn_real(&D::turnover, &TurnoverParams::baseline_intent, "baseline_intent", kOpenUnit,
                                {"probability", "intent to leave at the reference satisfaction",
                                 "C4 (Bonilha et al. 2019): faculty considering leaving 18.8% before a program (the "
                                 "before value)"}));
  parameters.push_back(dyn_real(&D::turnover, &TurnoverParams::reference_satisfaction, "reference_satisfaction", kUnit,
                                {"", "satisfaction at which intent to leave equals baseline_intent",
                                 "the satisfaction prior mean of non-students ([population.traits])"}));
  parameters.push_back(
      dyn_real(&D::turnover, &TurnoverParams::satisfaction_slope, "satisfaction_slope", Range{0.0, 100.0},
               {"logit per unit", "logit of intent to leave per unit of satisfaction below the reference",
                "assumption: 0.1 less satisfaction raises the odds of intending to leave by about "
                "65%"}));
  const std::array<std::string, kStages - 1> promotion_sources = {
      "assumption: with leaving (annual_rate.student 0.2), students stay about two years",
      "C30 (Beasley et al. 2006): median 6.0 years from assistant to associate professor; 1 − 0.5^(1/6) = 0.11 "
      "gives a median of 6 years in the stage without leaving",
      "assumption: promotion to full professor is slower (median about 17 years without leaving)",
  };
  for (std::size_t s = 0; s + 1 < kStages; ++s) {
    const std::string stage(to_string(enum_at<CareerStage>(s)));
    const std::string next(to_string(enum_at<CareerStage>(s + 1)));
    Parameter p = real("promotion_rate." + stage, defaults.turnover.promotion_rate[s], kUnitOpenAbove,
                       {"per year", "annual probability that a " + stage + " agent is promoted to " + next,
                        promotion_sources[s], "hire mix h_s ≥ 0 for every institution"});
    p.get = [s](const DynamicsSpec& spec) { return spec.turnover.promotion_rate[s]; };
    p.set = [s](DynamicsSpec& spec, double value) { spec.turnover.promotion_rate[s] = value; };
    parameters.push_back(std::move(p));
  }
  parameters.push_back(dyn_real(
      &D::turnover, &TurnoverParams::intent_persistence_weeks, "intent_persistence_weeks", Range{1.0, 5200.0},
      {"weeks",
       "1/λ: an agent not considering leaving starts with weekly probability λ I, one considering stops "
       "with λ (1 − I)",
       "assumption: considering leaving lasts about two years (Bonilha et al. 2019 asked about leaving within two "
       "years)"}));
  parameters.push_back(dyn_real(
      &D::turnover, &TurnoverParams::intent_hazard_ratio, "intent_hazard_ratio", Range{1.0, 1000.0},
      {"", "leaving hazard of staff considering leaving relative to those not considering it",
       "C25 (Griffeth, Hom & Gaertner 2000): intention–turnover correlation about 0.38; value calibrated so that "
       "the phi between considering leaving at week 0 and leaving within 52 weeks is about 0.38 at the defaults "
       "(the outcome intent_leaving_phi reports it)"}));
  parameters.push_back(dyn_real(
      &D::turnover, &TurnoverParams::sponsorship_promotion_ratio, "sponsorship_promotion_ratio", Range{1.0, 10.0},
      {"", "promotion hazard ratio of a mentee while a sponsoring mentor's dyad runs (program key mentor_sponsorship)",
       "assumption; review: the mentor as \"sponsor\" who \"gives and shares opportunities\" (direction only)"}));
  return group("dynamics.turnover", "Intent to leave, leaving, promotion and hiring", std::move(parameters));
}

ParameterGroup status_group() {
  // Profession status: an ordinal assumption after Nembhard & Edmondson 2006 (physicians the highest
  // status in clinical teams, nurses and allied professions lower).
  const std::array<std::string, kProfessions> sources = {
      "assumption: the top of the clinical hierarchy (C29, Nembhard & Edmondson 2006)",
      "assumption: below physicians (C29)",
      "assumption: allied health, as nursing (C29)",
      "assumption: allied health, as nursing (C29)",
      "assumption: between nursing and medicine",
      "assumption: a doctoral clinical profession, below medicine",
      "assumption: academic teaching staff, mid status",
      "assumption: research scientists, between nursing and medicine",
  };
  std::vector<Parameter> parameters;
  const DynamicsSpec defaults{};
  for (std::size_t k = 0; k < kProfessions; ++k) {
    const std::string profession(to_string(enum_at<Profession>(k)));
    Parameter p = real("profession." + profession, defaults.status.status[k], kUnit,
                       {"status (0-1)", "status of " + profession + " in the institutions' hierarchy", sources[k]});
    p.get = [k](const DynamicsSpec& spec) { return spec.status.status[k]; };
    p.set = [k](DynamicsSpec& spec, double value) { spec.status.status[k] = value; };
    parameters.push_back(std::move(p));
  }
  parameters.push_back(dyn_real(&D::status, &StatusParams::status_weight, "status_weight", kWeight5,
                                {"", "power distance per unit of profession status gap up",
                                 "C29 (Nembhard & Edmondson 2006): lower-status professions feel less safe to speak "
                                 "up; value assumption: a nurse facing a physician (gap 0.6) feels 0.3, about one "
                                 "career stage"}));
  parameters.push_back(dyn_real(&D::status, &StatusParams::minority_weight, "minority_weight", kWeight5,
                                {"", "power distance added for minority staff facing majority staff",
                                 "C29 (Nembhard & Edmondson 2006: status differences); C5 (Ramanan et al. 2006); value "
                                 "assumption"}));
  parameters.push_back(dyn_real(
      &D::status, &StatusParams::dyad_status_weight, "dyad_status_weight", kWeight5,
      {"",
       "in a dyad (exchange damping, power imbalance): power distance per unit of profession status gap up, where "
       "a teacher or mentor at an earlier career stage counts 1",
       "C29 (Nembhard & Edmondson 2006): lower-status professions feel less safe to speak up; value assumption: a "
       "nurse teaching a physician (gap 0.6) adds 0.3"}));
  parameters.push_back(
      dyn_real(&D::status, &StatusParams::dyad_minority_weight, "dyad_minority_weight", kWeight5,
               {"", "in a dyad: power distance added for a minority teacher or mentor facing a majority partner",
                "C29 (Nembhard & Edmondson 2006: status differences); value assumption: as minority_weight"}));
  return group("dynamics.status", "Power distance: career stage, profession status, minority status",
               std::move(parameters));
}

ParameterGroup culture_group() {
  ParameterGroup g = group(
      "dynamics.culture", "Unit culture (psychological safety)",
      {
          dyn_real(&D::culture, &CultureParams::adjustment, "adjustment", kUnit,
                   {"per week", "weekly share of the gap to the target culture closed",
                    "assumption: culture changes slowly (half-life about 34 weeks)"}),
          dyn_real(&D::culture, &CultureParams::dyad_weight, "dyad_weight", kWeight5,
                   {"", "weight of the share of unit members in good reverse or reciprocal dyads",
                    "review: junior staff \"can help to drive a workplace culture where 'concerns can be raised and "
                    "learning thrives'\" and reverse mentoring \"can assist with the breakdown of the traditionally "
                    "regimented and hierarchical structure of medicine\"; value assumption"}),
          dyn_real(&D::culture, &CultureParams::sponsorship_weight, "sponsorship_weight", kWeight5,
                   {"", "weight of leadership sponsorship while a program runs",
                    "review Figure 1 (leadership of all institutions); value assumption"}),
          dyn_real(&D::culture, &CultureParams::good_quality, "good_quality", kUnit,
                   {"", "a dyad at or above this quality counts as good",
                    "assumption: the initial quality of an average pair"}),
          dyn_real(&D::culture, &CultureParams::harm_weight, "harm_weight", kWeight5,
                   {"", "weight of the share of unit members in a failing dyad or one that failed recently",
                    "C28 (Straus et al. 2013): failed relationships (poor communication, conflicts, competition); "
                    "review: reverse mentoring can go wrong through power imbalance; value assumption"}),
          dyn_real(&D::culture, &CultureParams::poor_quality, "poor_quality", kUnit,
                   {"", "an active dyad below this quality counts as failing", "assumption", "≤ good_quality"}),
          dyn_integer(&D::culture, &CultureParams::harm_window_weeks, "harm_window_weeks", 0, 520,
                      {"weeks", "a dyad that ended for a relationship reason harms its unit this many weeks",
                       "assumption: a quarter"}),
          dyn_real(&D::culture, &CultureParams::imbalance_weight, "imbalance_weight", kWeight5,
                   {"",
                    "weight of the power imbalance the unit's members bear as mentors (summed over their active "
                    "dyads, per member)",
                    "C29 (Nembhard & Edmondson 2006): status and psychological safety; review: reverse mentoring "
                    "can go wrong through power imbalance; value assumption: as harm_weight"}),
          dyn_real(&D::culture, &CultureParams::flattening_max, "flattening_max", kUnitOpenAbove,
                   {"", "largest share of a unit's hierarchy h that sustained reverse mentoring removes",
                    "review: reverse mentoring \"can assist with the breakdown of the traditionally regimented and "
                    "hierarchical structure of medicine\" (direction); value assumption"}),
          dyn_real(&D::culture, &CultureParams::flattening_share, "flattening_share", kPositiveUnit,
                   {"share",
                    "share of a unit's members in sustained reverse or reciprocal dyads at which the "
                    "flattening target reaches flattening_max",
                    "assumption"}),
          dyn_integer(
              &D::culture, &CultureParams::sustained_weeks, "sustained_weeks", 0, 520,
              {"weeks", "a reverse or reciprocal dyad active this long counts as sustained", "assumption: a quarter"}),
          dyn_real(&D::culture, &CultureParams::flattening_rate, "flattening_rate", kUnit,
                   {"per week", "weekly share of the gap to a higher flattening target closed",
                    "assumption: as fast as psychological safety (adjustment)"}),
          dyn_real(&D::culture, &CultureParams::flattening_relax, "flattening_relax", kUnit,
                   {"per week",
                    "weekly share of the gap to a lower flattening target closed (the hierarchy "
                    "coming back)",
                    "assumption: a quarter of flattening_rate (half-life about 2.7 years)"}),
      });
  g.check = [](Reader& r, const DynamicsSpec& x) {
    if (x.culture.poor_quality > x.culture.good_quality) {
      r.error("poor_quality", "must not exceed good_quality (a dyad cannot be both good and failing)");
    }
  };
  return g;
}

std::vector<ParameterGroup> make_groups() {
  std::vector<ParameterGroup> groups;
  groups.push_back(run_group());
  groups.push_back(population_group());
  groups.push_back(institution_group());
  groups.push_back(skills_group());
  groups.push_back(traits_group());
  groups.push_back(network_group());
  groups.push_back(program_group());
  groups.push_back(arms_group());
  groups.push_back(randomisation_group());
  groups.push_back(dynamics_switches_group());
  groups.push_back(approach_group());
  groups.push_back(status_group());
  groups.push_back(meetings_group());
  groups.push_back(exchange_group());
  groups.push_back(diffusion_group());
  groups.push_back(relationships_group());
  groups.push_back(confidence_group());
  groups.push_back(ties_group());
  groups.push_back(satisfaction_group());
  groups.push_back(turnover_group());
  groups.push_back(culture_group());
  groups.push_back(informal_group());
  groups.push_back(enthusiasm_group());  // issue 16 outcomes
  groups.push_back(research_group());    // issue 16 outcomes
  groups.push_back(output_group());
  return groups;
}

// ---------------------------------------------------------------------------------------------
// Reading the dynamics groups

void read_group(Reader& dynamics, const ParameterGroup& g, DynamicsSpec& spec) {
  Reader r = dynamics.table(g.path.substr(g.path.rfind('.') + 1));
  std::optional<Reader> sub;
  std::string sub_name;
  for (const Parameter& p : g.parameters) {
    Reader* target = &r;
    std::string key = p.key;
    if (const auto dot = p.key.find('.'); dot != std::string::npos) {
      const std::string table = p.key.substr(0, dot);
      if (!sub || sub_name != table) {
        if (sub) sub->finish();
        sub.emplace(r.table(table));
        sub_name = table;
      }
      target = &*sub;
      key = p.key.substr(dot + 1);
    } else if (sub) {
      sub->finish();
      sub.reset();
    }
    const double fallback = p.get(spec);
    const double value =
        p.type == ValueType::integer
            ? static_cast<double>(target->integer(key, static_cast<std::int64_t>(fallback), p.min, p.max))
            : target->number(key, fallback, p.range);
    p.set(spec, value);
  }
  if (sub) sub->finish();
  if (g.check) g.check(r, spec);
  r.finish();
}

// ---------------------------------------------------------------------------------------------
// Markdown

std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out.empty() ? "—" : out;
}

std::string code(std::string_view key) {
  std::string out(1, '`');
  out += key;
  out += '`';
  return out;
}

std::string table_label(const ParameterGroup& g) {
  if (g.path == "program") return "`[program]` or `[[arms]]`";
  if (g.path.ends_with("[]")) return "`[[" + g.path.substr(0, g.path.size() - 2) + "]]`";
  return "`[" + g.path + "]`";
}

std::string row(const std::vector<std::string>& cells) {
  std::string out = "|";
  for (const auto& c : cells) out += " " + c + " |";
  return out + "\n";
}

std::string rule_row(std::size_t columns) {
  std::string out = "|";
  for (std::size_t i = 0; i < columns; ++i) out += "---|";
  return out + "\n";
}

std::string list_table(const ParameterGroup& g, const std::vector<const Parameter*>& parameters) {
  std::vector<std::string> header{"key " + table_label(g)};
  if (g.layout == Layout::by_kind) {
    for (const auto& c : g.columns) header.push_back(c);
  } else {
    header.emplace_back("default");
  }
  for (const char* h : {"range", "unit", "meaning", "source"}) header.emplace_back(h);
  std::string out = row(header) + rule_row(header.size());
  for (const Parameter* p : parameters) {
    std::vector<std::string> cells{code(p->key)};
    for (const auto& d : p->defaults) cells.push_back(cell(d));
    for (const auto& text : {p->range_text(), p->unit, p->meaning, p->source}) cells.push_back(cell(text));
    out += row(cells);
  }
  return out;
}

std::string matrix_table(const ParameterGroup& g) {
  std::vector<const Parameter*> rows;
  std::vector<const Parameter*> cells;
  for (const auto& p : g.parameters) (p.key.find('.') == std::string::npos ? rows : cells).push_back(&p);
  if (cells.empty()) return list_table(g, rows);
  // The matrix entries share their range, unit, meaning and source: one row says them.
  Parameter shared = *cells.front();
  shared.key = "<stage>.<" + std::string(g.path == "population.skills" ? "domain" : "trait") + ">";
  shared.defaults = {"below"};
  rows.push_back(&shared);
  std::string out = list_table(g, rows);
  std::vector<std::string> header{"stage"};
  for (const auto& c : g.columns) header.push_back(c);
  out += "\n" + row(header) + rule_row(header.size());
  std::size_t i = 0;
  for (std::size_t s = 0; s < kStages; ++s) {
    std::vector<std::string> values{std::string(to_string(enum_at<CareerStage>(s)))};
    for (std::size_t c = 0; c < g.columns.size(); ++c) values.push_back(cells.at(i++)->defaults.front());
    out += row(values);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// JSON flattening (the subset toml++'s json_formatter writes)

class JsonFlattener {
 public:
  explicit JsonFlattener(std::string_view text) : text_(text) {}

  std::map<std::string, std::string> run() {
    skip_space();
    value("");
    skip_space();
    if (pos_ != text_.size()) fail("trailing text");
    return std::move(out_);
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::invalid_argument("resolved JSON: " + what + " at offset " + std::to_string(pos_));
  }
  void skip_space() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\r' || text_[pos_] == '\t')) {
      ++pos_;
    }
  }
  char peek() const {
    if (pos_ >= text_.size()) fail("unexpected end");
    return text_[pos_];
  }
  void expect(char c) {
    skip_space();
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }

  // The JSON text of a string, kept as written (with its quotes and escapes).
  std::string string_text() {
    const std::size_t begin = pos_;
    expect('"');
    while (peek() != '"') {
      if (text_[pos_] == '\\') ++pos_;
      ++pos_;
    }
    ++pos_;
    return std::string(text_.substr(begin, pos_ - begin));
  }
  static std::string unquote(const std::string& json) {
    std::string out;
    for (std::size_t i = 1; i + 1 < json.size(); ++i) {
      if (json[i] == '\\' && i + 2 < json.size()) ++i;
      out += json[i];
    }
    return out;
  }
  std::string scalar_text() {
    skip_space();
    if (peek() == '"') return string_text();
    const std::size_t begin = pos_;
    while (pos_ < text_.size() && std::string_view(",]} \n\r\t").find(text_[pos_]) == std::string_view::npos) ++pos_;
    if (pos_ == begin) fail("expected a value");
    return std::string(text_.substr(begin, pos_ - begin));
  }

  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  void value(const std::string& path) {
    skip_space();
    const char c = peek();
    if (c == '{') {
      ++pos_;
      skip_space();
      if (peek() == '}') {
        ++pos_;
        if (!path.empty()) out_[path] = "{}";
        return;
      }
      for (;;) {
        skip_space();
        const std::string key = unquote(string_text());
        expect(':');
        value(join(path, key));
        skip_space();
        if (peek() == ',') {
          ++pos_;
          continue;
        }
        expect('}');
        return;
      }
    }
    if (c == '[') {
      ++pos_;
      skip_space();
      if (peek() == ']') {
        ++pos_;
        out_[path] = "[]";
        return;
      }
      if (peek() == '{') {
        for (std::size_t i = 0;; ++i) {
          value(path + "[" + std::to_string(i) + "]");
          skip_space();
          if (peek() == ',') {
            ++pos_;
            continue;
          }
          expect(']');
          return;
        }
      }
      std::string list = "[";
      for (bool first = true;; first = false) {
        if (!first) list += ", ";
        list += scalar_text();
        skip_space();
        if (peek() == ',') {
          ++pos_;
          continue;
        }
        expect(']');
        out_[path] = list + "]";
        return;
      }
    }
    out_[path] = scalar_text();
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::map<std::string, std::string> out_;
};

// "a[3].b" -> "a[].b"
std::string without_indices(std::string_view key) {
  std::string out;
  for (std::size_t i = 0; i < key.size(); ++i) {
    out += key[i];
    if (key[i] == '[') {
      while (i + 1 < key.size() && key[i + 1] != ']') ++i;
    }
  }
  return out;
}

}  // namespace

std::string Parameter::range_text() const {
  std::string out;
  switch (type) {
    case ValueType::real:
      out = range.max >= 1e300 ? std::string(range.min_open ? "> " : "≥ ") + display_number(range.min)
                               : std::string(range.min_open ? "(" : "[") + display_number(range.min) + ", " +
                                     display_number(range.max) + (range.max_open ? ")" : "]");
      break;
    case ValueType::integer:
      out = max == std::numeric_limits<std::int64_t>::max()
                ? "≥ " + display_number(static_cast<double>(min))
                : display_number(static_cast<double>(min)) + "–" + display_number(static_cast<double>(max));
      break;
    case ValueType::boolean:
      out = "true, false";
      break;
    case ValueType::choice:
    case ValueType::list:
    case ValueType::shares:
      out = allowed;
      if (type == ValueType::shares && !out.empty()) out = "shares of " + out + ", summing to 1";
      break;
    case ValueType::text:
      out = "text";
      break;
    case ValueType::file:
      out = "path of a CSV file";
      break;
  }
  if (!rule.empty()) out += (out.empty() ? "" : "; ") + rule;
  return out;
}

std::string ParameterGroup::full_key(const Parameter& p) const { return path.empty() ? p.key : path + "." + p.key; }

const std::vector<ParameterGroup>& parameter_groups() {
  static const std::vector<ParameterGroup> groups = make_groups();
  return groups;
}

const ParameterGroup* find_group(std::string_view path) {
  for (const auto& g : parameter_groups()) {
    if (g.path == path) return &g;
  }
  return nullptr;
}

std::vector<const ParameterGroup*> dynamics_groups() {
  std::vector<const ParameterGroup*> out;
  for (const auto& g : parameter_groups()) {
    if (g.path.starts_with("dynamics.")) out.push_back(&g);
  }
  return out;
}

void read_dynamics_parameters(Reader& dynamics, DynamicsSpec& spec) {
  for (const ParameterGroup* g : dynamics_groups()) read_group(dynamics, *g, spec);
}

std::string markdown_begin_marker(const ParameterGroup& group) {
  return "<!-- parameters " + group.path + ": generated from src/scenario/parameters.cpp by scripts/update-docs -->";
}

std::string markdown_end_marker() { return "<!-- end of generated parameters -->"; }

std::string markdown_table(const ParameterGroup& group) {
  if (group.layout == Layout::matrix) return matrix_table(group);
  std::vector<const Parameter*> all;
  for (const auto& p : group.parameters) all.push_back(&p);
  return list_table(group, all);
}

std::map<std::string, std::string> flatten_json(std::string_view json) { return JsonFlattener(json).run(); }

std::set<std::string> given_keys(const Scenario& scenario) {
  std::set<std::string> out;
  toml::table document;
  try {
    document = toml::parse(scenario.source_text(), scenario.name());
  } catch (const toml::parse_error&) {
    return out;  // a scenario that loaded has valid TOML; nothing to add otherwise
  }
  std::ostringstream json;
  json << toml::json_formatter{document};
  for (const auto& [key, value] : flatten_json(json.str())) out.insert(key);
  for (const auto& text : scenario.overrides()) {
    const std::string key = text.substr(0, text.find('='));
    std::string path;
    std::size_t begin = 0;
    for (;;) {
      const auto dot = key.find('.', begin);
      const std::string part = key.substr(begin, dot == std::string::npos ? std::string::npos : dot - begin);
      const bool index =
          !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
      path += index ? "[" + part + "]" : (path.empty() ? "" : ".") + part;
      if (dot == std::string::npos) break;
      begin = dot + 1;
    }
    out.insert(path);
  }
  return out;
}

ParameterMatch find_parameter(std::string_view key_path) {
  const std::string key = without_indices(key_path);
  // The key itself, then (for shares tables) the key without its last component; an [[arms]] entry's
  // own keys (name, share) before the [program] keys it also takes.
  std::vector<std::string> candidates{key};
  if (const auto dot = key.rfind('.'); dot != std::string::npos) candidates.push_back(key.substr(0, dot));
  for (const bool as_arm : {false, true}) {
    for (const auto& candidate : candidates) {
      for (const auto& g : parameter_groups()) {
        for (const auto& p : g.parameters) {
          const bool match =
              as_arm ? g.path == "program" && candidate == "arms[]." + p.key : candidate == g.full_key(p);
          if (match && (candidate == key || p.type == ValueType::shares)) return {&g, &p};
        }
      }
    }
  }
  return {};
}

}  // namespace mentorsim::scenario
