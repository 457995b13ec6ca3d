// `mentorsim calibrate` end to end on a reduced population (seconds): the results file's layout and
// invariants, a statistic that equals `mentorsim patterns` on the same parameter set, the same file for
// 1 and 2 threads (and under MPI) and after an interruption and --resume, one-line errors at file:line:column and key
// with nothing written; and the sweep's `design = "posterior"`.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "experiment_fixture.hpp"
#include "mentorsim/core/errors.hpp"
#include "mentorsim/experiment/calibration.hpp"
#include "mentorsim/experiment/experiment.hpp"
#include "mentorsim/io/hdf5_file.hpp"
#include "support/command.hpp"
#include "support/h5_compare.hpp"
#include "support/paths.hpp"
#include "support/temp_dir.hpp"

using namespace mentorsim;
using mentorsim::test::h5_differences;
using mentorsim::test::run_mentorsim;
using mentorsim::test::source_dir;
using mentorsim::test::TempDir;
using mentorsim::test::write_file;

namespace {

// The baseline scenario at 300 staff over 26 weeks: about a tenth of a second per run.
const std::string kSmallCalibration = "--set population.size=300 --set run.weeks=26";

std::string calibration_text() {
  return "scenario = \"" + (source_dir() / "scenarios" / "baseline.toml").string() + "\"\n" + "patterns_file = \"" +
         (source_dir() / "calibration" / "patterns.toml").string() + "\"\n" + R"(patterns = ["P7", "P8a"]
draws = 8
replicates = 1
quantile = 0.5
seed = 5
median_replicates = 2
[smc]
generations = 1
population = 4
batch = 4
[[parameters]]
key = "dynamics.relationships.similarity_weight"
min = 0.0
max = 2.0
[[parameters]]
key = "dynamics.relationships.failure_loss"
prior = "log_uniform"
min = 0.05
max = 0.4
)";
}

std::string q(const std::filesystem::path& p) {
  std::string out = "'";
  out += p.string();
  out += '\'';
  return out;
}

bool has_batch_files(const std::filesystem::path& dir) {
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.find(".stage") != std::string::npos || name.find(".median") != std::string::npos ||
        name.find(".journal") != std::string::npos || name.find(".run-") != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("calibrate gives the same file with 1 and 2 threads", "[calibrate][determinism]") {
  // With 2 threads the runs of a batch go one per thread (their HDF5 calls taking turns); the tsan
  // preset runs this test under ThreadSanitizer.
  TempDir dir;
  write_file(dir / "cal.toml", calibration_text());
  const std::string small = kSmallCalibration + " --draws 4 --generations 0";
  const auto two =
      run_mentorsim("calibrate " + q(dir / "cal.toml") + " " + small + " --threads 2 -o " + q(dir / "two.h5"));
  REQUIRE(two.exit_code == 0);
  // The worker threads do not print HDF5's own error stack for the errors the program handles (the
  // library's printing is set per thread).
  CHECK(two.err.find("HDF5-DIAG") == std::string::npos);
  const auto one =
      run_mentorsim("calibrate " + q(dir / "cal.toml") + " " + small + " --threads 1 -o " + q(dir / "one.h5"));
  REQUIRE(one.exit_code == 0);
  CHECK(h5_differences(dir / "two.h5", dir / "one.h5") == "");
}

TEST_CASE("calibrate: a small calibration end to end", "[calibrate]") {
  // One calibration with 2 threads, shared by the sections (Catch runs the test case once per section).
  static TempDir dir;
  static const auto result = [] {
    write_file(dir / "cal.toml", calibration_text());
    return run_mentorsim("calibrate " + q(dir / "cal.toml") + " " + kSmallCalibration + " --threads 2 -o " +
                         q(dir / "out.h5"));
  }();
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.find("accepted parameter sets") != std::string::npos);
  CHECK_FALSE(has_batch_files(dir.path()));

  const io::InputFile f(dir / "out.h5");
  CHECK(f.string_attribute("/meta", "calibration_toml") == calibration_text());
  CHECK(f.read_strings("/posterior/keys") ==
        std::vector<std::string>{"dynamics.relationships.similarity_weight", "dynamics.relationships.failure_loss"});
  CHECK(f.read_strings("/posterior/patterns") == std::vector<std::string>{"P7", "P8a"});
  CHECK(f.dims("/prior/parameters") == std::vector<std::uint64_t>{8, 2});
  const auto prior = f.read<double>("/prior/parameters");
  const auto prior_distances = f.read<double>("/prior/distances");
  const auto params = f.read<double>("/posterior/parameters");
  const auto weights = f.read<double>("/posterior/weights");
  const auto distances = f.read<double>("/posterior/distances");
  const auto tolerance = f.read<double>("/stages/tolerance");
  const auto accepted = f.read<std::int64_t>("/stages/accepted");
  REQUIRE(tolerance.size() == 2);  // rejection + one SMC stage
  CHECK(accepted[0] == 4);         // half of 8 draws (no ties among real-valued distances)
  CHECK(accepted[1] == 4);
  CHECK(tolerance[1] <= tolerance[0]);
  REQUIRE(weights.size() == 4);
  CHECK(std::accumulate(weights.begin(), weights.end(), 0.0) == Approx(1.0).epsilon(1e-12));
  for (std::size_t i = 0; i < weights.size(); ++i) {
    CHECK(distances[i] <= tolerance[1]);
    CHECK(params[2 * i] >= 0.0);
    CHECK(params[2 * i] <= 2.0);
    CHECK(params[2 * i + 1] >= 0.05);
    CHECK(params[2 * i + 1] <= 0.4);
  }
  // Stage 0's tolerance is the 4th smallest of the 8 prior distances.
  auto sorted = prior_distances;
  std::sort(sorted.begin(), sorted.end());
  CHECK(tolerance[0] == sorted[3]);
  CHECK(f.read<double>("/median/mean").size() == 2);
  CHECK(f.dims("/median/statistics") == std::vector<std::uint64_t>{2, 2});

  SECTION("a prior draw's statistics are those of mentorsim patterns on that parameter set") {
    // Replicate 0 of a calibration run is `mentorsim run` of the scenario (its own seed) with one replicate.
    const auto statistics = f.read<double>("/prior/statistics");
    const std::string sets =
        " --set dynamics.relationships.similarity_weight=" + experiment::toml_number(prior[0], false) +
        " --set dynamics.relationships.failure_loss=" + experiment::toml_number(prior[1], false);
    const auto patterns = run_mentorsim("patterns " + q(source_dir() / "scenarios" / "baseline.toml") + " " +
                                        kSmallCalibration + " --set run.replicates=1" + sets + " --patterns " +
                                        q(source_dir() / "calibration" / "patterns.toml") + " -o " + q(dir / "p.h5"));
    REQUIRE(patterns.exit_code == 0);
    const io::InputFile p(dir / "p.h5");
    const auto ids = p.read_strings("/patterns/id");
    const auto mean = p.read<double>("/patterns/mean");
    const auto at = [&](const std::string& id) {
      return mean[static_cast<std::size_t>(std::find(ids.begin(), ids.end(), id) - ids.begin())];
    };
    CHECK(statistics[0] == at("P7"));
    CHECK(statistics[1] == at("P8a"));
  }
  SECTION("interrupted after a few runs, then --resume: the same file") {
    const auto cal = experiment::Calibration::load(dir / "cal.toml", {"population.size=300", "run.weeks=26"},
                                                   source_dir() / "calibration" / "patterns.toml");
    experiment::CalibrationOptions options;
    options.output = dir / "resumed.h5";
    options.stop_after = 3;
    const auto stopped = experiment::run_calibration(cal, options);
    CHECK(stopped.interrupted);
    CHECK_FALSE(std::filesystem::exists(dir / "resumed.h5"));
    CHECK(has_batch_files(dir.path()));
    // Without --resume the leftovers stop a new calibration with the same output.
    const auto refused =
        run_mentorsim("calibrate " + q(dir / "cal.toml") + " " + kSmallCalibration + " -o " + q(dir / "resumed.h5"));
    CHECK(refused.exit_code == 2);
    CHECK(refused.err.find("--resume") != std::string::npos);
    const auto resumed = run_mentorsim("calibrate " + q(dir / "cal.toml") + " " + kSmallCalibration + " --resume -o " +
                                       q(dir / "resumed.h5"));
    INFO(resumed.err);
    REQUIRE(resumed.exit_code == 0);
    CHECK(h5_differences(dir / "out.h5", dir / "resumed.h5") == "");
    CHECK_FALSE(has_batch_files(dir.path()));
  }
}

TEST_CASE("mpirun -n 2 mentorsim calibrate gives the single-process file", "[calibrate][mpi]") {
  TempDir dir;
  write_file(dir / "cal.toml", calibration_text());
  const std::string small = kSmallCalibration + " --draws 6 --threads 1";
  const auto single = run_mentorsim("calibrate " + q(dir / "cal.toml") + " " + small + " -o " + q(dir / "one.h5"));
  REQUIRE(single.exit_code == 0);
  const auto mpi = mentorsim::test::run_mentorsim_mpi(
      2, "calibrate " + q(dir / "cal.toml") + " " + small + " -o " + q(dir / "mpi.h5"));
  INFO(mpi.err);
  REQUIRE(mpi.exit_code == 0);
  CHECK(mpi.out.find("on 2 ranks") != std::string::npos);
  // The same runs in all: stage 0's 6 sets, the SMC stage's, and the 2 median runs, counted over ranks.
  const auto runs_of = [](const std::string& out) { return out.substr(out.find(" simulated (")); };
  CHECK(runs_of(single.out).substr(0, runs_of(single.out).find(" runs")) ==
        runs_of(mpi.out).substr(0, runs_of(mpi.out).find(" runs")));
  CHECK(h5_differences(dir / "one.h5", dir / "mpi.h5") == "");
  CHECK_FALSE(has_batch_files(dir.path()));  // batch files and shards removed
  // An output rank 0 cannot write: one error line (rank 0's), exit 3, the other rank silent.
  const auto bad = mentorsim::test::run_mentorsim_mpi(
      2, "calibrate " + q(dir / "cal.toml") + " " + small + " -o " + q(dir / "no-such-dir" / "x.h5"));
  INFO(bad.err);
  CHECK(bad.exit_code == 3);
  const auto count = [](const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  CHECK(count(bad.err, "mentorsim: error:") == 1);
  CHECK(count(bad.err, "mentorsim: error: rank 0: cannot write") == 1);
  CHECK(count(bad.err, "mentorsim: warning: output.snapshot_weeks") == 1);  // rank 0 alone warns
  CHECK_FALSE(has_batch_files(dir.path()));
}

TEST_CASE("calibrate: --draws, --replicates and --generations override the file and are recorded", "[calibrate]") {
  TempDir dir;
  write_file(dir / "cal.toml", calibration_text());
  const auto result = run_mentorsim("calibrate " + q(dir / "cal.toml") + " " + kSmallCalibration +
                                    " --draws 4 --replicates 2 --generations 0 -o " + q(dir / "out.h5"));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const io::InputFile f(dir / "out.h5");
  CHECK(f.dims("/prior/parameters") == std::vector<std::uint64_t>{4, 2});
  CHECK(f.read<double>("/stages/tolerance").size() == 1);
  CHECK(f.int_attribute("/meta", "replicates") == 2);
  CHECK(f.string_attribute("/meta", "calibration_overrides") == "--draws 4 --replicates 2 --generations 0");
}

TEST_CASE("calibrate: bad input is one line at file:line:column and key, exit 2, nothing written", "[calibrate]") {
  struct Case {
    std::string from, to, expected;
  };
  const std::vector<Case> cases{
      {"draws = 8", "draws = 8\ndraws_count = 3", "cal.toml:5:1: draws_count: unknown key"},
      {"prior = \"log_uniform\"", "prior = \"normal\"",
       "parameters[1].prior: expected \"uniform\" or \"log_uniform\", got \"normal\""},
      {"min = 0.05", "min = 0.0", "parameters[1].min: a log_uniform prior needs min > 0"},
      {"max = 2.0", "max = -1.0", "parameters[0].max: the prior's range is empty or inverted"},
      {"[\"P7\", \"P8a\"]", "[\"P7\", \"P99\"]", "patterns[1]: \"P99\" is not a pattern of"},
      {"[\"P7\", \"P8a\"]", "[\"P7\", \"P6\"]", "patterns[1]: P6 is an ordering"},
      {"similarity_weight\"", "similarity_weigth\"",
       "parameters[0].key: \"dynamics.relationships.similarity_weigth\" is not a scenario key"},
      {"max = 0.4", "max = 1.4", "parameters[1].max: 1.4 is outside the range of dynamics.relationships.failure_loss"},
      {"quantile = 0.5", "quantile = 0.5\ntolerance = 2", "tolerance: give quantile or tolerance, not both"},
      {"draws = 8", "draws = [8", "cal.toml:5:"},  // a TOML syntax error: file and line
  };
  for (const auto& c : cases) {
    TempDir dir;
    std::string text = calibration_text();
    REQUIRE(text.find(c.from) != std::string::npos);
    text.replace(text.find(c.from), c.from.size(), c.to);
    write_file(dir / "cal.toml", text);
    const auto result =
        run_mentorsim("calibrate " + q(dir / "cal.toml") + " " + kSmallCalibration + " -o " + q(dir / "out.h5"));
    INFO(c.to);
    INFO(result.err);
    CHECK(result.exit_code == 2);
    CHECK(result.err.find(c.expected) != std::string::npos);
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    CHECK(result.err.find((dir / "cal.toml").string()) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "out.h5"));
    CHECK_FALSE(has_batch_files(dir.path()));
  }
}

namespace {

// A calibration results file holding only /posterior (what design = "posterior" reads).
void write_posterior(const std::filesystem::path& path, const std::vector<double>& weights) {
  io::OutputFile out(path);
  out.create_group("/posterior");
  out.write_strings("/posterior/keys", {"network.mean_degree", "arms.1.uptake"});
  out.write("/posterior/parameters", std::vector<double>{6.0, 0.2, 8.0, 0.4, 10.0, 0.6}, {3, 2});
  out.write("/posterior/weights", weights);
  out.commit();
}

}  // namespace

TEST_CASE("sweep design = posterior: the accepted set, or samples drawn by weight", "[calibrate]") {
  TempDir dir;
  write_file(dir / "base.toml", mentorsim::test::kSweepScenario);
  SECTION("equal weights: every accepted parameter set is a design point, in order") {
    write_posterior(dir / "cal.h5", {1.0 / 3, 1.0 / 3, 1.0 / 3});
    write_file(dir / "exp.toml",
               "scenario = \"base.toml\"\ndesign = \"posterior\"\nposterior = \"cal.h5\"\n"
               "replicates = 1\noutcomes = [\"coverage\"]\n");
    const auto e = experiment::Experiment::load(dir / "exp.toml");
    REQUIRE(e.points() == 3);
    CHECK(e.design().number[0] == std::vector<double>{6.0, 8.0, 10.0});
    CHECK(e.design().number[1] == std::vector<double>{0.2, 0.4, 0.6});
    const auto result = run_mentorsim("sweep " + q(dir / "exp.toml") + " -o " + q(dir / "sweep.h5"));
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    const io::InputFile f(dir / "sweep.h5");
    CHECK(f.read<double>("/design/arms.1.uptake") == std::vector<double>{0.2, 0.4, 0.6});
    CHECK(f.dims("/runs/coverage") == std::vector<std::uint64_t>{3, 1, 2});
  }
  SECTION("weights: samples drawn by weight (a zero weight is never drawn)") {
    write_posterior(dir / "cal.h5", {0.5, 0.0, 0.5});
    write_file(dir / "exp.toml",
               "scenario = \"base.toml\"\ndesign = \"posterior\"\nposterior = \"cal.h5\"\n"
               "samples = 40\nseed = 3\nreplicates = 1\n");
    const auto e = experiment::Experiment::load(dir / "exp.toml");
    REQUIRE(e.points() == 40);
    const auto& degree = e.design().number[0];
    const auto& uptake = e.design().number[1];
    const auto sixes = std::count(degree.begin(), degree.end(), 6.0);
    CHECK(std::count(degree.begin(), degree.end(), 8.0) == 0);
    CHECK(sixes + std::count(degree.begin(), degree.end(), 10.0) == 40);
    CHECK(sixes >= 10);  // Binomial(40, 0.5): P(fewer than 10) < 1e-3
    CHECK(sixes <= 30);
    for (std::size_t i = 0; i < degree.size(); ++i) CHECK(uptake[i] == (degree[i] == 6.0 ? 0.2 : 0.6));  // rows kept
  }
  SECTION("a weighted sample without samples, a missing file, dimensions: one error each") {
    write_posterior(dir / "cal.h5", {0.5, 0.25, 0.25});
    write_file(dir / "exp.toml", "scenario = \"base.toml\"\ndesign = \"posterior\"\nposterior = \"cal.h5\"\n");
    auto result = run_mentorsim("sweep " + q(dir / "exp.toml") + " -o " + q(dir / "sweep.h5"));
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("exp.toml:3:13: posterior:") != std::string::npos);
    CHECK(result.err.find("give samples = N") != std::string::npos);
    write_file(dir / "exp.toml", "scenario = \"base.toml\"\ndesign = \"posterior\"\nposterior = \"none.h5\"\n");
    result = run_mentorsim("sweep " + q(dir / "exp.toml") + " -o " + q(dir / "sweep.h5"));
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("posterior: cannot read") != std::string::npos);
    write_file(dir / "exp.toml", "scenario = \"base.toml\"\ndesign = \"posterior\"\n");
    result = run_mentorsim("sweep " + q(dir / "exp.toml") + " -o " + q(dir / "sweep.h5"));
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("a posterior design needs posterior =") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "sweep.h5"));
  }
}
