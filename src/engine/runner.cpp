#include "mentorsim/engine/runner.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <ostream>
#include <sstream>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/engine/build.hpp"
#include "mentorsim/engine/observer.hpp"
#include "mentorsim/engine/results.hpp"
#include "mentorsim/engine/simulation.hpp"
#include "mentorsim/io/schema.hpp"

namespace mentorsim {
namespace {

io::Provenance provenance_of(const Scenario& scenario) {
  io::Provenance p;
  p.mentorsim_version = build::version();
  p.git_commit = build::git_commit();
  p.scenario_toml = scenario.source_text();
  p.scenario_path = scenario.name();
  for (const auto& o : scenario.overrides()) p.overrides += o + "\n";
  p.resolved_json = scenario.resolved_json();
  p.seed = scenario.run().seed;
  p.replicates = scenario.run().replicates;
  p.threads = parallel::threads();
  p.created_utc = io::utc_timestamp();
  p.hostname = io::host_name();
  p.dependencies = io::dependency_versions();
  p.compiler = build::compiler();
  p.compile_flags = build::cxx_flags();
  p.build_type = build::build_type();
  return p;
}

std::string stage_seconds_json(const std::array<double, kStageCount>& seconds) {
  std::ostringstream out;
  out << '{';
  for (std::size_t s = 0; s < kStageCount; ++s) {
    out << (s ? ", " : "") << '"' << to_string(enum_at<Stage>(s)) << "\": " << seconds[s];
  }
  out << '}';
  return out.str();
}

// Adds the seconds since `since` to `total` when profiling.
class PhaseTimer {
 public:
  PhaseTimer(bool on, double& total) : on_(on), total_(total), start_(std::chrono::steady_clock::now()) {}
  PhaseTimer(const PhaseTimer&) = delete;
  PhaseTimer& operator=(const PhaseTimer&) = delete;
  ~PhaseTimer() {
    if (on_) total_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  bool on_;
  double& total_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

RunSummary run_scenario(const Scenario& scenario, const RunOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  // Inside a SerialScope (one run per thread of a sweep) the loops run serially anyway, and the
  // thread count is the sweep's to set.
  if (!parallel::serial()) parallel::set_threads(options.threads.value_or(scenario.run().threads));
  RunSummary summary;
  summary.output = options.output_path.value_or(scenario.output().path);
  summary.replicates = scenario.run().replicates;

  // Opening the output first makes an unwritable path fail before any work is done.
  ResultsWriter writer(scenario, summary.output);
  writer.file().set_durable(options.durable);
  for (const auto& warning : scenario.warnings()) {
    summary.warnings.push_back(warning);
    if (options.log != nullptr) *options.log << "warning: " << warning << '\n';
  }
  writer.write_provenance(provenance_of(scenario));
  std::vector<std::string> arm_names;
  for (const auto& arm : scenario.arms()) arm_names.push_back(arm.name);
  {
    Observer observer(scenario, writer);
    SimulationOptions sim_options{options.check, options.profile};
    const bool profile = options.profile;
    for (Replicate r = 0; r < scenario.run().replicates; ++r) {
      std::optional<PhaseTimer> build_timer(std::in_place, profile, summary.build_seconds);
      Simulation simulation(scenario, r, sim_options);
      build_timer.reset();
      const SimulationState& state = simulation.state();
      const auto warn = [&](const std::string& warning) {
        summary.warnings.push_back(warning);
        if (options.log != nullptr) *options.log << "warning: " << warning << '\n';
      };
      if (!state.network_report.clustering_reached && !state.network_report.note.empty()) {
        warn("replicate " + std::to_string(r) + ": " + state.network_report.note);
      }
      const auto observe = [&] {
        const PhaseTimer timer(profile, summary.observe_seconds);
        observer.observe(state, r);
        observer.snapshot(state, r);
      };
      if (r == 0) writer.write_codes(state.population, arm_names);
      observe();
      while (state.step < scenario.run().weeks) {
        simulation.step();
        observe();
        if (options.on_week) options.on_week();
      }
      simulation.finish();
      // What the stages reported (mentees without any feasible mentor, ...), for replicate 0.
      if (r == 0) {
        for (const StageNote& note : simulation.notes()) {
          warn("replicate 0, week " + std::to_string(note.step) + ", " + note.message);
        }
      }
      const PhaseTimer finish_timer(profile, summary.observe_seconds);
      if (r == 0) summary.network = summarize_network(state.network, state.population);
      if (r == 0 && betweenness_left_out(scenario, state.network.vertex_count())) {
        warn("betweenness left out of the per-agent output: output.betweenness = \"auto\" computes it up to " +
             std::to_string(scenario.output().betweenness_sampled_max) + " agents and this run has " +
             std::to_string(state.network.vertex_count()) +
             "; set output.betweenness = \"sampled\" (and output.betweenness_sources) to ask for it");
      }
      observer.finish_replicate(simulation, r);  // hands over the dyads and the network
      for (std::size_t s = 0; s < kStageCount; ++s) summary.stage_seconds[s] += simulation.stage_seconds()[s];
      if (options.log != nullptr && options.progress) {
        *options.log << "replicate " << (r + 1) << "/" << scenario.run().replicates << " done\n";
      }
    }
    const PhaseTimer finish_timer(options.profile, summary.finish_seconds);
    observer.finish();
  }
  {
    const PhaseTimer commit_timer(options.profile, summary.finish_seconds);
    writer.file().set_attribute(io::schema::kMeta, "stage_seconds", stage_seconds_json(summary.stage_seconds));
    summary.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    writer.commit(summary.elapsed_seconds);
  }
  return summary;
}

}  // namespace mentorsim
