// The weekly schedule: the cost of one simulated week, as a whole and stage by stage.
//
// The world: the default baseline trio of institutions scaled to N staff (population.size), default
// network (mean degree 10), default dynamics, one arm with a reverse mentoring program: early-career
// mentors (capacity 2), mid-career and senior mentees, uptake 0.5 (mentors too), assigned_random
// pairing, matching at week 4, and a program long enough (duration_weeks = 5000) that no dyad reaches
// its planned end. The scenario and its week-0 world are built once per size (not timed); each
// benchmark then starts a fresh Simulation from a copy of that world, runs it to week 6 (not timed:
// pairs exist and have met), and measures weeks 6-17, so every benchmark of a size sees exactly the
// same weeks. Matching itself happens in the warm-up: it is measured in bench_pairing.cpp.
//
//   BM_Week/N           one Simulation::step() per iteration (every stage, in schedule order), 12
//                       weeks. s_per_agent_week (per active agent) should stay flat with N; counters
//                       ms_<stage> give each stage's mean time per week (SimulationOptions::profile).
//                       N = 10k, 100k, 1M (quick mode: 2k, 10k, 100k).
//   BM_Stage/<stage>/N  the same 12 weeks, but the reported (manual) time is that one stage's only,
//                       so that the stages can be compared side by side; the CPU column is the whole
//                       week's. N = 100k (quick: 10k).
//   BM_DiffusionFloor/N the memory floor of the diffusion stage on the same week-6 world: for every
//                       active agent, the loads diffusion cannot do without (its neighbours and tie
//                       strengths, each active neighbour's six skills, the active-agent mask) and a
//                       write of six floats, with the stage's prefetching, and no arithmetic but
//                       the weighted sums. One pass per iteration, 12 iterations. Compare its time
//                       with BM_Week's ms_diffusion counter at the same N (docs/performance.md, "How
//                       far from the floor"). N = 10k, 100k, 1M (quick mode: 2k, 10k, 100k).
//
// Not included: the observation (/timeseries, per-agent snapshots) and output writing, which the
// runner does between weeks; the whole-process runs of scripts/bench include them.
//
// Target (performance issue): the dynamics of a 1M-agent, 104-week run on 2 cores; the time per
// agent-week here times 104 M agent-weeks is the dynamics' share of such a run. Wall time
// (UseRealTime / manual time): the stages run in parallel on --threads workers. For more than 12
// weeks' worth of samples use --benchmark_repetitions (each repetition replays the same weeks).

#include <benchmark/benchmark.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "mentorsim/core/parallel.hpp"
#include "mentorsim/core/prefetch.hpp"
#include "mentorsim/engine/schedule.hpp"
#include "mentorsim/engine/simulation.hpp"
#include "mentorsim/scenario/scenario.hpp"
#include "mentorsim/world/world.hpp"

namespace mentorsim::bench {
namespace {

constexpr Step kWarmupWeeks = 6;                  // the program matches at week 4
constexpr benchmark::IterationCount kWeeks = 12;  // weeks measured by each benchmark

std::string stages_toml(std::int64_t size) {
  return population_toml(size,
                         "[program]\n"
                         "kind = \"reverse\"\n"
                         "mentor_stages = [\"early_career\"]\n"
                         "mentee_stages = [\"mid_career\", \"senior\"]\n"
                         "uptake = 0.5\n"
                         "mentor_uptake = 0.5\n"
                         "mentor_capacity = 2\n"
                         "strategy = \"assigned_random\"\n"
                         "start_week = 4\n"
                         "duration_weeks = 5000\n"
                         "cadence_weeks = 4\n"
                         "mentor_training = true\n"
                         "[output]\n"
                         "betweenness = \"off\"\n",
                         5200);
}

// The scenario and week-0 world of one size at a time (built once, reused by the benchmarks of that
// size), and from them a fresh simulation run to week kWarmupWeeks: every benchmark measures the
// same weeks kWarmupWeeks .. kWarmupWeeks + kWeeks - 1 of the same replicate.
struct Fixture {
  std::int64_t size = -1;
  std::unique_ptr<Scenario> scenario;
  std::unique_ptr<World> world;
};

std::unique_ptr<Simulation> fresh_simulation(std::int64_t size) {
  static Fixture fixture;
  if (fixture.size != size) {
    fixture.world.reset();
    fixture.scenario = std::make_unique<Scenario>(Scenario::parse(stages_toml(size), "bench-stages.toml"));
    const RandomSource random(fixture.scenario->run().seed, 0);
    fixture.world = std::make_unique<World>(build_world(*fixture.scenario, random));
    fixture.size = size;
  }
  auto simulation = std::make_unique<Simulation>(*fixture.scenario, 0, *fixture.world, SimulationOptions{false, true});
  simulation->run_until(kWarmupWeeks);
  return simulation;
}

void state_counters(benchmark::State& state, const SimulationState& s) {
  state.counters["agents"] = static_cast<double>(s.population.active_count());
  state.counters["active_dyads"] = static_cast<double>(s.active_dyads.size());
  state.counters["ties"] = static_cast<double>(s.network.tie_count());
}

// The sizes and timing of BM_Week, and of BM_DiffusionFloor, which is compared with it size by size.
void week_options(benchmark::internal::Benchmark* b) {
  b->ArgName("staff")
      ->Arg(scaled(10'000))
      ->Arg(scaled(100'000))
      ->Arg(scaled(1'000'000))
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime()
      ->Iterations(kWeeks);
}

void BM_Week(benchmark::State& state) {
  const auto sim = fresh_simulation(state.range(0));
  const auto warmup = sim->stage_seconds();  // the warm-up weeks' share, not measured
  double agent_weeks = 0.0;
  for (auto _ : state) {
    agent_weeks += static_cast<double>(sim->state().population.active_count());
    sim->step();
  }
  const double weeks = static_cast<double>(state.iterations());
  for (std::size_t s = 0; s < kStageCount; ++s) {
    state.counters["ms_" + std::string(to_string(enum_at<Stage>(s)))] =
        1e3 * (sim->stage_seconds()[s] - warmup[s]) / weeks;
  }
  state.counters["agent_weeks_per_s"] = benchmark::Counter(agent_weeks, benchmark::Counter::kIsRate);
  state.counters["s_per_agent_week"] =
      benchmark::Counter(agent_weeks, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state_counters(state, sim->state());
}
BENCHMARK(BM_Week)->Apply(week_options);

void BM_Stage(benchmark::State& state, Stage stage) {
  const auto sim = fresh_simulation(state.range(0));
  const std::size_t s = index_of(stage);
  for (auto _ : state) {
    const double before = sim->stage_seconds()[s];
    sim->step();
    state.SetIterationTime(sim->stage_seconds()[s] - before);
  }
  state_counters(state, sim->state());
}

void stage_options(benchmark::internal::Benchmark* b) {
  b->ArgName("staff")->Arg(scaled(100'000))->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(kWeeks);
}

BENCHMARK_CAPTURE(BM_Stage, calendar, Stage::calendar)->Apply(stage_options);
BENCHMARK_CAPTURE(BM_Stage, meetings, Stage::meetings)->Apply(stage_options);
BENCHMARK_CAPTURE(BM_Stage, exchange, Stage::exchange)->Apply(stage_options);
BENCHMARK_CAPTURE(BM_Stage, diffusion, Stage::diffusion)->Apply(stage_options);
BENCHMARK_CAPTURE(BM_Stage, relationships, Stage::relationships)->Apply(stage_options);
BENCHMARK_CAPTURE(BM_Stage, confidence, Stage::confidence)->Apply(stage_options);
BENCHMARK_CAPTURE(BM_Stage, ties, Stage::ties)->Apply(stage_options);
BENCHMARK_CAPTURE(BM_Stage, satisfaction, Stage::satisfaction)->Apply(stage_options);
BENCHMARK_CAPTURE(BM_Stage, turnover, Stage::turnover)->Apply(stage_options);
BENCHMARK_CAPTURE(BM_Stage, culture, Stage::culture)->Apply(stage_options);

// The loads of DiffusionStage::run (src/dynamics/diffusion.cpp), made as it makes them (the same
// prefetch distance, a row as two overlapping vectors of four floats), weighted sums of the neighbours'
// rows, and one 24-byte row written per active agent; none of its gain, step or clamp arithmetic and
// no read of the agent's own row. What this takes is about what the stage would take if its
// arithmetic were free.
using Float4 = float __attribute__((vector_size(16)));  // as in src/dynamics/diffusion.cpp

void BM_DiffusionFloor(benchmark::State& state) {
  const auto sim = fresh_simulation(state.range(0));
  const SimulationState& s = sim->state();
  const Population& pop = s.population;
  const CollegialNetwork& net = s.network;
  const SkillMatrix& current = pop.skills;
  const float* skills = current.data().data();
  std::vector<float> out(pop.size() * kDomains, 0.0f);
  double arcs = 0.0;
  for (auto _ : state) {
    const ActiveMask is_active(pop);  // the stage builds its mask every week too
    constexpr std::size_t kAhead = 4;
    parallel::for_each(
        pop.size(),
        [&](std::size_t i) {
          if (i + kAhead < pop.size()) {
            for (AgentId j : net.neighbors(static_cast<AgentId>(i + kAhead))) current.prefetch_row(j);
          }
          const auto a = static_cast<AgentId>(i);
          if (!pop.active(a)) return;
          const auto row = net.neighbors(a);
          const auto w = net.weights(a);
          // The stage's loads, as the stage makes them: a row as two overlapping vectors of four.
          Float4 lo = {0.0f, 0.0f, 0.0f, 0.0f};
          Float4 hi = lo;
          for (std::size_t k = 0; k < row.size(); ++k) {
            if (!is_active(row[k])) continue;
            const float* theirs = skills + static_cast<std::size_t>(row[k]) * kDomains;
            Float4 theirs_lo;
            Float4 theirs_hi;
            std::memcpy(&theirs_lo, theirs, sizeof theirs_lo);
            std::memcpy(&theirs_hi, theirs + 2, sizeof theirs_hi);
            lo += w[k] * theirs_lo;
            hi += w[k] * theirs_hi;
          }
          float* next = &out[i * kDomains];
          std::memcpy(next, &lo, sizeof lo);
          std::memcpy(next + 2, &hi, sizeof hi);
        },
        512);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
    arcs += 2.0 * static_cast<double>(net.tie_count());  // each tie is in both partners' rows
  }
  state.counters["arcs_per_second"] = benchmark::Counter(arcs, benchmark::Counter::kIsRate);
  state_counters(state, s);
}
BENCHMARK(BM_DiffusionFloor)->Apply(week_options);

}  // namespace
}  // namespace mentorsim::bench
