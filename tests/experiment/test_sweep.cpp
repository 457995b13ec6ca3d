// Sweeps: a run of a sweep gives the same outcomes as `mentorsim run` of the same scenario; results do
// not depend on the thread count or the schedule; common random numbers make identical arms identical;
// interrupted sweeps resume to the same file; shards merge to the single-process file.

#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>

#include "experiment_fixture.hpp"
#include "mentorsim/core/errors.hpp"
#include "mentorsim/engine/observer.hpp"
#include "mentorsim/engine/runner.hpp"
#include "mentorsim/experiment/experiment.hpp"
#include "mentorsim/experiment/sweep.hpp"
#include "mentorsim/io/hdf5_file.hpp"
#include "support/h5_compare.hpp"

using namespace mentorsim;
using namespace mentorsim::experiment;
using mentorsim::test::ExperimentDir;
using mentorsim::test::h5_differences;

namespace {

const char* const kGrid = R"(scenario = "base.toml"
timeseries = ["satisfaction", "n", "retained", "meetings"]
[[dimensions]]
key = "network.mean_degree"
values = [6, 10]
[[dimensions]]
key = "arms.1.cadence_weeks"
values = [1, 2]
)";

SweepSummary sweep(const Experiment& e, const std::filesystem::path& out, int threads, std::uint64_t stop_after = 0,
                   bool resume = false) {
  SweepOptions o;
  o.output = out;
  o.threads = threads;
  o.stop_after = stop_after;
  o.resume = resume;
  return run_sweep(e, o);
}

std::vector<double> read(const std::filesystem::path& file, const std::string& dataset) {
  io::InputFile in(file);
  return in.read<double>(dataset);
}

}  // namespace

TEST_CASE("a sweep run has exactly the outcomes of `mentorsim run` of its scenario", "[experiment][sweep]") {
  ExperimentDir dir(kGrid);
  const Experiment e = Experiment::load(dir.experiment());
  sweep(e, dir.path("sweep.h5"), 2);
  // Point 3: mean_degree 10, cadence 2; both replicates, both arms.
  RunOptions run_options;
  run_options.output_path = dir.path("run.h5");
  run_options.threads = 1;
  run_scenario(e.scenario(3, 0), run_options);
  io::InputFile s(dir.path("sweep.h5"));
  io::InputFile r(dir.path("run.h5"));
  for (const auto& name : e.outcomes()) {
    INFO(name);
    const auto sweep_values = s.read<double>("/runs/" + name);    // [point, replicate, arm(, level)]
    const auto run_values = r.read<double>("/outcomes/" + name);  // [replicate, arm(, level)]
    const std::size_t per_point = run_values.size();
    REQUIRE(sweep_values.size() == 4 * per_point);
    for (std::size_t i = 0; i < per_point; ++i) {
      const double a = sweep_values[3 * per_point + i];
      const double b = run_values[i];
      CHECK((a == b || (std::isnan(a) && std::isnan(b))));
    }
  }
  // Time series: the run file's group means pooled over each arm's groups (weighted by n, or by
  // n_initial for `retained`) equal the sweep's arm means.
  const auto steps = r.read<std::int32_t>("/timeseries/step");
  const std::size_t observations = steps.size();
  REQUIRE(s.read<std::int32_t>("/timeseries/step") == steps);
  const auto groups = r.dims("/timeseries/n")[2];
  const std::size_t per_arm_groups = groups / 2;  // groups are arm-major
  const auto n = r.read<double>("/timeseries/n");
  const auto n_initial = r.read<double>("/timeseries/n_initial");
  for (const std::string metric : {"satisfaction", "n", "retained", "meetings"}) {
    INFO(metric);
    const auto group_values = r.read<double>("/timeseries/" + metric);  // [replicate, observation, group]
    const auto arm_values = s.read<double>("/timeseries/" + metric);    // [point, replicate, arm, observation]
    for (std::size_t rep = 0; rep < 2; ++rep) {
      for (std::size_t arm = 0; arm < 2; ++arm) {
        for (std::size_t o = 0; o < observations; ++o) {
          double sum = 0.0, weight = 0.0;
          for (std::size_t g = arm * per_arm_groups; g < (arm + 1) * per_arm_groups; ++g) {
            const std::size_t i = (rep * observations + o) * groups + g;
            if (metric == "n") {
              sum += n[i];
              weight = 1.0;
            } else {
              const double w = metric == "retained" ? n_initial[i] : n[i];
              if (w > 0) {
                sum += w * group_values[i];
                weight += w;
              }
            }
          }
          const double expected = sum / weight;
          const double got = arm_values[((3 * 2 + rep) * 2 + arm) * observations + o];
          CHECK(got == Approx(expected).epsilon(1e-12));
        }
      }
    }
  }
}

TEST_CASE("runs that share their replicate's world have exactly the outcomes of `mentorsim run`",
          "[experiment][sweep]") {
  // Nothing swept touches the population or the network: the world of each replicate is built once.
  ExperimentDir dir(R"(scenario = "base.toml"
[[dimensions]]
key = "arms.1.cadence_weeks"
values = [1, 2]
[[dimensions]]
key = "dynamics.exchange.rate"
values = [0.1, 0.3]
)");
  const Experiment e = Experiment::load(dir.experiment());
  const auto summary = sweep(e, dir.path("sweep.h5"), 2);
  CHECK(summary.worlds_built == 2);
  RunOptions run_options;
  run_options.output_path = dir.path("run.h5");
  run_options.threads = 1;
  run_scenario(e.scenario(3, 0), run_options);
  io::InputFile s(dir.path("sweep.h5"));
  io::InputFile r(dir.path("run.h5"));
  for (const std::string name : {"coverage", "satisfaction_change", "skill_gain_digital", "dyads", "retention"}) {
    INFO(name);
    const auto sweep_values = s.read<double>("/runs/" + name);
    const auto run_values = r.read<double>("/outcomes/" + name);
    for (std::size_t i = 0; i < run_values.size(); ++i) {
      const double a = sweep_values[3 * run_values.size() + i];
      CHECK((a == run_values[i] || (std::isnan(a) && std::isnan(run_values[i]))));
    }
  }
  // Asked not to share, or a swept network key: every run builds its own world.
  std::string rebuild = "share_worlds = false\n";
  rebuild += test::slurp(dir.experiment());
  test::write_file(dir.experiment(), rebuild);
  const auto own = sweep(Experiment::load(dir.experiment()), dir.path("own.h5"), 2);
  CHECK(own.worlds_built == 0);
  CHECK(h5_differences(dir.path("sweep.h5"), dir.path("own.h5"), {"/meta"}).empty());
  CHECK(sweep(Experiment::load(ExperimentDir(kGrid).experiment()), dir.path("grid.h5"), 2).worlds_built == 0);
}

TEST_CASE("sweep results do not depend on the thread count or the schedule", "[experiment][sweep]") {
  ExperimentDir dir(kGrid);
  const Experiment e = Experiment::load(dir.experiment());
  const auto one = sweep(e, dir.path("t1.h5"), 1);
  const auto two = sweep(e, dir.path("t2.h5"), 2);
  CHECK_FALSE(one.runs_in_parallel);
  CHECK(two.runs_in_parallel);
  CHECK(h5_differences(dir.path("t1.h5"), dir.path("t2.h5")).empty());
  // One run at a time, parallel inside, on 2 threads.
  std::string text = kGrid;
  text.insert(text.find("timeseries"), "schedule = \"inside\"\n");
  test::write_file(dir.experiment(), text);
  const Experiment inside = Experiment::load(dir.experiment());
  const auto in = sweep(inside, dir.path("inside.h5"), 2);
  CHECK_FALSE(in.runs_in_parallel);
  // The experiment text differs (it is recorded in /meta), the data do not.
  CHECK(h5_differences(dir.path("t1.h5"), dir.path("inside.h5"), {"/meta"}).empty());
}

TEST_CASE("with common random numbers two identical arms give zero paired differences", "[experiment][sweep]") {
  const std::string arms = R"(scenario = "base.toml"
replicates = 3
[[arms]]
name = "first"
arm = "reverse"
[[arms]]
name = "second"
arm = "reverse"
[[dimensions]]
key = "network.mean_degree"
values = [6, 10]
)";
  ExperimentDir dir(arms);
  const Experiment common = Experiment::load(dir.experiment());
  sweep(common, dir.path("common.h5"), 2);
  for (const std::string name : {"coverage", "satisfaction_change", "retention", "skill_gain_digital"}) {
    const auto v = read(dir.path("common.h5"), "/runs/" + name);  // [point, replicate, arm]
    REQUIRE(v.size() == 2 * 3 * 2);
    for (std::size_t pr = 0; pr < 6; ++pr) {
      INFO(name << " " << pr);
      CHECK(v[pr * 2] - v[pr * 2 + 1] == 0.0);
    }
  }
  // Independent random numbers: the same arms differ run by run.
  std::string independent = arms;
  independent.insert(independent.find("replicates"), "random_numbers = \"independent\"\n");
  test::write_file(dir.experiment(), independent);
  sweep(Experiment::load(dir.experiment()), dir.path("independent.h5"), 2);
  const auto v = read(dir.path("independent.h5"), "/runs/satisfaction_change");
  int differing = 0;
  for (std::size_t pr = 0; pr < 6; ++pr) differing += v[pr * 2] != v[pr * 2 + 1] ? 1 : 0;
  CHECK(differing == 6);
}

TEST_CASE("an interrupted sweep keeps its runs and resumes to the uninterrupted file", "[experiment][sweep]") {
  ExperimentDir dir(kGrid);
  const Experiment e = Experiment::load(dir.experiment());
  sweep(e, dir.path("whole.h5"), 2);
  const auto part = sweep(e, dir.path("resumed.h5"), 1, 3);
  CHECK(part.interrupted);
  CHECK(part.completed == 3);
  CHECK_FALSE(std::filesystem::exists(dir.path("resumed.h5")));
  REQUIRE(std::filesystem::exists(dir.path("resumed.h5.journal")));
  CHECK(read_journal(dir.path("resumed.h5.journal"), false).runs.size() == 3);
  // A second start without --resume refuses to overwrite the journal.
  CHECK_THROWS_AS(sweep(e, dir.path("resumed.h5"), 1), InputError);
  const auto rest = sweep(e, dir.path("resumed.h5"), 2, 0, true);
  CHECK(rest.resumed == 3);
  CHECK(rest.completed == 5);
  CHECK_FALSE(std::filesystem::exists(dir.path("resumed.h5.journal")));
  CHECK(h5_differences(dir.path("whole.h5"), dir.path("resumed.h5")).empty());
}

TEST_CASE("a torn last record is dropped on resume, and a corrupt one in the middle is an error",
          "[experiment][sweep]") {
  ExperimentDir dir(kGrid);
  const Experiment e = Experiment::load(dir.experiment());
  sweep(e, dir.path("whole.h5"), 1);
  sweep(e, dir.path("torn.h5"), 1, 4);
  const auto journal = dir.path("torn.h5.journal");
  const auto size = std::filesystem::file_size(journal);
  {
    // Half a record, as a crash in the middle of a write leaves it.
    std::ofstream out(journal, std::ios::binary | std::ios::app);
    out << std::string(40, 'x');
  }
  const auto rest = sweep(e, dir.path("torn.h5"), 1, 0, true);
  CHECK(rest.resumed == 4);
  CHECK(h5_differences(dir.path("whole.h5"), dir.path("torn.h5")).empty());

  sweep(e, dir.path("bad.h5"), 1, 4);
  sweep(e, dir.path("three.h5"), 1, 3);
  const auto record = size - std::filesystem::file_size(dir.path("three.h5.journal"));
  {
    std::fstream f(dir.path("bad.h5.journal"), std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(static_cast<std::streamoff>(size - 2 * record + 20));  // inside the third of four records
    f.put('!');
  }
  CHECK_THROWS_WITH(sweep(e, dir.path("bad.h5"), 1, 0, true), Catch::Contains("corrupt record at byte"));
  CHECK(std::filesystem::file_size(dir.path("bad.h5.journal")) == size);  // the journal is left as it was
}

TEST_CASE("resume against a different experiment is refused, naming what differs", "[experiment][sweep]") {
  ExperimentDir dir(kGrid);
  sweep(Experiment::load(dir.experiment()), dir.path("out.h5"), 1, 2);
  test::write_file(dir.experiment(), std::string(kGrid).replace(std::string(kGrid).find("[6, 10]"), 7, "[6, 12]"));
  CHECK_THROWS_WITH(sweep(Experiment::load(dir.experiment()), dir.path("out.h5"), 1, 0, true),
                    Catch::Contains("--resume: this journal is from a different experiment: the experiment file's "
                                    "text differs"));
  test::write_file(dir.experiment(), kGrid);
  CommandLine cl;
  cl.replicates = 3;
  CHECK_THROWS_WITH(sweep(Experiment::load(dir.experiment(), cl), dir.path("out.h5"), 1, 0, true),
                    Catch::Contains("the number of replicates (2 vs 3) differs"));
  cl = {};
  cl.scenario_overrides = {"run.weeks=6"};
  CHECK_THROWS_WITH(sweep(Experiment::load(dir.experiment(), cl), dir.path("out.h5"), 1, 0, true),
                    Catch::Contains("the --set overrides (none vs --set run.weeks=6) differs"));
  // The right experiment still resumes.
  CHECK(sweep(Experiment::load(dir.experiment()), dir.path("out.h5"), 1, 0, true).resumed == 2);
}

TEST_CASE("shards of every rank merge into the single-process file", "[experiment][sweep]") {
  ExperimentDir dir(kGrid);
  const Experiment e = Experiment::load(dir.experiment());
  sweep(e, dir.path("single.h5"), 1);
  for (std::uint32_t rank = 0; rank < 3; ++rank) {
    SweepOptions o;
    o.output = dir.path("sharded.h5");
    o.threads = 1;
    o.rank = rank;
    o.ranks = 3;
    const auto s = run_sweep(e, o);
    CHECK(s.runs == (rank < 2 ? 3 : 2));  // 8 runs over 3 ranks
  }
  const auto shard = [&](int r) { return journal_path(dir.path("sharded.h5"), r, 3); };
  CHECK(merge_shards({shard(2), shard(0), shard(1)}, dir.path("merged.h5")) == 8);
  CHECK(h5_differences(dir.path("single.h5"), dir.path("merged.h5")).empty());

  // A missing shard: nothing written.
  CHECK_THROWS_WITH(merge_shards({shard(0), shard(1)}, dir.path("missing.h5")),
                    Catch::Contains("2 of 8 runs are in none of the shards (first: run 2: point 1, replicate 0)"));
  CHECK_FALSE(std::filesystem::exists(dir.path("missing.h5")));
  // A truncated shard.
  std::filesystem::copy_file(shard(1), dir.path("cut.journal"));
  std::filesystem::resize_file(dir.path("cut.journal"), std::filesystem::file_size(shard(1)) - 10);
  CHECK_THROWS_WITH(merge_shards({shard(0), dir.path("cut.journal"), shard(2)}, dir.path("cut.h5")),
                    Catch::Contains("incomplete shard"));
  // Not a shard at all.
  test::write_file(dir.path("junk.journal"), "hello");
  CHECK_THROWS_WITH(merge_shards({dir.path("junk.journal")}, dir.path("junk.h5")),
                    Catch::Contains("not a mentorsim sweep journal or shard"));
  // A shard of another experiment.
  test::write_file(dir.experiment(), std::string(kGrid).replace(std::string(kGrid).find("[1, 2]"), 6, "[1, 3]"));
  SweepOptions o;
  o.output = dir.path("other.h5");
  o.threads = 1;
  o.rank = 1;
  o.ranks = 3;
  run_sweep(Experiment::load(dir.experiment()), o);
  CHECK_THROWS_WITH(merge_shards({shard(0), journal_path(dir.path("other.h5"), 1, 3), shard(2)}, dir.path("x.h5")),
                    Catch::Contains("a shard of a different experiment than"));
  CHECK_FALSE(std::filesystem::exists(dir.path("x.h5")));
}

TEST_CASE("a sobol sweep writes design, runs and sensitivity indices with intervals", "[experiment][sweep]") {
  ExperimentDir dir(R"(scenario = "base.toml"
design = "sobol"
samples = 4
replicates = 1
bootstrap = 50
outcomes = ["coverage", "satisfaction_change", "by_minority/coverage"]
contrasts = [["reverse", "control"]]
[[dimensions]]
key = "dynamics.exchange.rate"
min = 0.01
max = 0.1
distribution = "log_uniform"
[[dimensions]]
key = "arms.1.uptake"
min = 0.2
max = 0.9
)");
  const Experiment e = Experiment::load(dir.experiment());
  REQUIRE(e.points() == 16);
  sweep(e, dir.path("sobol.h5"), 2);
  io::InputFile f(dir.path("sobol.h5"));
  CHECK(f.string_attribute("/", "kind") == "sweep");
  CHECK(f.dims("/design/dynamics.exchange.rate") == std::vector<std::uint64_t>{16});
  CHECK(f.dims("/runs/coverage") == std::vector<std::uint64_t>{16, 1, 2});
  CHECK(f.dims("/runs/by_minority/coverage") == std::vector<std::uint64_t>{16, 1, 2, 2});
  CHECK(f.read_strings("/sensitivity/targets") == std::vector<std::string>{"control", "reverse", "reverse - control"});
  CHECK(f.read_strings("/sensitivity/parameters") ==
        std::vector<std::string>{"dynamics.exchange.rate", "arms.1.uptake"});
  CHECK(f.dims("/sensitivity/coverage/first") == std::vector<std::uint64_t>{3, 2});
  CHECK_FALSE(f.exists("/sensitivity/by_minority"));  // only single-valued outcomes get indices
  // The control arm has no program: its coverage is NaN everywhere, so its indices are NaN.
  const auto first = f.read<double>("/sensitivity/coverage/first");
  CHECK(std::isnan(first[0]));
  // The reverse arm's coverage does vary with uptake.
  const auto total = f.read<double>("/sensitivity/coverage/total");
  CHECK(total[1 * 2 + 1] > 0.0);  // [target reverse, parameter arms.1.uptake]
  const auto low = f.read<double>("/sensitivity/coverage/total_low");
  const auto high = f.read<double>("/sensitivity/coverage/total_high");
  CHECK(low[3] <= total[3]);
  CHECK(total[3] <= high[3]);
}

TEST_CASE("a design whose output would exceed max_output_mb needs force", "[experiment][sweep]") {
  std::string text = kGrid;
  text.insert(text.find("timeseries"), "max_output_mb = 0.001\n");
  ExperimentDir dir(text);
  const Experiment e = Experiment::load(dir.experiment());
  CHECK_THROWS_WITH(sweep(e, dir.path("big.h5"), 1),
                    Catch::Contains("max_output_mb: the results would take about") &&
                        Catch::Contains("above the limit of 1.0 kB; raise max_output_mb or pass --force"));
  CHECK(dir.dir.entries() == 2);  // nothing written: base.toml and exp.toml only
  SweepOptions o;
  o.output = dir.path("big.h5");
  o.threads = 1;
  o.force = true;
  run_sweep(e, o);
  CHECK(std::filesystem::exists(dir.path("big.h5")));
}
