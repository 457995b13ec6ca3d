#pragma once
// Pattern-oriented checks of a results file against published figures (docs/model.md section 1.2).
//
// A pattern is data: calibration/patterns.toml lists each one (id, name, the statistic that measures
// it, the published target and tolerance, the source). A statistic is a small function of a results
// file registered in statistic_registry() under a name; adding a pattern whose statistic exists is an
// edit of the TOML file only, adding a statistic is one function and one registry entry.
//
// A statistic gives one value per replicate it can see (the /outcomes and /dyads data of every
// replicate; per-agent and network data for replicate 0, and for the others when the file has
// /replicates/<r>), or a reason why it cannot be computed from this file. Evaluation averages the
// replicate values, gives a 95% confidence interval over replicates (mean +- t(0.975, R-1) s / sqrt R),
// and passes when the mean lies in the target range widened by the tolerance.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace mentorsim::io {
class InputFile;
class OutputFile;
}  // namespace mentorsim::io

namespace mentorsim::patterns {

// The value of a statistic on one results file: one entry per replicate it could use, or why not.
struct StatisticValue {
  std::vector<double> values;  // per replicate (NaN entries are dropped before averaging)
  std::string not_computable;  // non-empty: the statistic cannot be computed from this file
};

struct Statistic {
  std::string name;
  std::string description;  // how it is computed, in one or two sentences
  std::function<StatisticValue(const io::InputFile&)> compute;
};

// Every statistic, in a fixed order.
const std::vector<Statistic>& statistic_registry();
// The statistic of that name, or nullptr.
const Statistic* find_statistic(std::string_view name);

// One pattern of calibration/patterns.toml.
struct Pattern {
  std::string id;         // "P5"
  std::string name;       // short text
  std::string figure;     // "C5" (docs/calibration.md)
  std::string published;  // the published figure as text, "odds ratio 0.3"
  std::string source;     // authors, year, journal
  std::string statistic;  // registry name; empty when `status` says why it is not computable yet
  std::string status;     // "" or "not computable yet: needs ..."
  double low = std::numeric_limits<double>::quiet_NaN();  // target range; -inf/+inf when open
  double high = std::numeric_limits<double>::quiet_NaN();
  double tolerance = 0.0;   // added on both sides of [low, high]
  bool reproduced = false;  // docs/model.md says the default scenario reproduces it
  int line = 0;             // where it is in the file
};

// Reads a patterns file. Throws InputError naming file, line and key for every problem (unknown
// statistic, missing target, a range with low > high, unknown keys...).
std::vector<Pattern> load_patterns(const std::filesystem::path& path);

enum class Verdict : std::uint8_t { pass, miss, not_computable };
const char* to_string(Verdict verdict);

struct PatternResult {
  Pattern pattern;
  Verdict verdict = Verdict::not_computable;
  std::string reason;          // for not computable
  std::vector<double> values;  // per replicate used
  double mean = std::numeric_limits<double>::quiet_NaN();
  double ci_low = std::numeric_limits<double>::quiet_NaN();
  double ci_high = std::numeric_limits<double>::quiet_NaN();
};

// The two-sided 95% Student t quantile t(0.975, df), df >= 1.
double t_quantile_975(int df);

// Evaluates every pattern on a results file.
std::vector<PatternResult> evaluate(const std::vector<Pattern>& patterns, const io::InputFile& results);

// The target as text: "0.3 +- 0.15", "[0.38, 0.59] +- 0.1", "> 0".
std::string target_text(const Pattern& pattern);

// A readable table (one row per pattern) for the terminal.
void print_table(std::ostream& out, const std::vector<PatternResult>& results);

// Writes /patterns (docs/hdf5-schema.md) into `file`, replacing it if present.
void write_hdf5(io::OutputFile& file, const std::vector<PatternResult>& results, const std::string& patterns_path);

// The CSV text of the table (one header line, one row per pattern; RFC 4180 quoting).
std::string csv_text(const std::vector<PatternResult>& results);

}  // namespace mentorsim::patterns
