#include "mentorsim/experiment/calibration.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <ostream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "mentorsim/core/errors.hpp"
#include "mentorsim/core/strings.hpp"
#include "mentorsim/core/toml_document.hpp"
#include "mentorsim/engine/build.hpp"
#include "mentorsim/experiment/sweep.hpp"
#include "mentorsim/io/hdf5_file.hpp"
#include "mentorsim/io/provenance.hpp"
#include "mentorsim/io/schema.hpp"
#include "mentorsim/scenario/reader.hpp"

namespace mentorsim::experiment {

using scenario::Range;
using scenario::ReadContext;
using scenario::Reader;

namespace {

std::string read_text(const std::filesystem::path& file, const std::string& what) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(Diagnostic{SourceLocation{file.string(), 0, 0}, "", "cannot open " + what});
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

struct ParameterSource {
  SourceLocation table, key, min, max, prior;
};

// The experiment every batch starts from: the base scenario, replicates, seed and random numbers of the
// calibration, and the priors as lhs dimensions, so that the experiment reader checks the keys and
// ranges exactly as for a sweep. Its problems are reported at the calibration file's keys.
Experiment base_experiment(const std::filesystem::path& file, const std::filesystem::path& scenario,
                           const std::vector<abc::Prior>& priors, const std::vector<ParameterSource>& sources,
                           const std::map<std::string, SourceLocation>& top, Replicate replicates, Seed seed,
                           const std::string& random_numbers, const std::vector<std::string>& sets) {
  std::string text = "scenario = " + quoted(std::filesystem::absolute(scenario).lexically_normal().string()) +
                     "\ndesign = \"lhs\"\nsamples = 2\nreplicates = " + std::to_string(replicates) +
                     "\nseed = " + std::to_string(seed) + "\nrandom_numbers = " + quoted(random_numbers) +
                     "\noutcomes = [\"coverage\"]\n";
  for (const auto& p : priors) {
    text += "[[dimensions]]\nkey = " + quoted(p.key) + "\nmin = " + toml_number(p.min, false) +
            "\nmax = " + toml_number(p.max, false) + "\ndistribution = \"" + (p.log_scale ? "log_uniform" : "uniform") +
            "\"\n";
  }
  CommandLine command_line;
  command_line.scenario_overrides = sets;
  try {
    return Experiment::parse(text, file.string(), file.parent_path(), command_line);
  } catch (const ScenarioError& e) {
    // Problems of the generated experiment, moved to the calibration file's keys.
    std::vector<Diagnostic> out;
    for (Diagnostic d : e.diagnostics()) {
      if (d.where.file == file.string()) {
        if (d.key.starts_with("dimensions[")) {
          const std::size_t close = d.key.find(']');
          const std::size_t index = std::stoul(d.key.substr(11, close - 11));
          const std::string rest = d.key.substr(close + 1);
          const ParameterSource& s = sources.at(index);
          d.where = rest == ".min" ? s.min : rest == ".max" ? s.max : rest == ".distribution" ? s.prior : s.key;
          d.key = "parameters[" + std::to_string(index) + "]" + (rest == ".distribution" ? ".prior" : rest);
        } else if (auto it = top.find(d.key); it != top.end()) {
          d.where = it->second;
        } else {
          d.where.line = 0;
          d.where.column = 0;
        }
      }
      out.push_back(std::move(d));
    }
    throw ScenarioError(std::move(out));
  }
}

// The sweep file of one batch, beside the output.
std::filesystem::path batch_file(const std::filesystem::path& output, const std::string& what) {
  std::string name = output.filename().string();
  name += ".";
  name += what;
  name += ".h5";
  return output.parent_path() / name;
}

// Runs `body` (true: finished, false: interrupted) on this rank; under MPI every rank then learns the
// worst outcome of all (a barrier). Returns false when some rank was interrupted; rethrows this rank's
// own error; throws OtherRankFailed when only another rank failed. Every rank must make the same
// sequence of calls, so everything a rank alone might fail at (its shard, rank 0's merge, reading the
// batch file) runs inside one.
bool collective_step(const CalibrationOptions& options, const std::function<bool()>& body) {
  if (options.ranks <= 1) return body();
  int code = 0;
  std::exception_ptr failure;
  try {
    if (!body()) code = kCalibrationInterrupted;
  } catch (const Error& e) {
    code = static_cast<int>(e.exit_code());
    failure = std::current_exception();
  } catch (...) {
    code = static_cast<int>(ExitCode::internal);
    failure = std::current_exception();
  }
  const int worst = options.collective(code);
  if (failure) std::rethrow_exception(failure);
  if (worst == 0) return true;
  if (worst == kCalibrationInterrupted) return false;
  throw OtherRankFailed(worst);
}

// Runs (or, after an interruption, resumes or re-reads) the sweep of `points` and returns the pattern
// statistics of every run, [point][replicate][pattern]; empty when interrupted. Under MPI each rank
// runs its shard of the sweep, rank 0 merges the shards into the batch file, and every rank reads it.
std::vector<std::vector<std::vector<double>>> run_batch(const Calibration& c, const Experiment& base,
                                                        const std::vector<std::vector<double>>& points,
                                                        const std::filesystem::path& file,
                                                        const CalibrationOptions& options,
                                                        CalibrationSummary& summary) {
  std::vector<std::string> keys;
  for (const auto& p : c.priors) keys.push_back(p.key);
  Experiment experiment = base;
  experiment.set_design(point_design(keys, points));
  experiment.keep_patterns(c.patterns, c.patterns_text);
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    const bool finished = collective_step(options, [&] {
      SweepOptions sweep;
      sweep.output = file;
      sweep.threads = options.threads;
      sweep.stop = options.stop;
      sweep.stop_after = options.stop_after;
      sweep.rank = options.rank;
      sweep.ranks = options.ranks;
      std::error_code exists_error;
      sweep.resume = std::filesystem::exists(journal_path(file, options.rank, options.ranks), exists_error);
      const SweepSummary s = run_sweep(experiment, sweep);
      summary.runs += s.completed;
      return !s.interrupted;
    });
    if (!finished) return {};
    if (options.ranks > 1) {
      (void)collective_step(options, [&] {
        if (options.rank != 0) return true;
        std::vector<std::filesystem::path> shards;
        for (std::uint32_t r = 0; r < options.ranks; ++r) shards.push_back(journal_path(file, r, options.ranks));
        (void)merge_shards(shards, file);
        std::error_code remove_error;
        for (const auto& shard : shards) std::filesystem::remove(shard, remove_error);
        return true;
      });
    }
  } else if (options.log != nullptr) {
    *options.log << "calibrate: " << file.string() << " is complete, reused\n";
  }
  const std::size_t R = experiment.replicates();
  std::vector<std::vector<std::vector<double>>> out(points.size(),
                                                    std::vector<std::vector<double>>(R, std::vector<double>()));
  (void)collective_step(options, [&] {
    const io::InputFile input(file);
    // The finished batch must be this one: the same design points, bit for bit.
    for (std::size_t k = 0; k < keys.size(); ++k) {
      const auto stored = input.read<double>(io::schema::child(io::schema::kDesign, keys[k]));
      bool same = stored.size() == points.size();
      for (std::size_t p = 0; same && p < points.size(); ++p) same = stored[p] == points[p][k];
      if (!same) {
        throw InputError(Diagnostic{SourceLocation{file.string(), 0, 0}, "",
                                    "--resume: this batch file is from a different calibration (its design points "
                                    "differ); delete it and the other batch files to start afresh"});
      }
    }
    for (const auto& pattern : c.patterns) {
      const std::string path = io::schema::child(io::schema::child(io::schema::kRuns, "patterns"), pattern.id);
      if (!input.exists(path) || input.dims(path) != std::vector<std::uint64_t>{points.size(), R}) {
        throw InputError(Diagnostic{SourceLocation{file.string(), 0, 0}, "",
                                    "--resume: this batch file is from a different calibration (its patterns or "
                                    "replicates differ); delete it and the other batch files to start afresh"});
      }
      const auto values = input.read<double>(path);
      for (std::size_t p = 0; p < points.size(); ++p) {
        for (std::size_t r = 0; r < R; ++r) out[p][r].push_back(values[p * R + r]);
      }
    }
    return true;
  });
  return out;
}

// Mean over replicates of each pattern (NaN replicates left out; NaN when none is left).
std::vector<double> replicate_means(const std::vector<std::vector<double>>& replicates, std::size_t patterns) {
  std::vector<double> mean(patterns, kNaN);
  for (std::size_t j = 0; j < patterns; ++j) {
    double sum = 0.0;
    std::size_t n = 0;
    for (const auto& r : replicates) {
      if (std::isnan(r[j])) continue;
      sum += r[j];
      ++n;
    }
    if (n > 0) mean[j] = sum / static_cast<double>(n);
  }
  return mean;
}

struct Interrupted {};

std::vector<double> flatten(const std::vector<std::vector<double>>& rows) {
  std::vector<double> out;
  for (const auto& r : rows) out.insert(out.end(), r.begin(), r.end());
  return out;
}

}  // namespace

double weighted_median(const std::vector<double>& values, const std::vector<double>& weights) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  double cumulative = 0.0;
  for (std::size_t i : order) {
    cumulative += weights[i];
    if (cumulative >= 0.5 - 1e-12) return values[i];
  }
  return values[order.back()];
}

std::string CalibrationOverrides::text() const {
  std::vector<std::string> parts;
  if (draws) parts.push_back("--draws " + std::to_string(*draws));
  if (replicates) parts.push_back("--replicates " + std::to_string(*replicates));
  if (generations) parts.push_back("--generations " + std::to_string(*generations));
  return join(parts, " ");
}

Calibration Calibration::load(const std::filesystem::path& file, const std::vector<std::string>& sets,
                              const std::filesystem::path& default_patterns, const CalibrationOverrides& overrides) {
  Calibration c;
  c.name = file.string();
  c.text = read_text(file, "calibration file");
  ReadContext context(c.name);
  toml::table document = parse_toml_document<ScenarioError>(c.text, c.name);
  toml::table resolved;
  Reader root(context, &document, "", resolved, SourceLocation{c.name, 1, 1});
  std::map<std::string, SourceLocation> top;
  if (!root.has("scenario")) root.error_here("missing required key \"scenario\" (the base scenario file)");
  const std::string scenario_text = root.string("scenario", "");
  top["scenario"] = root.location_of("scenario");
  const std::string patterns_file = root.string("patterns_file", "");
  if (!root.has("patterns")) root.error_here("missing required key \"patterns\" (pattern ids, e.g. [\"P5\", \"P9\"])");
  const std::vector<std::string> ids = root.strings("patterns", {}, {});
  const SourceLocation ids_location = root.location_of("patterns");
  c.settings.design = root.enumeration<DesignKind>("design", DesignKind::lhs);
  if (c.settings.design != DesignKind::lhs && c.settings.design != DesignKind::sobol) {
    root.error("design", "a calibration's prior design is \"lhs\" or \"sobol\"");
  }
  c.settings.draws = static_cast<std::size_t>(root.integer("draws", 100, 2, 1 << 20));
  c.replicates = static_cast<Replicate>(root.integer("replicates", 1, 1, 1000));
  top["replicates"] = root.location_of("replicates");
  c.settings.seed = static_cast<Seed>(root.integer("seed", 1, 0, std::numeric_limits<std::int64_t>::max()));
  top["seed"] = root.location_of("seed");
  const auto quantile = root.optional_number("quantile", Range{0.0, 1.0, true, false});
  const auto tolerance = root.optional_number("tolerance", scenario::kPositive);
  if (quantile && tolerance) root.error("tolerance", "give quantile or tolerance, not both");
  c.settings.quantile = quantile.value_or(0.1);
  c.settings.tolerance = tolerance;
  const std::string random_numbers = root.string("random_numbers", "common");
  top["random_numbers"] = root.location_of("random_numbers");
  if (random_numbers != "common" && random_numbers != "independent") {
    root.error("random_numbers", "expected \"common\" or \"independent\", got \"" + random_numbers + "\"");
  }
  c.median_replicates = static_cast<Replicate>(root.integer("median_replicates", 0, 0, 1000));
  c.output = root.string("output", std::filesystem::path(c.name).stem().string() + ".h5");
  {
    Reader smc = root.table("smc");
    c.settings.generations = static_cast<std::size_t>(smc.integer("generations", 0, 0, 100));
    c.settings.population = static_cast<std::size_t>(smc.integer("population", 0, 0, 1 << 20));
    c.settings.smc_quantile = smc.number("quantile", 0.5, Range{0.0, 1.0, true, true});
    c.settings.batch = static_cast<std::size_t>(smc.integer("batch", 0, 0, 1 << 20));
    c.settings.max_batches = static_cast<std::size_t>(smc.integer("max_batches", 50, 1, 100000));
    smc.finish();
  }
  std::vector<ParameterSource> sources;
  auto tables = root.tables("parameters");
  if (!tables || tables->empty()) root.error_here("missing [[parameters]]: at least one parameter to calibrate");
  if (tables) {
    std::set<std::string> keys;
    for (auto& r : *tables) {
      abc::Prior p;
      if (!r.has("key")) r.error_here("missing required key \"key\" (a scenario key, e.g. \"network.mean_degree\")");
      p.key = r.string("key", "");
      if (!p.key.empty() && !keys.insert(p.key).second) r.error("key", "\"" + p.key + "\" is calibrated twice");
      const std::string prior = r.string("prior", "uniform");
      if (prior != "uniform" && prior != "log_uniform") {
        r.error("prior", "expected \"uniform\" or \"log_uniform\", got \"" + prior + "\"");
      }
      p.log_scale = prior == "log_uniform";
      if (!r.has("min") || !r.has("max")) r.error_here("a parameter needs min and max (its prior's range)");
      p.min = r.number("min", 0.0, Range{-1e300, 1e300});
      p.max = r.number("max", 1.0, Range{-1e300, 1e300});
      if (r.has("min") && r.has("max")) {
        if (!(p.min < p.max)) {
          r.error("max", "the prior's range is empty or inverted: max " + toml_number(p.max, false) +
                             " is not above min " + toml_number(p.min, false));
        } else if (p.log_scale && p.min <= 0.0) {
          r.error("min", "a log_uniform prior needs min > 0, got " + toml_number(p.min, false));
        }
      }
      sources.push_back(
          {r.location(), r.location_of("key"), r.location_of("min"), r.location_of("max"), r.location_of("prior")});
      r.finish();
      c.priors.push_back(std::move(p));
    }
  }
  root.finish();
  if (!context.ok()) throw ScenarioError(context.take_errors());
  if (overrides.draws) c.settings.draws = *overrides.draws;
  if (overrides.replicates) c.replicates = *overrides.replicates;
  if (overrides.generations) c.settings.generations = *overrides.generations;
  c.overrides = overrides.text();

  // The patterns: every id known, computable, and with a target value or range.
  c.patterns_file = patterns_file.empty() ? default_patterns : std::filesystem::path(patterns_file);
  if (!patterns_file.empty() && c.patterns_file.is_relative()) c.patterns_file = file.parent_path() / c.patterns_file;
  const std::vector<patterns::Pattern> all = patterns::load_patterns(c.patterns_file);
  c.patterns_text = read_text(c.patterns_file, "patterns file");
  std::vector<std::string> known;
  for (const auto& p : all) known.push_back(p.id);
  std::set<std::string> seen;
  if (ids.empty()) context.error(ids_location, "patterns", "at least one pattern id is needed");
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::string key = "patterns[" + std::to_string(i) + "]";
    const auto it = std::find_if(all.begin(), all.end(), [&](const auto& p) { return p.id == ids[i]; });
    if (it == all.end()) {
      std::string message = "\"" + ids[i] + "\" is not a pattern of " + c.patterns_file.string();
      if (auto guess = scenario::closest(ids[i], known); !guess.empty()) message += "; did you mean \"" + guess + "\"?";
      context.error(ids_location, key, message);
      continue;
    }
    if (!seen.insert(ids[i]).second) {
      context.error(ids_location, key, "\"" + ids[i] + "\" is listed twice");
      continue;
    }
    if (it->statistic.empty()) {
      context.error(ids_location, key, ids[i] + " cannot be computed yet (" + it->status + ")");
      continue;
    }
    if (!std::isfinite(it->low) || !std::isfinite(it->high)) {
      context.error(ids_location, key,
                    ids[i] + " is an ordering (above = ...), not a target value or range: a distance needs a target");
      continue;
    }
    c.patterns.push_back(*it);
    c.targets.push_back({it->id, it->low, it->high, it->tolerance});
    if (!(c.targets.back().scale() > 0.0)) {
      context.error(ids_location, key,
                    ids[i] + " has a single target value and no tolerance: its distance is undefined");
    }
  }
  if (!context.ok()) throw ScenarioError(context.take_errors());

  std::filesystem::path scenario(scenario_text);
  if (scenario.is_relative()) scenario = file.parent_path() / scenario;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(scenario, ec)) {
    throw ScenarioError({Diagnostic{top["scenario"], "scenario", "cannot open " + scenario.string()}});
  }
  if (c.median_replicates == 0) c.median_replicates = std::max<Replicate>(c.replicates, 2);
  c.experiment.emplace(
      base_experiment(file, scenario, c.priors, sources, top, c.replicates, c.settings.seed, random_numbers, sets));
  c.median_experiment.emplace(base_experiment(file, scenario, c.priors, sources, top, c.median_replicates,
                                              c.settings.seed, random_numbers, sets));
  return c;
}

CalibrationSummary run_calibration(const Calibration& c, const CalibrationOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  CalibrationSummary summary;
  summary.output = options.output.empty() ? c.output : options.output;
  if (options.ranks > 1 && (!options.collective || !options.total)) {
    throw std::logic_error("run_calibration: ranks > 1 needs collective and total");
  }
  const bool writer = options.rank == 0;  // under MPI rank 0 checks the output, merges and writes
  const std::size_t P = c.patterns.size();
  const std::size_t d = c.priors.size();

  // The batch files and journals of a calibration with this output: OUTPUT.stage*, OUTPUT.median*.
  std::error_code ec;
  const std::filesystem::path directory =
      summary.output.parent_path().empty() ? std::filesystem::path(".") : summary.output.parent_path();
  const std::string prefix = summary.output.filename().string() + ".";
  const auto is_batch_file = [&](const std::filesystem::path& path) {
    const std::string name = path.filename().string();
    return name.starts_with(prefix) &&
           (name.find(".stage") != std::string::npos || name.find(".median") != std::string::npos);
  };
  // Without --resume, those of an earlier calibration stop it. Checked by rank 0 alone (the other
  // ranks need not list the directory), and before any rank writes a batch file (a barrier under MPI).
  (void)collective_step(options, [&] {
    if (!writer) return true;
    (void)io::check_output_target(summary.output);
    if (options.resume) return true;
    std::vector<std::filesystem::path> leftovers;
    for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
      if (is_batch_file(entry.path())) leftovers.push_back(entry.path());
    }
    if (!leftovers.empty()) {
      throw InputError(Diagnostic{SourceLocation{leftovers.front().string(), 0, 0}, "",
                                  "an unfinished calibration's batch file: continue it with --resume, or delete the " +
                                      std::to_string(leftovers.size()) + " file(s) " + prefix + "* to start afresh"});
    }
    return true;
  });

  const abc::Simulator simulator = [&](const std::vector<std::vector<double>>& points, std::size_t stage,
                                       std::size_t batch) {
    const std::filesystem::path file =
        batch_file(summary.output, "stage" + std::to_string(stage) + "-batch" + std::to_string(batch));
    if (options.log != nullptr) {
      *options.log << "calibrate: stage " << stage << (stage == 0 ? " (rejection)" : " (SMC)") << ", batch " << batch
                   << ": " << points.size() << " parameter sets x " << c.replicates << " replicates\n";
    }
    const auto runs = run_batch(c, *c.experiment, points, file, options, summary);
    if (runs.empty()) throw Interrupted{};
    summary.simulations += points.size();
    std::vector<std::vector<double>> statistics;
    for (const auto& point : runs) statistics.push_back(replicate_means(point, P));
    return statistics;
  };
  abc::Result result;
  try {
    result = abc::run(c.priors, c.targets, c.settings, simulator);
  } catch (const Interrupted&) {
    summary.interrupted = true;
    return summary;
  } catch (const std::invalid_argument& e) {
    throw InputError(Diagnostic{SourceLocation{c.name, 0, 0}, "", e.what()});
  }
  const abc::Population& posterior = result.posterior();

  // The pattern table at the posterior's (weighted, per parameter) median.
  std::vector<double> median(d);
  for (std::size_t k = 0; k < d; ++k) {
    std::vector<double> column;
    for (const auto& theta : posterior.parameters) column.push_back(theta[k]);
    median[k] = weighted_median(column, posterior.weights);
  }
  if (options.log != nullptr) {
    *options.log << "calibrate: the pattern table at the posterior median, " << c.median_replicates << " replicates\n";
  }
  Calibration median_calibration;  // run_batch needs the priors, patterns and replicates of the median runs
  median_calibration.priors = c.priors;
  median_calibration.patterns = c.patterns;
  median_calibration.patterns_text = c.patterns_text;
  median_calibration.replicates = c.median_replicates;
  const auto median_runs = run_batch(median_calibration, *c.median_experiment, {median},
                                     batch_file(summary.output, "median"), options, summary);
  if (median_runs.empty()) {
    summary.interrupted = true;
    return summary;
  }
  if (options.ranks > 1) {
    summary.runs = options.total(summary.runs);
    // Every rank has read the median batch before rank 0 removes the batch files.
    (void)collective_step(options, [] { return true; });
  }
  summary.stages = result.stages.size();
  summary.accepted = posterior.parameters.size();
  if (!writer) {
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return summary;
  }
  const auto& replicate_values = median_runs.front();
  std::vector<double> mean(P, kNaN), ci_low(P, kNaN), ci_high(P, kNaN), passes(P, 0.0);
  std::vector<double> median_values(c.median_replicates * P);
  for (std::size_t j = 0; j < P; ++j) {
    std::vector<double> v;
    for (std::size_t r = 0; r < replicate_values.size(); ++r) {
      median_values[r * P + j] = replicate_values[r][j];
      if (!std::isnan(replicate_values[r][j])) v.push_back(replicate_values[r][j]);
    }
    if (v.empty()) continue;
    const double m = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    mean[j] = m;
    if (v.size() > 1) {
      double ss = 0.0;
      for (double x : v) ss += (x - m) * (x - m);
      const double se = std::sqrt(ss / static_cast<double>(v.size() - 1) / static_cast<double>(v.size()));
      const double half = patterns::t_quantile_975(static_cast<int>(v.size()) - 1) * se;
      ci_low[j] = m - half;
      ci_high[j] = m + half;
    }
    const auto& t = c.targets[j];
    passes[j] = m >= t.low - t.tolerance && m <= t.high + t.tolerance ? 1.0 : 0.0;
  }

  // The results file.
  std::vector<std::string> keys, ids;
  for (const auto& p : c.priors) keys.push_back(p.key);
  for (const auto& p : c.patterns) ids.push_back(p.id);
  const auto n = static_cast<std::uint64_t>(posterior.parameters.size());
  const auto draws = static_cast<std::uint64_t>(result.prior_parameters.size());
  io::OutputFile out(summary.output);
  out.set_attribute(io::schema::kRoot, "schema_version", io::schema::kSchemaVersion);
  out.set_attribute(io::schema::kRoot, io::schema::kKindAttribute, std::string_view("calibration"));
  const std::string meta(io::schema::kMeta);
  out.create_group(meta);
  out.set_attribute(meta, "mentorsim_version", build::version());
  out.set_attribute(meta, "git_commit", build::git_commit());
  out.set_attribute(meta, "calibration_path", c.name);
  out.set_attribute(meta, "calibration_toml", c.text);
  out.set_attribute(meta, "calibration_overrides", c.overrides);
  out.set_attribute(meta, "scenario_path", c.experiment->base().name());
  out.set_attribute(meta, "scenario_toml", c.experiment->base().source_text());
  out.set_attribute(meta, "overrides", join(c.experiment->scenario_overrides(), "\n"));
  out.set_attribute(meta, "resolved_json", c.experiment->base().resolved_json());
  out.set_attribute(meta, "patterns_path", c.patterns_file.string());
  out.set_attribute(meta, "patterns_toml", c.patterns_text);
  out.set_attribute(meta, "seed", static_cast<std::uint64_t>(c.settings.seed));
  out.set_attribute(meta, "replicates", static_cast<std::int64_t>(c.replicates));
  out.set_attribute(meta, "dependencies", io::dependency_versions());
  out.set_attribute(meta, "created_utc", io::utc_timestamp());
  out.set_attribute(meta, "hostname", io::host_name());
  out.set_attribute(meta, "elapsed_seconds",
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());

  out.create_group("/targets");
  out.write_strings("/targets/id", ids);
  std::vector<double> low, high, tol;
  for (const auto& t : c.targets) {
    low.push_back(t.low);
    high.push_back(t.high);
    tol.push_back(t.tolerance);
  }
  out.write("/targets/low", low);
  out.write("/targets/high", high);
  out.write("/targets/tolerance", tol);

  out.create_group("/prior");
  out.write_strings("/prior/keys", keys);
  std::vector<std::string> kinds;
  std::vector<double> pmin, pmax;
  for (const auto& p : c.priors) {
    kinds.push_back(p.log_scale ? "log_uniform" : "uniform");
    pmin.push_back(p.min);
    pmax.push_back(p.max);
  }
  out.write_strings("/prior/distribution", kinds);
  out.write("/prior/min", pmin);
  out.write("/prior/max", pmax);
  out.write("/prior/parameters", flatten(result.prior_parameters), {draws, d});
  out.write("/prior/statistics", flatten(result.prior_statistics), {draws, P});
  out.write("/prior/distances", result.prior_distances);

  out.create_group("/posterior");
  out.write_strings("/posterior/keys", keys);
  out.write_strings("/posterior/patterns", ids);
  out.write("/posterior/parameters", flatten(posterior.parameters), {n, d});
  out.write("/posterior/weights", posterior.weights);
  out.write("/posterior/distances", posterior.distances);
  out.write("/posterior/statistics", flatten(posterior.statistics), {n, P});
  out.write("/posterior/median", median);

  out.create_group("/stages");
  std::vector<double> tolerance;
  std::vector<std::int64_t> simulations, accepted, complete;
  for (const auto& s : result.stages) {
    tolerance.push_back(s.tolerance);
    simulations.push_back(static_cast<std::int64_t>(s.simulations));
    accepted.push_back(static_cast<std::int64_t>(s.parameters.size()));
    complete.push_back(s.complete ? 1 : 0);
  }
  out.write("/stages/tolerance", tolerance);
  out.write("/stages/simulations", simulations);
  out.write("/stages/accepted", accepted);
  out.write("/stages/complete", complete);

  out.create_group("/median");
  out.write("/median/statistics", median_values, {static_cast<std::uint64_t>(c.median_replicates), P});
  out.write("/median/mean", mean);
  out.write("/median/ci_low", ci_low);
  out.write("/median/ci_high", ci_high);
  out.write("/median/pass", passes);
  out.commit();

  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    if (is_batch_file(entry.path())) std::filesystem::remove(entry.path(), ec);
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (options.log != nullptr) {
    *options.log << "calibrate: " << summary.simulations << " parameter sets (" << summary.runs << " runs) in "
                 << summary.seconds << " s; stage 0 accepted " << result.stages.front().parameters.size() << " of "
                 << draws << "; " << summary.stages - 1 << " SMC stage(s); posterior of " << n << " particles\n";
    for (std::size_t j = 0; j < P; ++j) {
      *options.log << "  " << ids[j] << "  target " << patterns::target_text(c.patterns[j]) << "  at the median "
                   << mean[j] << " [" << ci_low[j] << ", " << ci_high[j] << "]  " << (passes[j] > 0 ? "pass" : "miss")
                   << '\n';
    }
  }
  return summary;
}

}  // namespace mentorsim::experiment
