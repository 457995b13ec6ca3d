// Patterns as data: reading calibration/patterns.toml, evaluating each pattern's statistic on a results
// file, and writing the table (terminal, HDF5 /patterns, CSV).

#include "mentorsim/patterns/patterns.hpp"
#include "mentorsim/core/types.hpp"

#include <toml++/toml.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <set>
#include <sstream>

#include "mentorsim/core/errors.hpp"
#include "mentorsim/core/toml_document.hpp"
#include "mentorsim/io/hdf5_file.hpp"
#include "mentorsim/io/schema.hpp"

namespace mentorsim::patterns {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::string_view kNotYet = "not computable yet: needs ";

const std::set<std::string> kKeys = {"id",     "name",   "figure", "published", "source",    "statistic",
                                     "status", "target", "above",  "tolerance", "reproduced"};

class Loader {
 public:
  explicit Loader(std::string file) : file_(std::move(file)) {}

  void problem(const toml::node* node, int fallback_line, const std::string& key, const std::string& message) {
    int line = fallback_line;
    int column = 0;
    if (node != nullptr && node->source().begin.line > 0) {
      line = static_cast<int>(node->source().begin.line);
      column = static_cast<int>(node->source().begin.column);
    }
    problems_.push_back(Diagnostic{SourceLocation{file_, line, column}, key, message});
  }

  std::vector<Diagnostic>& problems() { return problems_; }

  std::string text(const toml::table& table, const std::string& prefix, std::string_view key, int line, bool required) {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
      if (required) problem(nullptr, line, prefix + std::string(key), "missing (a string is required)");
      return "";
    }
    if (const auto value = node->value<std::string>()) {
      if (value->empty()) problem(node, line, prefix + std::string(key), "is empty");
      return *value;
    }
    problem(node, line, prefix + std::string(key), "must be a string");
    return "";
  }

  std::optional<double> number(const toml::node* node, int line, const std::string& key) {
    if (node == nullptr) return std::nullopt;
    if (!node->is_number()) {
      problem(node, line, key, "must be a number");
      return std::nullopt;
    }
    const double v = node->value<double>().value_or(kNaN);
    if (!std::isfinite(v)) {
      problem(node, line, key, "must be a finite number");
      return std::nullopt;
    }
    return v;
  }

 private:
  std::string file_;
  std::vector<Diagnostic> problems_;
};

std::string number_text(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", v);
  return buffer;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_number(double v) {
  if (std::isnan(v)) return "";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.10g", v);
  return buffer;
}

}  // namespace

std::vector<Pattern> load_patterns(const std::filesystem::path& path) {
  const std::string file = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot read " + file + ": no such file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  toml::table document = parse_toml_document<InputError>(buffer.str(), file);
  Loader loader(file);
  for (const auto& [key, node] : document) {
    if (key.str() != "pattern") {
      loader.problem(&node, 0, std::string(key.str()), "unknown key (a patterns file holds [[pattern]] tables only)");
    }
  }
  const toml::array* array = document["pattern"].as_array();
  if (array == nullptr || array->empty()) {
    loader.problem(document.get("pattern"), 1, "pattern", "no [[pattern]] tables");
    throw InputError(std::move(loader.problems()));
  }
  std::vector<Pattern> patterns;
  std::set<std::string> ids;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node* element = array->get(i);
    const std::string prefix = "pattern[" + std::to_string(i) + "].";
    const toml::table* table = element->as_table();
    const int line = static_cast<int>(element->source().begin.line);
    if (table == nullptr) {
      loader.problem(element, line, "pattern[" + std::to_string(i) + "]", "must be a table");
      continue;
    }
    for (const auto& [key, node] : *table) {
      if (!kKeys.contains(std::string(key.str()))) {
        loader.problem(&node, line, prefix + std::string(key.str()), "unknown key");
      }
    }
    Pattern p;
    p.line = line;
    p.id = loader.text(*table, prefix, "id", line, true);
    if (!p.id.empty() && !ids.insert(p.id).second) {
      loader.problem(table->get("id"), line, prefix + "id", "\"" + p.id + "\" is used by an earlier pattern");
    }
    p.name = loader.text(*table, prefix, "name", line, true);
    p.figure = loader.text(*table, prefix, "figure", line, true);
    p.published = loader.text(*table, prefix, "published", line, true);
    p.source = loader.text(*table, prefix, "source", line, true);
    p.statistic = loader.text(*table, prefix, "statistic", line, false);
    p.status = loader.text(*table, prefix, "status", line, false);
    if (const toml::node* node = table->get("reproduced")) {
      if (const auto b = node->value<bool>(); b && node->is_boolean()) {
        p.reproduced = *b;
      } else {
        loader.problem(node, line, prefix + "reproduced", "must be true or false");
      }
    } else {
      loader.problem(nullptr, line, prefix + "reproduced", "missing (true when docs/model.md says it is reproduced)");
    }
    const toml::node* target = table->get("target");
    const toml::node* above = table->get("above");
    const toml::node* tolerance = table->get("tolerance");
    if (!p.status.empty()) {
      if (!p.status.starts_with(kNotYet) || p.status.size() == kNotYet.size()) {
        loader.problem(table->get("status"), line, prefix + "status",
                       "must say what is missing: \"" + std::string(kNotYet) + "...\"");
      }
      if (!p.statistic.empty()) {
        loader.problem(table->get("statistic"), line, prefix + "statistic",
                       "give either a statistic or a status, not both");
      }
      if (p.reproduced) {
        loader.problem(table->get("reproduced"), line, prefix + "reproduced",
                       "a pattern that cannot be computed yet cannot be reproduced");
      }
      // A target may still be given (it documents the published figure).
    } else if (p.statistic.empty()) {
      loader.problem(nullptr, line, prefix + "statistic", "missing (or a status \"not computable yet: needs ...\")");
    } else if (find_statistic(p.statistic) == nullptr) {
      std::string known;
      for (const auto& s : statistic_registry()) known += (known.empty() ? "" : ", ") + s.name;
      loader.problem(table->get("statistic"), line, prefix + "statistic",
                     "unknown statistic \"" + p.statistic + "\" (known: " + known + ")");
    }
    if (target != nullptr && above != nullptr) {
      loader.problem(above, line, prefix + "above", "give either target or above, not both");
    } else if (target != nullptr) {
      if (const toml::array* range = target->as_array()) {
        if (range->size() != 2) {
          loader.problem(target, line, prefix + "target", "a range must have two numbers [low, high]");
        } else {
          const auto low = loader.number(range->get(0), line, prefix + "target[0]");
          const auto high = loader.number(range->get(1), line, prefix + "target[1]");
          if (low && high) {
            if (*low > *high) loader.problem(target, line, prefix + "target", "low is above high");
            p.low = *low;
            p.high = *high;
          }
        }
      } else if (const auto v = loader.number(target, line, prefix + "target")) {
        p.low = p.high = *v;
      }
      if (tolerance == nullptr) {
        loader.problem(nullptr, line, prefix + "tolerance", "missing (a target needs a tolerance, 0 or more)");
      }
    } else if (above != nullptr) {
      if (const auto v = loader.number(above, line, prefix + "above")) {
        p.low = *v;
        p.high = kInf;
      }
    } else if (p.status.empty()) {
      loader.problem(nullptr, line, prefix + "target", "missing (target = value or [low, high], or above = value)");
    }
    if (const auto t = loader.number(tolerance, line, prefix + "tolerance")) {
      if (*t < 0) loader.problem(tolerance, line, prefix + "tolerance", "must be 0 or more");
      p.tolerance = *t;
    }
    patterns.push_back(std::move(p));
  }
  if (!loader.problems().empty()) throw InputError(std::move(loader.problems()));
  return patterns;
}

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::pass:
      return "pass";
    case Verdict::miss:
      return "miss";
    case Verdict::not_computable:
      break;
  }
  return "not computable";
}

double t_quantile_975(int df) {
  // Two-sided 95% quantiles of Student's t for 1..30 degrees of freedom; the normal 1.96 beyond
  // (t(0.975, 30) = 2.042, t(0.975, 120) = 1.980).
  static constexpr double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                     2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                     2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df < 1) return kNaN;
  if (df <= 30) return table[df - 1];
  if (df <= 60) return 2.000 + (2.042 - 2.000) * (60.0 - df) / 30.0;
  if (df <= 120) return 1.980 + (2.000 - 1.980) * (120.0 - df) / 60.0;
  return 1.960;
}

std::vector<PatternResult> evaluate(const std::vector<Pattern>& patterns, const io::InputFile& results) {
  std::vector<PatternResult> out;
  for (const Pattern& p : patterns) {
    PatternResult r;
    r.pattern = p;
    if (!p.status.empty()) {
      r.reason = p.status;
      out.push_back(std::move(r));
      continue;
    }
    const Statistic* statistic = find_statistic(p.statistic);
    StatisticValue value = statistic->compute(results);
    if (!value.not_computable.empty()) {
      r.reason = "not computable from this file: " + value.not_computable;
      out.push_back(std::move(r));
      continue;
    }
    for (double v : value.values) {
      if (!std::isnan(v)) r.values.push_back(v);
    }
    if (r.values.empty()) {
      r.reason = "not computable from this file: undefined in every replicate (too few dyads or agents)";
      out.push_back(std::move(r));
      continue;
    }
    const double n = static_cast<double>(r.values.size());
    double sum = 0;
    for (double v : r.values) sum += v;
    r.mean = sum / n;
    if (r.values.size() >= 2) {
      double ss = 0;
      for (double v : r.values) ss += (v - r.mean) * (v - r.mean);
      const double half = t_quantile_975(static_cast<int>(r.values.size()) - 1) * std::sqrt(ss / (n - 1) / n);
      r.ci_low = r.mean - half;
      r.ci_high = r.mean + half;
    }
    r.verdict = (r.mean >= p.low - p.tolerance && r.mean <= p.high + p.tolerance) ? Verdict::pass : Verdict::miss;
    out.push_back(std::move(r));
  }
  return out;
}

std::string target_text(const Pattern& p) {
  if (std::isnan(p.low)) return "-";
  std::string out;
  if (std::isinf(p.high)) {
    out = "> " + number_text(p.low);
  } else if (p.low == p.high) {
    out = number_text(p.low);
  } else {
    out = "[" + number_text(p.low) + ", " + number_text(p.high) + "]";
  }
  if (p.tolerance > 0) out += " +- " + number_text(p.tolerance);
  return out;
}

void print_table(std::ostream& out, const std::vector<PatternResult>& results) {
  out << std::left << std::setw(6) << "id" << std::setw(46) << "pattern" << std::setw(24) << "target" << std::setw(30)
      << "achieved [95% CI] (R)"
      << "verdict\n";
  for (const auto& r : results) {
    std::string name = r.pattern.name;
    if (name.size() > 44) name = name.substr(0, 41) + "...";
    std::string achieved = "-";
    if (!std::isnan(r.mean)) {
      achieved = number_text(r.mean);
      if (!std::isnan(r.ci_low)) achieved += " [" + number_text(r.ci_low) + ", " + number_text(r.ci_high) + "]";
      achieved += " (" + std::to_string(r.values.size()) + ")";
    }
    std::string verdict = to_string(r.verdict);
    if (r.verdict == Verdict::miss && r.pattern.reproduced) verdict += " (docs say reproduced)";
    if (r.verdict == Verdict::not_computable) verdict = r.reason;
    out << std::left << std::setw(6) << r.pattern.id << std::setw(46) << name << std::setw(24) << target_text(r.pattern)
        << std::setw(30) << achieved << verdict << '\n';
  }
  out << std::right;
}

void write_hdf5(io::OutputFile& file, const std::vector<PatternResult>& results, const std::string& patterns_path) {
  namespace schema = io::schema;
  file.remove(schema::kPatterns);
  file.create_group(schema::kPatterns);
  std::vector<std::string> id, name, figure, published, source, statistic, description, verdict, reason;
  std::vector<double> low, high, tolerance, mean, ci_low, ci_high;
  std::vector<std::uint8_t> reproduced;
  std::vector<std::int64_t> replicates;
  std::size_t columns = 1;
  for (const auto& r : results) columns = std::max(columns, r.values.size());
  std::vector<double> values(results.size() * columns, kNaN);
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    id.push_back(r.pattern.id);
    name.push_back(r.pattern.name);
    figure.push_back(r.pattern.figure);
    published.push_back(r.pattern.published);
    source.push_back(r.pattern.source);
    statistic.push_back(r.pattern.statistic);
    const Statistic* s = r.pattern.statistic.empty() ? nullptr : find_statistic(r.pattern.statistic);
    description.push_back(s != nullptr ? s->description : "");
    verdict.push_back(to_string(r.verdict));
    reason.push_back(r.reason);
    low.push_back(r.pattern.low);
    high.push_back(r.pattern.high);
    tolerance.push_back(r.pattern.tolerance);
    mean.push_back(r.mean);
    ci_low.push_back(r.ci_low);
    ci_high.push_back(r.ci_high);
    reproduced.push_back(r.pattern.reproduced ? 1 : 0);
    replicates.push_back(static_cast<std::int64_t>(r.values.size()));
    std::copy(r.values.begin(), r.values.end(), values.begin() + static_cast<std::ptrdiff_t>(i * columns));
  }
  const auto at = [](std::string_view field) { return std::string(io::schema::kPatterns) + "/" + std::string(field); };
  file.write_strings(at("id"), id);
  file.write_strings(at("name"), name);
  file.write_strings(at("figure"), figure);
  file.write_strings(at("published"), published);
  file.write_strings(at("source"), source);
  file.write_strings(at("statistic"), statistic);
  file.write_strings(at("description"), description);
  file.write_strings(at("verdict"), verdict);
  file.write_strings(at("reason"), reason);
  file.write(at("target_low"), low);
  file.write(at("target_high"), high);
  file.write(at("tolerance"), tolerance);
  file.write(at("mean"), mean);
  file.write(at("ci_low"), ci_low);
  file.write(at("ci_high"), ci_high);
  file.write(at("reproduced"), reproduced);
  file.write(at("replicates"), replicates);
  file.write(at("values"), values, {results.size(), columns});
  file.set_attribute(schema::kPatterns, "patterns_file", patterns_path);
  file.set_attribute(schema::kPatterns, "ci_method",
                     std::string_view("mean over replicates +- t(0.975, R-1) * SD / sqrt(R); none for R = 1"));
  file.set_attribute(schema::kPatterns, "pass_rule",
                     std::string_view("pass when the mean lies in [target_low - tolerance, target_high + tolerance]"));
}

std::string csv_text(const std::vector<PatternResult>& results) {
  std::string out =
      "id,name,figure,statistic,target_low,target_high,tolerance,mean,ci_low,ci_high,replicates,verdict,reproduced,"
      "reason,published,source\n";
  for (const auto& r : results) {
    const auto& p = r.pattern;
    out += csv_field(p.id) + "," + csv_field(p.name) + "," + csv_field(p.figure) + "," + csv_field(p.statistic) + "," +
           csv_number(p.low) + "," + csv_number(p.high) + "," + csv_number(p.tolerance) + "," + csv_number(r.mean) +
           "," + csv_number(r.ci_low) + "," + csv_number(r.ci_high) + "," + std::to_string(r.values.size()) + "," +
           csv_field(to_string(r.verdict)) + "," + (p.reproduced ? "true" : "false") + "," + csv_field(r.reason) + "," +
           csv_field(p.published) + "," + csv_field(p.source) + "\n";
  }
  return out;
}

}  // namespace mentorsim::patterns
