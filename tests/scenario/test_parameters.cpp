// The parameter declarations (mentorsim/scenario/parameters.hpp) against what the scenario reader
// really does: every key it records is declared and every declared key is recorded, every declared
// default is the value an empty scenario resolves to, every declared range is the range the reader
// enforces (both ends, open or closed), the [dynamics.*] keys land in the struct members they name,
// and docs/model.md holds exactly the generated parameter tables.

#include <catch2/catch.hpp>

#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "mentorsim/core/errors.hpp"
#include "mentorsim/scenario/parameters.hpp"
#include "mentorsim/scenario/scenario.hpp"
#include "support/paths.hpp"
#include "support/scenario_errors.hpp"

using mentorsim::Diagnostic;
using mentorsim::DynamicsSpec;
using mentorsim::Scenario;
using mentorsim::ScenarioError;
using mentorsim::scenario::find_parameter;
using mentorsim::scenario::flatten_json;
using mentorsim::scenario::Parameter;
using mentorsim::scenario::parameter_groups;
using mentorsim::scenario::ParameterGroup;
using mentorsim::scenario::ValueType;
using mentorsim::test::render;

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool same_value(const std::string& a, const std::string& b) {
  char* end_a = nullptr;
  char* end_b = nullptr;
  const double x = std::strtod(a.c_str(), &end_a);
  const double y = std::strtod(b.c_str(), &end_b);
  if (!a.empty() && !b.empty() && *end_a == '\0' && *end_b == '\0') return x == y;
  return a == b;
}

std::string number_text(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

// A scenario text in which the group's table exists, and the --set prefix of its keys.
struct Place {
  std::string text;
  std::string set_prefix;   // "population.institutions.0."
  std::string diag_prefix;  // "population.institutions[0]."
};

Place place_of(const ParameterGroup& g) {
  if (g.path == "population.institutions[]") {
    return {"[[population.institutions]]\nname = \"a\"\nkind = \"hospital\"\n", "population.institutions.0.",
            "population.institutions[0]."};
  }
  if (g.path == "arms[]") return {"[[arms]]\nname = \"a\"\n", "arms.0.", "arms[0]."};
  // A program that runs, so that every program key applies (group mentoring takes group_size too).
  if (g.path == "program") return {"[program]\nkind = \"group\"\n", "program.", "program."};
  return {"", g.path + ".", g.path + "."};
}

// True when the reader rejects `value` for this key with a range message (other checks may fail too).
bool range_error(const Place& at, const Parameter& p, const std::string& value) {
  const std::string key = at.diag_prefix + p.key;
  for (const Diagnostic& d : mentorsim::test::scenario_errors(at.text, {at.set_prefix + p.key + "=" + value})) {
    if (d.key != key) continue;
    for (const char* start : {"must be in ", "must be an integer in ", "must be > ", "must be >= "}) {
      if (d.message.rfind(start, 0) == 0) return true;
    }
  }
  return false;
}

std::vector<std::pair<const ParameterGroup*, const Parameter*>> all_parameters() {
  std::vector<std::pair<const ParameterGroup*, const Parameter*>> out;
  for (const auto& g : parameter_groups()) {
    for (const auto& p : g.parameters) out.emplace_back(&g, &p);
  }
  return out;
}

std::string key_of(const ParameterGroup* g, const Parameter* p) { return g->full_key(*p); }

// The number of members of an aggregate: the most initializers `T{...}` accepts (an array member
// counts once: the converting initializer takes it whole).
struct AnyValue {
  template <class T>
  operator T() const;  // declared only: used in unevaluated contexts
};
template <class T, class... Values>
constexpr std::size_t member_count() {
  if constexpr (requires { T{Values{}..., AnyValue{}}; }) {
    return member_count<T, Values..., AnyValue>();
  } else {
    return sizeof...(Values);
  }
}

// Members a group's rows bind: one per key, and one per sub-table (annual_rate.<stage>).
std::size_t bound_members(const ParameterGroup& g) {
  std::set<std::string> members;
  for (const auto& p : g.parameters) members.insert(p.key.substr(0, p.key.find('.')));
  return members.size();
}

}  // namespace

TEST_CASE("every key the reader records is declared, and every declared key is recorded by some scenario",
          "[parameters]") {
  const std::filesystem::path data = mentorsim::test::test_data_dir();
  std::vector<Scenario> scenarios;
  scenarios.push_back(Scenario::parse("", "empty.toml"));
  scenarios.push_back(Scenario::parse(R"(
[population]
size = 500
[[population.institutions]]
name = "h"
kind = "hospital"
[[population.institutions]]
name = "u"
kind = "university"
[[arms]]
name = "reverse"
kind = "reverse"
share = 0.5
[[arms]]
name = "control"
share = 0.5
)",
                                      "arms.toml"));
  scenarios.push_back(Scenario::load(data / "roster_small.toml"));

  std::set<std::string> recorded;
  for (const Scenario& s : scenarios) {
    for (const auto& [key, value] : flatten_json(s.resolved_json())) {
      const auto match = find_parameter(key);
      INFO(s.name() << ": " << key << " = " << value);
      CHECK(match.parameter != nullptr);
      if (match.parameter != nullptr) recorded.insert(match.group->full_key(*match.parameter));
    }
  }
  for (const auto& [g, p] : all_parameters()) {
    INFO(key_of(g, p));
    CHECK(recorded.contains(key_of(g, p)) == p->recorded);
  }
}

TEST_CASE("the declared defaults are the values an empty scenario resolves to", "[parameters]") {
  const Scenario s = Scenario::parse("", "empty.toml");
  const auto resolved = flatten_json(s.resolved_json());
  std::size_t compared = 0;
  for (const auto& [g, p] : all_parameters()) {
    if (!p->recorded || p->optional || g->path == "arms[]") continue;
    const bool by_kind = g->layout == mentorsim::scenario::Layout::by_kind;
    REQUIRE(p->defaults.size() == (by_kind ? g->columns.size() : 1));
    REQUIRE(p->defaults_json.size() == p->defaults.size());
    for (std::size_t column = 0; column < p->defaults.size(); ++column) {
      // The empty scenario's institutions are the trio, in kind order.
      const std::string key =
          by_kind ? "population.institutions[" + std::to_string(column) + "]." + p->key : key_of(g, p);
      INFO(key);
      if (p->type == ValueType::shares) {
        // Shown as the shares in the order of the allowed names.
        std::istringstream shown(p->defaults[column]);
        std::istringstream names(p->allowed);
        std::string name;
        double share = 0.0;
        while (std::getline(names, name, ',')) {
          name.erase(0, name.find_first_not_of(' '));
          REQUIRE(shown >> share);
          REQUIRE(resolved.contains(key + "." + name));
          CHECK(std::stod(resolved.at(key + "." + name)) == share);
          ++compared;
        }
        continue;
      }
      if (p->defaults_json[column].empty()) continue;  // depends on other keys: documented in words
      REQUIRE(resolved.contains(key));
      CHECK(same_value(resolved.at(key), p->defaults_json[column]));
      ++compared;
    }
  }
  CHECK(compared > 150);
  // The two keys kept out of resolved_json, through the scenario's accessors.
  CHECK(std::to_string(s.run().threads) == find_parameter("run.threads").parameter->defaults.front());
  CHECK(s.output().path.string() == find_parameter("output.path").parameter->defaults.front());
  // The dynamics declarations take their defaults from the structs the engine reads.
  const DynamicsSpec defaults{};
  for (const auto* g : mentorsim::scenario::dynamics_groups()) {
    for (const auto& p : g->parameters) {
      INFO(g->full_key(p));
      CHECK(std::stod(p.defaults_json.front()) == p.get(defaults));
      CHECK(p.get(s.dynamics()) == p.get(defaults));
    }
  }
}

TEST_CASE("the declared ranges are the ranges the reader enforces, at both ends", "[parameters]") {
  std::size_t checked = 0;
  for (const auto& [g, p] : all_parameters()) {
    const Place at = place_of(*g);
    INFO(key_of(g, p) << " " << p->range_text());
    if (p->type == ValueType::integer) {
      REQUIRE(p->min <= p->max);
      CHECK_FALSE(range_error(at, *p, std::to_string(p->min)));
      CHECK_FALSE(range_error(at, *p, std::to_string(p->max)));
      CHECK(range_error(at, *p, std::to_string(p->min - 1)));
      if (p->max < std::numeric_limits<std::int64_t>::max()) CHECK(range_error(at, *p, std::to_string(p->max + 1)));
      ++checked;
    } else if (p->type == ValueType::real) {
      const auto& r = p->range;
      const double step = 1e-6 * std::max(1.0, std::fabs(r.min));
      CHECK(range_error(at, *p, number_text(r.min)) == r.min_open);
      CHECK(range_error(at, *p, number_text(r.min - step)));
      CHECK_FALSE(range_error(at, *p, number_text(r.min + step)));
      if (r.max < 1e300) {
        const double top = 1e-6 * std::max(1.0, std::fabs(r.max));
        CHECK(range_error(at, *p, number_text(r.max)) == r.max_open);
        CHECK(range_error(at, *p, number_text(r.max + top)));
        CHECK_FALSE(range_error(at, *p, number_text(r.max - top)));
      }
      ++checked;
    }
  }
  CHECK(checked > 120);
}

TEST_CASE("every [dynamics] key is read into the struct member its declaration names", "[parameters]") {
  SECTION("by hand, for one key of each kind") {
    const Scenario s = Scenario::parse(R"(
[dynamics.exchange]
rate = 0.33
[dynamics.turnover.annual_rate]
early_career = 0.25
[dynamics.ties]
merge_interval = 7
[dynamics.approach]
max_candidates = 12
)",
                                       "dyn.toml");
    CHECK(s.dynamics().exchange.rate == 0.33);
    CHECK(s.dynamics().turnover.annual_rate[1] == 0.25);
    CHECK(s.dynamics().turnover.annual_rate[0] == 0.20);
    CHECK(s.dynamics().ties.merge_interval == 7);
    CHECK(s.dynamics().approach.max_candidates == 12);
  }
  SECTION("every key at once, each to its own value: no two declarations share a member") {
    // Distinct values inside every range that also pass the checks between keys: reals get their
    // range's lower part plus a small key-specific offset, integers their minimum plus a key-specific offset.
    std::vector<std::string> sets;
    std::map<std::string, double> expected;
    std::size_t i = 0;
    for (const auto* g : mentorsim::scenario::dynamics_groups()) {
      for (const auto& p : g->parameters) {
        ++i;
        double value = 0.0;
        if (p.type == ValueType::integer) {
          // min + 2 i + 1: distinct for keys of the same minimum, and of opposite parity for minima 0 and 1.
          value = static_cast<double>(p.min + 2 * static_cast<std::int64_t>(i) + 1);
        } else {
          const double span = std::min(p.range.max, 1.0) - std::max(p.range.min, 0.0);
          value = std::max(p.range.min, 0.0) + span * (0.001 * static_cast<double>(i) + 0.01);
        }
        expected[g->full_key(p)] = value;
        sets.push_back(g->full_key(p) + "=" +
                       (p.type == ValueType::integer ? std::to_string(static_cast<long>(value)) : number_text(value)));
      }
    }
    // Keep the checks between keys satisfied: ties above the drop threshold, dyads above dissolution,
    // failing below good dyads, leaving above promotion (a stationary hire mix).
    for (const char* key : {"dynamics.ties.bond_initial", "dynamics.ties.introduction_weight",
                            "dynamics.relationships.initial_quality", "dynamics.culture.good_quality",
                            "dynamics.turnover.annual_rate.student", "dynamics.turnover.annual_rate.early_career",
                            "dynamics.turnover.annual_rate.mid_career", "dynamics.turnover.annual_rate.senior",
                            "dynamics.turnover.intent_hazard_ratio", "dynamics.turnover.intent_persistence_weeks"}) {
      expected[key] += 0.5 + 0.0001 * static_cast<double>(sets.size() % 97);
      sets.push_back(std::string(key) + "=" + number_text(expected[key]));
    }
    // Integer keys whose minimum-based values would repeat another key's.
    for (const char* key : {"dynamics.culture.harm_window_weeks", "dynamics.satisfaction.failure_window_weeks"}) {
      // Above every other integer key's min + 2 i + 1 (at most about 200 with some 100 keys), inside 0-520.
      expected[key] = static_cast<double>(400 + sets.size() % 97);
      sets.push_back(std::string(key) + "=" + std::to_string(static_cast<long>(expected[key])));
    }
    Scenario s = Scenario::parse("", "all.toml");
    try {
      s = Scenario::parse("", "all.toml", sets);
    } catch (const ScenarioError& e) {
      FAIL(render(e.diagnostics()));
    }
    std::set<double> distinct;
    for (const auto* g : mentorsim::scenario::dynamics_groups()) {
      for (const auto& p : g->parameters) {
        INFO(g->full_key(p));
        CHECK(p.get(s.dynamics()) == expected.at(g->full_key(p)));
        distinct.insert(p.get(s.dynamics()));
      }
    }
    CHECK(distinct.size() == expected.size());
  }
}

TEST_CASE("every member of every dynamics struct has a declaration", "[parameters]") {
  using namespace mentorsim;
  using mentorsim::scenario::find_group;
  const std::vector<std::pair<std::string, std::size_t>> structs = {
      {"dynamics.meetings", member_count<MeetingParams>()},
      {"dynamics.exchange", member_count<ExchangeParams>()},
      {"dynamics.diffusion", member_count<DiffusionParams>()},
      {"dynamics.relationships", member_count<RelationshipParams>()},
      {"dynamics.confidence", member_count<ConfidenceParams>()},
      {"dynamics.ties", member_count<TieParams>()},
      {"dynamics.satisfaction", member_count<SatisfactionParams>()},
      {"dynamics.turnover", member_count<TurnoverParams>()},
      {"dynamics.culture", member_count<CultureParams>()},
      {"dynamics.approach", member_count<ApproachParams>()},
      {"dynamics.status", member_count<StatusParams>()},
      {"dynamics.informal", member_count<InformalParams>()},
      {"dynamics.enthusiasm", member_count<EnthusiasmParams>()},
      {"dynamics.research", member_count<ResearchParams>()},
  };
  // A new submodel struct in DynamicsSpec needs its group (and a line above).
  CHECK(member_count<DynamicsSpec>() == structs.size());
  CHECK(mentorsim::scenario::dynamics_groups().size() == structs.size());
  for (const auto& [path, members] : structs) {
    INFO(path);
    const ParameterGroup* g = find_group(path);
    REQUIRE(g != nullptr);
    CHECK(bound_members(*g) == members);
  }
  // The counting itself, on structs whose answer is known.
  struct Three {
    double a = 0.0;
    std::array<double, 4> b{};
    int c = 0;
  };
  CHECK(member_count<Three>() == 3);
  CHECK(member_count<mentorsim::MeetingParams>() == 6);  // time_required .. meeting_hours
}

TEST_CASE("the dynamics checks between keys still reject what they rejected", "[parameters]") {
  const auto errors = mentorsim::test::scenario_errors(
      "[dynamics.relationships]\ntime_hazard = 0.9\nquality_hazard = 0.2\ndissolve_threshold = 0.7\n"
      "[dynamics.ties]\ndrop_threshold = 0.5\nbond_initial = 0.4\nintroduction_weight = 0.5\n"
      "[dynamics.turnover.annual_rate]\nsenoir = 0.1\n");
  INFO(render(errors));
  std::map<std::string, std::string> by_key;
  for (const auto& e : errors) by_key[e.key] = e.message;
  CHECK(errors.size() == 5);
  CHECK(by_key ==
        std::map<std::string, std::string>{
            {"dynamics.relationships.quality_hazard",
             "time_hazard + quality_hazard must not exceed 1 (weekly probabilities)"},
            {"dynamics.relationships.dissolve_threshold",
             "must be below initial_quality, or every dyad ends as soon as it forms"},
            {"dynamics.ties.introduction_weight", "must exceed drop_threshold, or introduced ties vanish at once"},
            {"dynamics.ties.bond_initial", "must exceed drop_threshold, or new mentoring ties vanish at once"},
            {"dynamics.turnover.annual_rate.senoir", "unknown key \"senoir\"; did you mean \"senior\"?"}});
}

TEST_CASE("docs/model.md holds exactly the generated parameter tables", "[parameters]") {
  const std::string doc = read_file(mentorsim::test::source_dir() / "docs" / "model.md");
  REQUIRE_FALSE(doc.empty());
  std::size_t markers = 0;
  for (auto at = doc.find("<!-- parameters "); at != std::string::npos; at = doc.find("<!-- parameters ", at + 1)) {
    ++markers;
  }
  CHECK(markers == parameter_groups().size());
  for (const auto& g : parameter_groups()) {
    INFO(g.path << ": run scripts/update-docs and commit docs/model.md");
    const std::string begin = mentorsim::scenario::markdown_begin_marker(g) + "\n";
    const auto start = doc.find(begin);
    REQUIRE(start != std::string::npos);
    CHECK(doc.find(begin, start + 1) == std::string::npos);
    const auto body = start + begin.size();
    const auto end = doc.find(mentorsim::scenario::markdown_end_marker(), body);
    REQUIRE(end != std::string::npos);
    CHECK(doc.substr(body, end - body) == mentorsim::scenario::markdown_table(g));
  }
}

TEST_CASE("the declarations are complete and consistent", "[parameters]") {
  std::set<std::string> keys;
  for (const auto& [g, p] : all_parameters()) {
    INFO(key_of(g, p));
    CHECK(keys.insert(key_of(g, p)).second);
    CHECK_FALSE(p->meaning.empty());
    CHECK_FALSE(p->source.empty());
    CHECK_FALSE(p->range_text().empty());
    if (g->path.starts_with("dynamics.")) {
      CHECK(static_cast<bool>(p->get));
      CHECK(static_cast<bool>(p->set));
    }
    // A source is a figure of docs/calibration.md (C<n>), the review, data, a design choice, an
    // assumption, a calibration to patterns (calibration/defaults.toml), or another declared parameter.
    bool sourced_ok = p->source == "data";
    for (const char* word :
         {"review", "assumption", "design choice", "prior mean", "as mentor_stages", "calibration/defaults.toml"}) {
      sourced_ok = sourced_ok || p->source.find(word) != std::string::npos;
    }
    for (std::size_t at = p->source.find('C'); at != std::string::npos; at = p->source.find('C', at + 1)) {
      const bool word_start = at == 0 || p->source[at - 1] == ' ' || p->source[at - 1] == '(';
      const bool digit = at + 1 < p->source.size() && std::isdigit(static_cast<unsigned char>(p->source[at + 1]));
      sourced_ok = sourced_ok || (word_start && digit);
    }
    CHECK(sourced_ok);
  }
  // The matrix groups: one row says range, unit, meaning and source for all their cells.
  for (const char* path : {"population.skills", "population.traits"}) {
    const ParameterGroup* g = mentorsim::scenario::find_group(path);
    REQUIRE(g != nullptr);
    const Parameter* first = nullptr;
    for (const auto& p : g->parameters) {
      if (p.key.find('.') == std::string::npos) continue;
      if (first == nullptr) first = &p;
      CHECK(p.range_text() == first->range_text());
      CHECK(p.meaning == first->meaning);
      CHECK(p.source == first->source);
    }
  }
}

TEST_CASE("flatten_json turns resolved_json into key paths", "[parameters]") {
  const auto flat = flatten_json(R"({ "a" : { "b" : 0.20000000000000001, "c" : [ { "d" : "x" }, { "d" : "y" } ] },
    "e" : [ "p", "q" ], "f" : [], "g" : true })");
  CHECK(flat == std::map<std::string, std::string>{{"a.b", "0.20000000000000001"},
                                                   {"a.c[0].d", "\"x\""},
                                                   {"a.c[1].d", "\"y\""},
                                                   {"e", "[\"p\", \"q\"]"},
                                                   {"f", "[]"},
                                                   {"g", "true"}});
  CHECK_THROWS_AS(flatten_json("{ \"a\" : 1 } x"), std::invalid_argument);
  CHECK_THROWS_AS(flatten_json("{ \"a\" : "), std::invalid_argument);
}

TEST_CASE("given_keys lists what the scenario text and --set give, not the defaults", "[parameters]") {
  const Scenario s = Scenario::parse("[network]\nmean_degree = 12\n[[arms]]\nname = \"a\"\nkind = \"reverse\"\n",
                                     "given.toml", {"dynamics.exchange.rate=0.3", "arms.0.uptake=0.7"});
  const auto given = mentorsim::scenario::given_keys(s);
  CHECK(given == std::set<std::string>{"network.mean_degree", "arms[0].name", "arms[0].kind", "dynamics.exchange.rate",
                                       "arms[0].uptake"});
}
