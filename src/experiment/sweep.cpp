#include "mentorsim/experiment/sweep.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <future>
#include <limits>
#include <map>
#include <mutex>
#include <ostream>
#include <sstream>

#include "mentorsim/core/errors.hpp"
#include "mentorsim/core/parallel.hpp"
#include "mentorsim/engine/runner.hpp"
#include "mentorsim/experiment/progress.hpp"
#include "mentorsim/experiment/sensitivity.hpp"
#include "mentorsim/io/hdf5_file.hpp"
#include "mentorsim/io/provenance.hpp"
#include "mentorsim/io/schema.hpp"
#include "mentorsim/patterns/patterns.hpp"
#include "mentorsim/world/world.hpp"

namespace mentorsim::experiment {
namespace {

// Whole simulations of this many staff or more run one at a time, parallel inside; smaller ones run
// side by side, one per thread.
constexpr std::uint64_t kLargeRun = 100000;

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// Where the values of outcome k, run arm a, level l and of metric m, arm a, observation o sit in a run.
struct Layout {
  explicit Layout(const Manifest& m) : manifest(m) {
    std::size_t offset = 0;
    for (auto w : m.widths) {
      outcome_offset.push_back(offset);
      offset += w * m.arms_per_run;
    }
    metric_base = offset;
  }
  [[nodiscard]] std::size_t outcome(std::size_t k, std::size_t a, std::size_t l) const {
    return outcome_offset[k] + a * manifest.widths[k] + l;
  }
  [[nodiscard]] std::size_t metric(std::size_t m, std::size_t a, std::size_t o) const {
    return metric_base + (m * manifest.arms_per_run + a) * manifest.observed_weeks.size() + o;
  }
  // The run holding output arm `arm` of point p, replicate r, and the arm's index within the run.
  [[nodiscard]] std::pair<std::uint64_t, std::size_t> run_of(std::uint64_t p, std::uint64_t r, std::size_t arm) const {
    const std::uint64_t run_arm = arm / manifest.arms_per_run;
    return {(p * manifest.run_arms + run_arm) * manifest.replicates + r, arm % manifest.arms_per_run};
  }
  const Manifest& manifest;
  std::vector<std::size_t> outcome_offset;
  std::size_t metric_base = 0;
};

// The mean over replicates of an output arm's value at a point (NaN replicates left out).
double replicate_mean(const Layout& layout, const std::vector<double>& values, std::uint64_t p, std::size_t k,
                      std::size_t arm) {
  const Manifest& m = layout.manifest;
  double sum = 0.0;
  double n = 0.0;
  for (std::uint64_t r = 0; r < m.replicates; ++r) {
    const auto [run, a] = layout.run_of(p, r, arm);
    const double v = values[run * m.values_per_run + layout.outcome(k, a, 0)];
    if (std::isnan(v)) continue;
    sum += v;
    n += 1.0;
  }
  return n > 0 ? sum / n : kNaN;
}

// The mean over replicates of the paired difference first - second.
double contrast_mean(const Layout& layout, const std::vector<double>& values, std::uint64_t p, std::size_t k,
                     std::size_t first, std::size_t second) {
  const Manifest& m = layout.manifest;
  double sum = 0.0;
  double n = 0.0;
  for (std::uint64_t r = 0; r < m.replicates; ++r) {
    const auto [run1, a1] = layout.run_of(p, r, first);
    const auto [run2, a2] = layout.run_of(p, r, second);
    const double v = values[run1 * m.values_per_run + layout.outcome(k, a1, 0)] -
                     values[run2 * m.values_per_run + layout.outcome(k, a2, 0)];
    if (std::isnan(v)) continue;
    sum += v;
    n += 1.0;
  }
  return n > 0 ? sum / n : kNaN;
}

void write_sensitivity(io::OutputFile& file, const Manifest& m, const Layout& layout,
                       const std::vector<double>& values) {
  const std::string g(io::schema::kSensitivity);
  const Design& design = m.design;
  const std::uint64_t points = m.points();
  const std::size_t d = design.keys.size();
  std::vector<std::string> targets = m.arm_names;
  for (auto [x, y] : m.contrasts) targets.push_back(m.arm_names[x] + " - " + m.arm_names[y]);
  file.create_group(g);
  file.write_strings(g + "/parameters", design.keys);
  file.write_strings(g + "/targets", targets);
  file.write(g + "/matrix", design.saltelli_matrix);
  file.write(g + "/row", design.saltelli_row);
  file.set_attribute(g, "base_samples", static_cast<std::int64_t>(design.base_samples));
  file.set_attribute(g, "bootstrap", static_cast<std::int64_t>(m.bootstrap));
  file.set_attribute(g, "confidence", m.confidence);
  file.set_attribute(g, "estimators",
                     "first order: Saltelli et al. 2010; total: Jansen 1999; confidence intervals: bootstrap "
                     "percentile over rows; output per point: mean over replicates");

  // One task per (outcome, target); each writes only its own slot.
  std::vector<std::size_t> outcomes;
  for (std::size_t k = 0; k < m.outcomes.size(); ++k) {
    if (m.widths[k] == 1) outcomes.push_back(k);
  }
  const std::size_t t_count = targets.size();
  std::vector<SobolIndices> results(outcomes.size() * t_count);
  const BootstrapSettings bootstrap{m.bootstrap, m.confidence, m.seed};
  parallel::for_each(
      results.size(),
      [&](std::size_t i) {
        const std::size_t k = outcomes[i / t_count];
        const std::size_t t = i % t_count;
        std::vector<double> y(points);
        for (std::uint64_t p = 0; p < points; ++p) {
          if (t < m.arm_names.size()) {
            y[p] = replicate_mean(layout, values, p, k, t);
          } else {
            const auto [x, z] = m.contrasts[t - m.arm_names.size()];
            y[p] = contrast_mean(layout, values, p, k, x, z);
          }
        }
        results[i] = sobol_indices(design, y, bootstrap);
      },
      1);
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    const std::string base = g + "/" + m.outcomes[outcomes[i]];
    std::vector<double> first, first_low, first_high, total, total_low, total_high, variance;
    std::vector<std::uint64_t> rows;
    for (std::size_t t = 0; t < t_count; ++t) {
      const SobolIndices& s = results[i * t_count + t];
      first.insert(first.end(), s.first.begin(), s.first.end());
      first_low.insert(first_low.end(), s.first_low.begin(), s.first_low.end());
      first_high.insert(first_high.end(), s.first_high.begin(), s.first_high.end());
      total.insert(total.end(), s.total.begin(), s.total.end());
      total_low.insert(total_low.end(), s.total_low.begin(), s.total_low.end());
      total_high.insert(total_high.end(), s.total_high.begin(), s.total_high.end());
      variance.push_back(s.variance);
      rows.push_back(s.rows);
    }
    const std::vector<std::uint64_t> dims{t_count, d};
    file.write(base + "/first", first, dims);
    file.write(base + "/first_low", first_low, dims);
    file.write(base + "/first_high", first_high, dims);
    file.write(base + "/total", total, dims);
    file.write(base + "/total_low", total_low, dims);
    file.write(base + "/total_high", total_high, dims);
    file.write(base + "/variance", variance);
    file.write(base + "/rows", rows);
  }
}

// True if a --set override can change the world of a replicate (its staff and their network) or its seed.
bool touches_world(std::string_view override_text) {
  const std::string_view key = override_text.substr(0, override_text.find('='));
  for (std::string_view section : {"population", "network", "run"}) {
    if (key == section) return true;
    if (key.starts_with(section) && key.size() > section.size() && key[section.size()] == '.') {
      return section != "run" || key == "run.seed";
    }
  }
  return false;
}

// The worlds of the replicates, built once and copied into every run that needs them, when every design
// point and arm has the same world for a given replicate: common random numbers, and no swept key or
// arm override that touches the population, the network or the seed. Each world is built by the first
// run that needs it; the others wait for it.
class WorldCache {
 public:
  std::shared_ptr<const World> get(const Scenario& scenario, Replicate replicate) {
    std::promise<std::shared_ptr<const World>> promise;
    std::shared_future<std::shared_ptr<const World>> future;
    bool build = false;
    {
      const std::lock_guard lock(mutex_);
      auto it = worlds_.find(replicate);
      if (it == worlds_.end()) {
        future = promise.get_future().share();
        worlds_.emplace(replicate, future);
        build = true;
        ++built_;
      } else {
        future = it->second;
      }
    }
    if (build) {
      try {
        promise.set_value(
            std::make_shared<const World>(build_world(scenario, RandomSource(scenario.run().seed, replicate))));
      } catch (...) {
        promise.set_exception(std::current_exception());
      }
    }
    return future.get();
  }
  [[nodiscard]] std::uint64_t built() const {
    const std::lock_guard lock(mutex_);
    return built_;
  }

 private:
  mutable std::mutex mutex_;
  std::map<Replicate, std::shared_future<std::shared_ptr<const World>>> worlds_;
  std::uint64_t built_ = 0;
};

// Keeping a world per replicate costs memory; beyond this many agents in all, worlds are rebuilt.
constexpr std::uint64_t kWorldCacheAgents = 20'000'000;

bool can_share_worlds(const Experiment& e) {
  if (!e.share_worlds() || e.random_numbers() != RandomNumbers::common) return false;
  const std::uint64_t staff = e.base().population().total_size();
  if (staff == 0 || staff * e.replicates() > kWorldCacheAgents) return false;  // 0: a roster (size unknown here)
  for (const auto& key : e.design().keys) {
    if (touches_world(key + "=")) return false;
  }
  for (const auto& arm : e.experiment_arms()) {
    for (const auto& o : arm.overrides) {
      if (touches_world(o)) return false;
    }
  }
  return true;
}

std::string run_description(const Manifest& m, std::uint64_t run) {
  const std::uint64_t r = run % m.replicates;
  const std::uint64_t pe = run / m.replicates;
  const std::uint64_t e = pe % m.run_arms;
  const std::uint64_t p = pe / m.run_arms;
  std::string out = "run " + std::to_string(run) + ": point " + std::to_string(p);
  if (m.run_arms > 1) out += ", arm " + m.arm_names[e];
  return out + ", replicate " + std::to_string(r);
}

// Replicate `replicate` of a pattern run at a point: `mentorsim run` of one replicate into a temporary
// file beside the output, the patterns evaluated on it (NaN when not computable), the file removed.
std::vector<double> pattern_run(const Experiment& experiment, std::uint64_t point, Replicate replicate,
                                const std::filesystem::path& output, std::uint64_t run) {
  const Scenario scenario = experiment.pattern_scenario(point, replicate);
  std::string name = output.filename().string();
  name.insert(0, 1, '.');
  name += ".run-";
  name += std::to_string(run);
  name += ".h5";
  const std::filesystem::path temporary = output.parent_path() / name;
  RunOptions options;
  options.output_path = temporary;
  options.threads = parallel::threads();
  options.durable = false;  // read once below and removed: an fsync per run would only wait for the disk
  (void)run_scenario(scenario, options);
  std::vector<double> values;
  {
    const io::InputFile input(temporary);
    for (const auto& result : patterns::evaluate(experiment.patterns(), input)) {
      values.push_back(result.verdict == patterns::Verdict::not_computable ? kNaN : result.mean);
    }
  }
  std::error_code ec;
  std::filesystem::remove(temporary, ec);
  return values;
}

}  // namespace

std::string format_bytes(double bytes) {
  std::ostringstream out;
  out.precision(bytes >= 10e9 || (bytes >= 10e6 && bytes < 1e9) || (bytes >= 10e3 && bytes < 1e6) ? 0 : 1);
  out << std::fixed;
  if (bytes >= 1e9) {
    out << bytes / 1e9 << " GB";
  } else if (bytes >= 1e6) {
    out << bytes / 1e6 << " MB";
  } else {
    out << bytes / 1e3 << " kB";
  }
  return out.str();
}

void write_sweep_file(const Manifest& m, const std::vector<double>& values, const std::filesystem::path& output,
                      double elapsed_seconds) {
  io::OutputFile file(output);
  const Layout layout(m);
  const std::uint64_t points = m.points();
  const std::uint64_t arms = m.arm_names.size();
  const std::uint64_t R = m.replicates;

  file.set_attribute(io::schema::kRoot, "schema_version", io::schema::kSchemaVersion);
  file.set_attribute(io::schema::kRoot, io::schema::kKindAttribute, io::schema::kSweepKind);
  const std::string meta(io::schema::kMeta);
  file.create_group(meta);
  file.set_attribute(meta, "mentorsim_version", m.mentorsim_version);
  file.set_attribute(meta, "git_commit", m.git_commit);
  file.set_attribute(meta, "experiment_path", m.experiment_path);
  file.set_attribute(meta, "experiment_toml", m.experiment_toml);
  file.set_attribute(meta, "scenario_path", m.scenario_path);
  file.set_attribute(meta, "scenario_toml", m.scenario_toml);
  file.set_attribute(meta, "overrides", join_lines(m.overrides));
  file.set_attribute(meta, "resolved_json", m.resolved_json);
  file.set_attribute(meta, "design", m.design_kind);
  file.set_attribute(meta, "random_numbers", m.random_numbers);
  file.set_attribute(meta, "seed", static_cast<std::uint64_t>(m.seed));
  file.set_attribute(meta, "replicates", static_cast<std::int64_t>(R));
  file.set_attribute(meta, "points", static_cast<std::int64_t>(points));
  file.set_attribute(meta, "runs", static_cast<std::int64_t>(m.runs()));
  file.set_attribute(meta, "dependencies", m.dependencies);
  file.set_attribute(meta, "created_utc", io::utc_timestamp());
  file.set_attribute(meta, "hostname", io::host_name());
  file.set_attribute(meta, "threads", static_cast<std::int64_t>(parallel::threads()));
  file.set_attribute(meta, "elapsed_seconds", elapsed_seconds);

  file.write_strings(io::schema::codes_table("arm"), m.arm_names);

  file.create_group(std::string(io::schema::kDesign));
  file.write_strings(std::string(io::schema::kDesignKeys), m.design.keys);
  for (std::size_t k = 0; k < m.design.keys.size(); ++k) {
    const auto& numbers = m.design.number[k];
    const std::string path = io::schema::child(io::schema::kDesign, m.design.keys[k]);
    if (std::none_of(numbers.begin(), numbers.end(), [](double v) { return std::isnan(v); })) {
      file.write(path, numbers);
    } else {
      file.write_strings(path, m.design.text[k]);
    }
  }

  file.create_group(std::string(io::schema::kRuns));
  for (std::size_t k = 0; k < m.outcomes.size(); ++k) {
    const std::size_t w = m.widths[k];
    std::vector<double> data(points * R * arms * w);
    for (std::uint64_t p = 0; p < points; ++p) {
      for (std::uint64_t r = 0; r < R; ++r) {
        for (std::size_t arm = 0; arm < arms; ++arm) {
          const auto [run, a] = layout.run_of(p, r, arm);
          for (std::size_t l = 0; l < w; ++l) {
            data[((p * R + r) * arms + arm) * w + l] = values[run * m.values_per_run + layout.outcome(k, a, l)];
          }
        }
      }
    }
    std::vector<std::uint64_t> dims{points, R, arms};
    if (w > 1) dims.push_back(w);
    file.write(io::schema::child(io::schema::kRuns, m.outcomes[k]), data, dims);
  }

  if (!m.metrics.empty()) {
    const std::uint64_t O = m.observed_weeks.size();
    file.write(std::string(io::schema::kTimeseriesStep), m.observed_weeks);
    for (std::size_t metric = 0; metric < m.metrics.size(); ++metric) {
      std::vector<double> data(points * R * arms * O);
      for (std::uint64_t p = 0; p < points; ++p) {
        for (std::uint64_t r = 0; r < R; ++r) {
          for (std::size_t arm = 0; arm < arms; ++arm) {
            const auto [run, a] = layout.run_of(p, r, arm);
            for (std::uint64_t o = 0; o < O; ++o) {
              data[((p * R + r) * arms + arm) * O + o] = values[run * m.values_per_run + layout.metric(metric, a, o)];
            }
          }
        }
      }
      file.write(io::schema::child(io::schema::kTimeseries, m.metrics[metric]), data, {points, R, arms, O});
    }
  }

  if (!m.patterns.empty()) {
    // Pattern runs have one run arm: run = point x R + replicate.
    const std::size_t first = m.values_per_run - m.patterns.size();
    const std::string group = io::schema::child(io::schema::kRuns, "patterns");
    file.create_group(group);
    for (std::size_t j = 0; j < m.patterns.size(); ++j) {
      std::vector<double> data(points * R);
      for (std::uint64_t run = 0; run < points * R; ++run) data[run] = values[run * m.values_per_run + first + j];
      file.write(io::schema::child(group, m.patterns[j]), data, {points, R});
    }
    file.set_attribute(meta, "patterns_toml", m.patterns_toml);
  }

  if (m.design.kind == DesignKind::sobol) write_sensitivity(file, m, layout, values);
  file.commit();
}

SweepSummary run_sweep(const Experiment& experiment, const SweepOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  parallel::set_threads(options.threads.value_or(experiment.base().run().threads));
  SweepSummary summary;

  const double bytes = experiment.projected_bytes();
  if (bytes > experiment.max_output_mb() * 1e6 && !options.force) {
    throw InputError(
        Diagnostic{SourceLocation{experiment.name(), 0, 0}, "max_output_mb",
                   "the results would take about " + format_bytes(bytes) + " (" + std::to_string(experiment.runs()) +
                       " runs x " + std::to_string(experiment.values_per_run()) + " values), above the limit of " +
                       format_bytes(experiment.max_output_mb() * 1e6) + "; raise max_output_mb or pass --force"});
  }
  (void)io::check_output_target(options.output);  // an unusable target fails before any run
  experiment.check_points();

  const Manifest manifest = make_manifest(experiment);
  summary.journal = journal_path(options.output, options.rank, options.ranks);
  std::error_code ec;
  std::vector<CompletedRun> completed;
  std::optional<Journal> journal;
  if (options.resume) {
    if (!std::filesystem::exists(summary.journal, ec)) {
      throw InputError(Diagnostic{SourceLocation{summary.journal.string(), 0, 0}, "",
                                  "--resume: no journal here, so nothing to resume (the sweep finished, or never "
                                  "started with this output)"});
    }
    journal.emplace(Journal::resume(summary.journal, manifest, options.rank, options.ranks, completed));
  } else {
    if (std::filesystem::exists(summary.journal, ec)) {
      throw InputError(Diagnostic{SourceLocation{summary.journal.string(), 0, 0}, "",
                                  "an unfinished sweep's journal: continue it with --resume, or delete it to start "
                                  "afresh"});
    }
    journal.emplace(Journal::create(summary.journal, manifest, options.rank, options.ranks));
  }

  const std::uint64_t runs = manifest.runs();
  const std::size_t width = manifest.values_per_run;
  std::vector<double> values(options.ranks == 1 ? runs * width : 0, kNaN);
  std::vector<std::uint8_t> done(runs, 0);
  for (const auto& c : completed) {
    if (c.run % options.ranks != options.rank || done[c.run]) continue;
    done[c.run] = 1;
    if (!values.empty())
      std::copy(c.values.begin(), c.values.end(), values.begin() + static_cast<std::ptrdiff_t>(c.run * width));
    ++summary.resumed;
  }
  std::vector<std::uint64_t> pending;
  for (std::uint64_t run = options.rank; run < runs; run += options.ranks) {
    ++summary.runs;
    if (!done[run]) pending.push_back(run);
  }

  // One selection per run arm: all of the scenario's arms, or the experiment arm's scenario arm.
  std::vector<RunSelection> selections;
  for (std::size_t e = 0; e < experiment.run_arms(); ++e) {
    std::vector<ArmId> arms;
    if (experiment.experiment_arms().empty()) {
      for (std::size_t a = 0; a < experiment.base().arms().size(); ++a) arms.push_back(static_cast<ArmId>(a));
    } else {
      arms.push_back(static_cast<ArmId>(experiment.experiment_arms()[e].scenario_arm_index));
    }
    selections.emplace_back(experiment.outcomes(), experiment.timeseries(), experiment.observed_weeks(), arms);
  }

  const int threads = parallel::threads();
  const std::uint64_t staff = experiment.base().population().total_size();
  switch (experiment.schedule()) {
    case Schedule::runs:
      summary.runs_in_parallel = true;
      break;
    case Schedule::inside:
      summary.runs_in_parallel = false;
      break;
    case Schedule::automatic:
      summary.runs_in_parallel =
          threads > 1 && pending.size() >= static_cast<std::size_t>(threads) && staff < kLargeRun;
      break;
  }
  // Pattern runs write and read a results file each; they too run one per thread, taking turns only
  // for the HDF5 calls (io/hdf5_file.cpp holds one lock around them).
  const bool pattern_runs = !experiment.patterns().empty();

  std::optional<Progress> progress;
  if (options.log != nullptr) {
    *options.log << "sweep: " << experiment.points() << " points x " << experiment.run_arms() << " arm(s) x "
                 << experiment.replicates() << " replicates = " << runs << " runs";
    if (options.ranks > 1)
      *options.log << " (shard " << options.rank << " of " << options.ranks << ": " << summary.runs << ")";
    if (summary.resumed > 0) *options.log << ", " << summary.resumed << " already done";
    *options.log << "; " << threads << " thread(s), "
                 << (summary.runs_in_parallel ? "one run per thread" : "one run at a time, parallel inside") << '\n';
    progress.emplace(*options.log, options.terminal, summary.runs, "runs", summary.resumed, options.progress_every);
  }

  std::optional<WorldCache> worlds;
  if (can_share_worlds(experiment) && !pattern_runs) worlds.emplace();
  std::atomic<bool> stop_now{false};
  std::atomic<std::uint64_t> started_runs{0};
  std::mutex mutex;
  auto stopped = [&] {
    return stop_now.load(std::memory_order_relaxed) ||
           (options.stop != nullptr && options.stop->load(std::memory_order_relaxed));
  };
  const std::uint64_t per_point = experiment.run_arms() * experiment.replicates();
  auto do_run = [&](std::uint64_t run) {
    if (stopped()) return;
    if (options.stop_after > 0 && started_runs.fetch_add(1) >= options.stop_after) {
      stop_now = true;
      return;
    }
    const std::uint64_t point = run / per_point;
    const std::size_t run_arm = (run / experiment.replicates()) % experiment.run_arms();
    const auto replicate = static_cast<Replicate>(run % experiment.replicates());
    const auto t0 = std::chrono::steady_clock::now();
    if (pattern_runs) {
      const std::vector<double> result = pattern_run(experiment, point, replicate, options.output, run);
      journal->append(run, result);
      const std::lock_guard lock(mutex);
      if (!values.empty())
        std::copy(result.begin(), result.end(), values.begin() + static_cast<std::ptrdiff_t>(run * width));
      summary.run_times.weeks += seconds_since(t0);
      ++summary.completed;
      if (progress) progress->advance();
      return;
    }
    const Scenario scenario = experiment.scenario(point, run_arm);
    const double parse = seconds_since(t0);
    RunTimes times;
    std::shared_ptr<const World> world;
    if (worlds) {
      const auto t = std::chrono::steady_clock::now();
      world = worlds->get(scenario, replicate);
      times.build += seconds_since(t);
    }
    // A Ctrl-C abandons the runs in flight at their next week; a run that finished is kept.
    auto result = simulate_run(scenario, replicate, selections[run_arm], options.stop, &times, world.get());
    if (!result) return;
    const auto t1 = std::chrono::steady_clock::now();
    journal->append(run, *result);
    const double journal_time = seconds_since(t1);
    const std::lock_guard lock(mutex);
    summary.journal_seconds += journal_time;
    if (!values.empty())
      std::copy(result->begin(), result->end(), values.begin() + static_cast<std::ptrdiff_t>(run * width));
    summary.parse_seconds += parse;
    summary.run_times.build += times.build;
    summary.run_times.weeks += times.weeks;
    summary.run_times.finish += times.finish;
    ++summary.completed;
    if (progress) progress->advance();
  };
  if (summary.runs_in_parallel) {
    parallel::for_each(
        pending.size(),
        [&](std::size_t i) {
          const parallel::SerialScope serial;
          do_run(pending[i]);
        },
        1);
  } else {
    for (std::uint64_t run : pending) {
      do_run(run);
      if (stopped()) break;
    }
  }
  if (progress) progress->finish();

  if (worlds) summary.worlds_built = worlds->built();
  summary.interrupted = summary.resumed + summary.completed < summary.runs;
  if (summary.interrupted) {
    journal->sync();
    summary.seconds = seconds_since(started);
    return summary;
  }
  journal->finish(summary.resumed + summary.completed);
  if (options.ranks == 1) {
    io::install_cleanup_handlers();  // from here on, Ctrl-C removes the half-written results file
    const auto t = std::chrono::steady_clock::now();
    write_sweep_file(manifest, values, options.output, seconds_since(started));
    summary.write_seconds = seconds_since(t);
    journal.reset();
    std::filesystem::remove(summary.journal, ec);
  }
  summary.seconds = seconds_since(started);
  return summary;
}

std::uint64_t merge_shards(const std::vector<std::filesystem::path>& shards, const std::filesystem::path& output) {
  const auto started = std::chrono::steady_clock::now();
  if (shards.empty()) throw InputError(Diagnostic{SourceLocation{"merge", 0, 0}, "", "no shards given"});
  std::optional<Manifest> manifest;
  std::filesystem::path first_path;
  std::vector<double> values;
  std::vector<std::int64_t> source;  // shard index of each run, -1 if missing
  for (std::size_t s = 0; s < shards.size(); ++s) {
    JournalContents contents = read_journal(shards[s], true);
    if (!manifest) {
      manifest = std::move(contents.manifest);
      first_path = shards[s];
      values.assign(manifest->runs() * manifest->values_per_run, kNaN);
      source.assign(manifest->runs(), -1);
    } else if (auto difference = manifest_difference(*manifest, contents.manifest)) {
      throw InputError(Diagnostic{
          SourceLocation{shards[s].string(), 0, 0}, "",
          "a shard of a different experiment than " + first_path.string() + ": " + *difference + " differs"});
    }
    const std::size_t width = manifest->values_per_run;
    for (const auto& run : contents.runs) {
      auto* slot = values.data() + run.run * width;
      if (source[run.run] >= 0) {
        if (std::memcmp(slot, run.values.data(), width * sizeof(double)) != 0) {
          throw InputError(Diagnostic{SourceLocation{shards[s].string(), 0, 0}, "",
                                      run_description(*manifest, run.run) + " differs from the same run in " +
                                          shards[static_cast<std::size_t>(source[run.run])].string()});
        }
        continue;
      }
      std::copy(run.values.begin(), run.values.end(), slot);
      source[run.run] = static_cast<std::int64_t>(s);
    }
  }
  const auto missing = static_cast<std::uint64_t>(std::count(source.begin(), source.end(), -1));
  if (missing > 0) {
    const auto first = static_cast<std::uint64_t>(std::find(source.begin(), source.end(), -1) - source.begin());
    throw InputError(Diagnostic{SourceLocation{first_path.string(), 0, 0}, "",
                                std::to_string(missing) + " of " + std::to_string(manifest->runs()) +
                                    " runs are in none of the shards (first: " + run_description(*manifest, first) +
                                    "); merge the shards of every rank"});
  }
  write_sweep_file(*manifest, values, output, seconds_since(started));
  return manifest->runs();
}

}  // namespace mentorsim::experiment
