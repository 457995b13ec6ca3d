// The patterns file, evaluation (mean, CI, verdict) and the `patterns` command.

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "mentorsim/core/errors.hpp"
#include "mentorsim/core/types.hpp"
#include "mentorsim/io/hdf5_file.hpp"
#include "mentorsim/patterns/patterns.hpp"
#include "support/command.hpp"
#include "support/paths.hpp"
#include "support/temp_dir.hpp"
#include "support/text.hpp"

using mentorsim::InputError;
using mentorsim::io::InputFile;
using mentorsim::io::OutputFile;
using mentorsim::patterns::evaluate;
using mentorsim::patterns::load_patterns;
using mentorsim::patterns::Verdict;
using mentorsim::test::run_mentorsim;
using mentorsim::test::slurp;
using mentorsim::test::TempDir;
using mentorsim::test::write_file;

namespace {

using mentorsim::kNaN;

const char* const kPattern =
    "[[pattern]]\nid = \"A\"\nname = \"coverage\"\nfigure = \"C1\"\npublished = \"54%\"\nsource = \"Palepu 1998\"\n";

std::string pattern_load_error(const std::string& text) {
  TempDir dir;
  write_file(dir / "p.toml", text);
  try {
    (void)load_patterns(dir / "p.toml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// A results file with coverage of a program arm over two replicates (0.5, 0.7).
void coverage_file(const std::filesystem::path& path) {
  OutputFile f(path);
  f.create_group("/meta");
  f.set_attribute("/meta", "replicates", std::int64_t{2});
  f.write("/outcomes/eligible_mentees", std::vector<double>{kNaN, 10, kNaN, 10}, {2, 2});
  f.write("/outcomes/coverage", std::vector<double>{kNaN, 0.5, kNaN, 0.7}, {2, 2});
  f.write("/outcomes/failure_rate", std::vector<double>{kNaN, 0.3, kNaN, 0.3}, {2, 2});
  f.commit();
}

}  // namespace

TEST_CASE("the patterns file reports every problem with its line and key", "[patterns]") {
  const std::string text = std::string(kPattern) +
                           "statistic = \"coverge\"\ntarget = [0.7, 0.5]\nreproduced = true\ncolour = 1\n"
                           "[[pattern]]\nid = \"A\"\nname = \"x\"\nfigure = \"C2\"\npublished = \"p\"\nsource = \"s\"\n"
                           "statistic = \"coverage\"\ntarget = 0.5\nreproduced = false\n";
  const std::string e = pattern_load_error(text);
  CHECK(e.find("p.toml:7:13: pattern[0].statistic: unknown statistic \"coverge\" (known: coverage,") !=
        std::string::npos);
  CHECK(e.find("p.toml:8:10: pattern[0].target: low is above high") != std::string::npos);
  CHECK(e.find("p.toml:1: pattern[0].tolerance: missing (a target needs a tolerance, 0 or more)") != std::string::npos);
  CHECK(e.find("p.toml:10:10: pattern[0].colour: unknown key") != std::string::npos);
  CHECK(e.find("p.toml:12:6: pattern[1].id: \"A\" is used by an earlier pattern") != std::string::npos);
  CHECK(e.find("pattern[1].tolerance: missing") != std::string::npos);
}

TEST_CASE("a pattern not computable yet must say what it needs and cannot be marked reproduced", "[patterns]") {
  const std::string e = pattern_load_error(std::string(kPattern) + "status = \"later\"\nreproduced = true\n");
  CHECK(e.find("pattern[0].status: must say what is missing: \"not computable yet: needs ...\"") != std::string::npos);
  CHECK(e.find("pattern[0].reproduced: a pattern that cannot be computed yet cannot be reproduced") !=
        std::string::npos);
}

TEST_CASE("a TOML syntax error names the file and line", "[patterns]") {
  CHECK(pattern_load_error("[[pattern]\n").find("p.toml:1:") != std::string::npos);
}

TEST_CASE("evaluation: mean and t interval over replicates, pass within target +- tolerance", "[patterns]") {
  TempDir dir;
  coverage_file(dir / "r.h5");
  write_file(dir / "p.toml", std::string(kPattern) +
                                 "statistic = \"coverage\"\ntarget = [0.54, 0.671]\ntolerance = 0.0\n"
                                 "reproduced = true\n"
                                 "[[pattern]]\nid = \"B\"\nname = \"f\"\nfigure = \"C15\"\npublished = \"10%\"\n"
                                 "source = \"s\"\nstatistic = \"failure_rate\"\ntarget = 0.1\ntolerance = 0.05\n"
                                 "reproduced = false\n"
                                 "[[pattern]]\nid = \"C\"\nname = \"n\"\nfigure = \"C9\"\npublished = \"p\"\n"
                                 "source = \"s\"\nstatus = \"not computable yet: needs informal mentoring\"\n"
                                 "reproduced = false\n"
                                 "[[pattern]]\nid = \"D\"\nname = \"d\"\nfigure = \"C22\"\npublished = \"p\"\n"
                                 "source = \"s\"\nstatistic = \"mean_degree_initial\"\nabove = 0\n"
                                 "reproduced = false\n");
  const auto patterns = load_patterns(dir / "p.toml");
  const InputFile in(dir / "r.h5");
  const auto results = evaluate(patterns, in);
  REQUIRE(results.size() == 4);
  // Coverage 0.5, 0.7: mean 0.6, SD sqrt(0.02), SE 0.1, t(0.975, 1) = 12.706.
  CHECK(results[0].mean == Approx(0.6));
  CHECK(results[0].ci_low == Approx(0.6 - 1.2706));
  CHECK(results[0].ci_high == Approx(0.6 + 1.2706));
  CHECK(results[0].verdict == Verdict::pass);
  // Failure 0.3 in both replicates: outside 0.1 +- 0.05; zero-width interval.
  CHECK(results[1].verdict == Verdict::miss);
  CHECK(results[1].ci_low == Approx(0.3));
  CHECK(results[2].verdict == Verdict::not_computable);
  CHECK(results[2].reason == "not computable yet: needs informal mentoring");
  CHECK(results[3].verdict == Verdict::not_computable);
  CHECK(results[3].reason == "not computable from this file: the file has no per-agent data (/agents/final)");
}

TEST_CASE("t quantiles", "[patterns]") {
  CHECK(mentorsim::patterns::t_quantile_975(1) == Approx(12.706));
  CHECK(mentorsim::patterns::t_quantile_975(9) == Approx(2.262));
  CHECK(mentorsim::patterns::t_quantile_975(1000) == Approx(1.96));
}

TEST_CASE("patterns on a results file adds /patterns in place and writes the CSV beside it", "[patterns][cli]") {
  TempDir dir;
  coverage_file(dir / "r.h5");
  write_file(dir / "p.toml", std::string(kPattern) +
                                 "statistic = \"coverage\"\ntarget = 0.6\ntolerance = 0.01\nreproduced = true\n"
                                 "[[pattern]]\nid = \"B\"\nname = \"f\"\nfigure = \"C15\"\npublished = \"10%\"\n"
                                 "source = \"s\"\nstatistic = \"failure_rate\"\ntarget = 0.1\ntolerance = 0.05\n"
                                 "reproduced = false\n");
  const std::string args = "patterns '" + (dir / "r.h5").string() + "' --patterns '" + (dir / "p.toml").string() + "'";
  auto r = run_mentorsim(args + " --check");
  INFO(r.err);
  CHECK(r.exit_code == 0);  // B misses but is not documented as reproduced
  CHECK(r.out.find("miss") != std::string::npos);
  {
    const InputFile in(dir / "r.h5");
    CHECK(in.read_strings("/patterns/id") == std::vector<std::string>{"A", "B"});
    CHECK(in.read_strings("/patterns/verdict") == std::vector<std::string>{"pass", "miss"});
    CHECK(in.read<double>("/patterns/mean")[0] == Approx(0.6));
    CHECK(in.dims("/patterns/values") == std::vector<std::uint64_t>{2, 2});
    CHECK(in.exists("/outcomes/coverage"));  // the results are kept
  }
  const std::string csv = slurp(dir / "r.patterns.csv");
  CHECK(csv.starts_with("id,name,figure,statistic,target_low,target_high,tolerance,mean,"));
  CHECK(csv.find("\nB,f,C15,failure_rate,0.1,0.1,0.05,0.3,0.3,0.3,2,miss,false,,10%,s\n") != std::string::npos);

  // A second run replaces /patterns; --check fails (exit 1) when a reproduced pattern misses.
  write_file(dir / "p.toml", std::string(kPattern) +
                                 "statistic = \"failure_rate\"\ntarget = 0.1\ntolerance = 0.01\nreproduced = true\n");
  r = run_mentorsim(args + " --check -o '" + (dir / "t.csv").string() + "'");
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("check failed: A (coverage) is documented as reproduced but is miss") != std::string::npos);
  const InputFile in(dir / "r.h5");
  CHECK(in.read_strings("/patterns/id") == std::vector<std::string>{"A"});
  CHECK(slurp(dir / "t.csv").find("\nA,coverage,C1,failure_rate,") != std::string::npos);
}

TEST_CASE("patterns: bad input is one line per problem, exit 2, and nothing written", "[patterns][cli]") {
  TempDir dir;
  coverage_file(dir / "r.h5");
  const auto before = slurp(dir / "r.h5");
  write_file(dir / "p.toml", std::string(kPattern) +
                                 "statistic = \"coverage\"\ntarget = \"high\"\ntolerance = 0\n"
                                 "reproduced = false\n");
  auto r = run_mentorsim("patterns '" + (dir / "r.h5").string() + "' --patterns '" + (dir / "p.toml").string() + "'");
  CHECK(r.exit_code == 2);
  CHECK(r.err == "mentorsim: error: " + (dir / "p.toml").string() + ":8:10: pattern[0].target: must be a number\n");
  CHECK(r.out.empty());
  CHECK(slurp(dir / "r.h5") == before);
  CHECK(dir.entries() == 2);

  // --set on a results file.
  r = run_mentorsim("patterns '" + (dir / "r.h5").string() + "' --set run.weeks=3");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--set: " + (dir / "r.h5").string() + " is a results file") != std::string::npos);
  CHECK(dir.entries() == 2);

  // A missing input.
  r = run_mentorsim("patterns '" + (dir / "none.h5").string() + "'");
  CHECK(r.exit_code == 3);
  CHECK(r.err == "mentorsim: error: cannot read " + (dir / "none.h5").string() + ": no such file\n");
  CHECK(dir.entries() == 2);
}

TEST_CASE("patterns runs a scenario, writes its results with /patterns, and the repository's table loads",
          "[patterns][cli]") {
  TempDir dir;
  write_file(dir / "s.toml", "[run]\nseed = 5\nweeks = 8\nreplicates = 2\n[population]\nsize = 400\n");
  const auto r =
      run_mentorsim("patterns '" + (dir / "s.toml").string() + "' --threads 2 -o '" + (dir / "out.h5").string() +
                    "' --patterns '" + (mentorsim::test::source_dir() / "calibration/patterns.toml").string() + "'");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const InputFile in(dir / "out.h5");
  CHECK(in.exists("/outcomes/coverage"));
  const auto ids = in.read_strings("/patterns/id");
  const auto verdicts = in.read_strings("/patterns/verdict");
  const auto reasons = in.read_strings("/patterns/reason");
  REQUIRE(ids.size() == verdicts.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    INFO(ids[i] << ": " << reasons[i]);
    // With informal mentoring (docs/model.md 7.18) no pattern waits for a mechanism any more.
    CHECK(reasons[i].find("not computable yet") == std::string::npos);
    if (ids[i] == "P3") CHECK(reasons[i].find("no arm of this file used hybrid pairing") != std::string::npos);
    if (ids[i] == "W1") CHECK(verdicts[i] != "not computable");
  }
  CHECK(std::filesystem::exists(dir / "out.patterns.csv"));
}
