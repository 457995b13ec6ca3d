// World building: population synthesis and collegial network generation, at N = 100k, 300k and 1M
// staff (quick mode: 10k, 30k, 100k), mean degree 10, the default baseline trio of institutions
// scaled by population.size (units scale with it), clustering target 0.15.
//
//   BM_SynthesizePopulation/N  synthesize_population alone (staff, managers, skills, traits)
//   BM_GenerateNetwork/N       generate_network alone, on a population built before timing
//                              (block model + triadic closure calibrated to the clustering target,
//                              deduplication, degree top-up, CSR build, tie strengths)
//   BM_BuildWorld/N            build_world: both, what `mentorsim run` does for each replicate
//
// Target (performance issue): BM_BuildWorld/1000000 under 10 s wall and under 2 GB peak RSS on 2
// cores (run with the default --threads=0, i.e. all hardware threads). Counters: agents, ties,
// agents_per_s (throughput) and s_per_agent (its inverse: constant across N means linear scaling),
// peak_rss_mb (see bench_common.hpp), and for the network the achieved mean degree, the calibrated
// clustering and the calibration rounds. Sizes run small to large; each is one iteration (add
// --benchmark_repetitions=3 for spread). For a whole-process peak RSS of the 1M world alone:
//   /usr/bin/time -v mentorsim_bench --threads=2 --benchmark_filter='^BM_BuildWorld/staff:1000000/'
// (scripts/bench does this; benchmark names read BM_BuildWorld/staff:1000000/iterations:1/real_time).

#include <benchmark/benchmark.h>

#include <optional>

#include "bench_common.hpp"
#include "mentorsim/scenario/scenario.hpp"
#include "mentorsim/world/network_generator.hpp"
#include "mentorsim/world/synthesizer.hpp"
#include "mentorsim/world/world.hpp"

namespace mentorsim::bench {
namespace {

void world_sizes(benchmark::internal::Benchmark* b) {
  for (std::int64_t n : {100'000, 300'000, 1'000'000}) b->Arg(scaled(n));
  b->ArgName("staff")->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
}

Scenario world_scenario(std::int64_t size) { return Scenario::parse(population_toml(size), "bench-world.toml"); }

void throughput_counters(benchmark::State& state, double agents) {
  state.counters["agents"] = agents;
  state.counters["agents_per_s"] = benchmark::Counter(agents, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["s_per_agent"] =
      benchmark::Counter(agents, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void network_counters(benchmark::State& state, const CollegialNetwork& network, const NetworkGenerationReport& r) {
  state.counters["ties"] = static_cast<double>(network.tie_count());
  state.counters["mean_degree"] = r.achieved_mean_degree;
  state.counters["clustering"] = r.calibrated_clustering;
  state.counters["calib_rounds"] = r.calibration_rounds;
  if (!r.clustering_reached) state.SetLabel("clustering target not reached: " + r.note);
}

void BM_SynthesizePopulation(benchmark::State& state) {
  const MemoryProbe memory;
  const Scenario scenario = world_scenario(state.range(0));
  const RandomSource random(scenario.run().seed, 0);
  std::optional<Population> population;
  for (auto _ : state) {
    state.PauseTiming();
    population.reset();
    state.ResumeTiming();
    population.emplace(synthesize_population(scenario.population(), random));
    benchmark::DoNotOptimize(population->size());
  }
  throughput_counters(state, static_cast<double>(population->size()));
  memory.finish(state);
}
BENCHMARK(BM_SynthesizePopulation)->Apply(world_sizes);

void BM_GenerateNetwork(benchmark::State& state) {
  const MemoryProbe memory;
  const Scenario scenario = world_scenario(state.range(0));
  const RandomSource random(scenario.run().seed, 0);
  const Population population = synthesize_population(scenario.population(), random);
  std::optional<CollegialNetwork> network;
  NetworkGenerationReport report;
  for (auto _ : state) {
    state.PauseTiming();
    network.reset();
    state.ResumeTiming();
    network.emplace(generate_network(population, scenario.network(), random, &report));
    benchmark::DoNotOptimize(network->tie_count());
  }
  throughput_counters(state, static_cast<double>(population.size()));
  network_counters(state, *network, report);
  memory.finish(state);
}
BENCHMARK(BM_GenerateNetwork)->Apply(world_sizes);

void BM_BuildWorld(benchmark::State& state) {
  const MemoryProbe memory;
  const Scenario scenario = world_scenario(state.range(0));
  const RandomSource random(scenario.run().seed, 0);
  std::optional<World> world;
  for (auto _ : state) {
    state.PauseTiming();
    world.reset();
    state.ResumeTiming();
    world.emplace(build_world(scenario, random));
    benchmark::DoNotOptimize(world->network.tie_count());
  }
  throughput_counters(state, static_cast<double>(world->population.size()));
  network_counters(state, world->network, world->network_report);
  memory.finish(state);
}
BENCHMARK(BM_BuildWorld)->Apply(world_sizes);

}  // namespace
}  // namespace mentorsim::bench
