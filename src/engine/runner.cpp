#include "mentorsim/engine/runner.hpp"

#include <chrono>
#include <ostream>

#include "mentorsim/core/build_info.hpp"
#include "mentorsim/core/parallel.hpp"
#include "mentorsim/engine/results.hpp"
#include "mentorsim/io/schema.hpp"
#include "mentorsim/world/world.hpp"

namespace mentorsim {

RunSummary run_scenario(const Scenario& scenario, const RunOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  parallel::set_threads(options.threads.value_or(scenario.run().threads));
  RunSummary summary;
  summary.output = options.output_path.value_or(scenario.output().path);
  summary.replicates = scenario.run().replicates;

  // Opening the output first makes an unwritable path fail before any work is done.
  ResultsWriter writer(scenario, summary.output);
  io::Provenance provenance;
  provenance.mentorsim_version = MENTORSIM_VERSION;
  provenance.git_commit = MENTORSIM_GIT_COMMIT;
  provenance.scenario_toml = scenario.source_text();
  provenance.scenario_path = scenario.name();
  for (const auto& o : scenario.overrides()) provenance.overrides += o + "\n";
  provenance.resolved_json = scenario.resolved_json();
  provenance.seed = scenario.run().seed;
  provenance.replicates = scenario.run().replicates;
  provenance.threads = parallel::threads();
  provenance.created_utc = io::utc_timestamp();
  provenance.hostname = io::host_name();
  provenance.dependencies = io::dependency_versions();
  writer.write_provenance(provenance);

  for (Replicate r = 0; r < scenario.run().replicates; ++r) {
    const RandomSource random(scenario.run().seed, r);
    World world = build_world(scenario, random);
    if (!world.network_report.clustering_reached && !world.network_report.note.empty()) {
      const std::string warning = "replicate " + std::to_string(r) + ": " + world.network_report.note;
      summary.warnings.push_back(warning);
      if (options.log != nullptr) *options.log << "warning: " << warning << '\n';
    }
    if (r == 0) {
      writer.write_codes(world.population, {"none"});
      summary.network = summarize_network(world.network, world.population);
    }
    if (r == 0 || scenario.output().all_replicates) {
      const AgentNetworkMeasures measures = measure_for_output(world, scenario, random);
      const std::vector<ArmId> arms(world.population.size(), 0);
      writer.write_agents(replicate_group(r, io::schema::kAgentsFinal), world.population, measures, arms);
      if (scenario.output().network) {
        writer.write_network(replicate_group(r, io::schema::kNetworkFinal), world.network, world.network_report);
      }
    }
  }
  summary.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  writer.commit(summary.elapsed_seconds);
  return summary;
}

}  // namespace mentorsim
