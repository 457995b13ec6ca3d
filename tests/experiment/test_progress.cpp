// Progress: a line every N units or 10 s without a terminal, a bar redrawn in place on one, rates that
// count only this session's work; and `mentorsim run` reporting every simulated week.

#include <catch2/catch.hpp>

#include <sstream>

#include "mentorsim/engine/runner.hpp"
#include "mentorsim/experiment/progress.hpp"
#include "support/temp_dir.hpp"

using mentorsim::experiment::Progress;

namespace {

// A clock the test moves by hand.
struct FakeClock {
  double now = 100.0;
  Progress::Clock function() {
    return [this] { return now; };
  }
};

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("without a terminal, a progress line every N units and a last line", "[experiment][progress]") {
  FakeClock clock;
  std::ostringstream out;
  Progress p(out, false, 10, "runs", 0, 3, clock.function());
  for (int i = 0; i < 10; ++i) {
    clock.now += 0.5;  // 2 runs per second
    p.advance();
  }
  p.finish();
  const auto l = lines(out.str());
  REQUIRE(l.size() == 4);
  CHECK(l[0] == "progress: 3/10 runs (30 %), 2.00 runs/s, ETA 4 s");
  CHECK(l[1] == "progress: 6/10 runs (60 %), 2.00 runs/s, ETA 2 s");
  CHECK(l[2] == "progress: 9/10 runs (90 %), 2.00 runs/s, ETA 1 s");  // 0.5 s, rounded up
  CHECK(l[3] == "progress: 10/10 runs (100 %), 2.00 runs/s, done in 5 s");
}

TEST_CASE("without a terminal, a line at least every 10 seconds", "[experiment][progress]") {
  FakeClock clock;
  std::ostringstream out;
  Progress p(out, false, 1000, "runs", 0, 500, clock.function());
  clock.now += 9.0;
  p.advance();
  CHECK(out.str().empty());
  clock.now += 2.0;  // 11 s since the start
  p.advance();
  // 2 runs in 11 s: 998 / (2 / 11) = 5489 s left.
  CHECK(out.str() == "progress: 2/1000 runs (0 %), 0.18 runs/s, ETA 1:31:29\n");
}

TEST_CASE("units done before (a resume) count in the bar but not in the rate", "[experiment][progress]") {
  FakeClock clock;
  std::ostringstream out;
  Progress p(out, false, 10, "runs", 6, 2, clock.function());
  clock.now += 4.0;
  p.advance(2);
  CHECK(out.str() == "progress: 8/10 runs (80 %), 0.50 runs/s, ETA 4 s\n");
}

TEST_CASE("on a terminal, one line redrawn at most five times a second", "[experiment][progress]") {
  FakeClock clock;
  std::ostringstream out;
  Progress p(out, true, 4, "weeks", 0, 0, clock.function());
  clock.now += 1.0;
  p.advance();  // drawn (first)
  clock.now += 0.1;
  p.advance();  // not drawn: 0.1 s after the last
  clock.now += 0.2;
  p.advance();  // drawn
  clock.now += 0.1;
  p.advance();  // the last unit is always drawn
  p.finish();
  const std::string text = out.str();
  CHECK(std::count(text.begin(), text.end(), '\r') == 4);
  CHECK(std::count(text.begin(), text.end(), '\n') == 1);
  CHECK(text.find("\r[######..................] 1/4 weeks  1.00 weeks/s  ETA 3 s") != std::string::npos);
  CHECK(text.find("\r[########################] 4/4 weeks") != std::string::npos);
  CHECK(text.find("in 1 s") != std::string::npos);
}

TEST_CASE("a command that fails ends its progress without a last line", "[experiment][progress]") {
  FakeClock clock;
  SECTION("in a log: nothing written after the lines already due") {
    std::ostringstream out;
    Progress p(out, false, 10, "runs", 0, 3, clock.function());
    p.abandon();  // before any unit: no "progress: 0/10" line
    p.finish();   // once ended, nothing more
    CHECK(out.str().empty());
    Progress q(out, false, 10, "runs", 0, 3, clock.function());
    for (int i = 0; i < 4; ++i) {
      clock.now += 1.0;
      q.advance();
    }
    q.abandon();
    CHECK(out.str() == "progress: 3/10 runs (30 %), 1.00 runs/s, ETA 7 s\n");
  }
  SECTION("on a terminal: the redrawn line cleared, so the error starts a clean line") {
    std::ostringstream out;
    Progress p(out, true, 4, "weeks", 0, 0, clock.function());
    clock.now += 1.0;
    p.advance();
    const std::string drawn = out.str();
    REQUIRE(drawn.front() == '\r');
    p.abandon();
    CHECK(out.str() == drawn + "\r" + std::string(drawn.size() - 1, ' ') + "\r");
    std::ostringstream untouched;
    Progress q(untouched, true, 4, "weeks", 0, 0, clock.function());
    q.abandon();  // nothing drawn: nothing to clear
    CHECK(untouched.str().empty());
  }
}

TEST_CASE("durations are printed as seconds, m:ss or h:mm:ss", "[experiment][progress]") {
  CHECK(Progress::format_duration(12.4) == "12 s");
  CHECK(Progress::format_duration(65) == "1:05");
  CHECK(Progress::format_duration(3725) == "1:02:05");
  CHECK(Progress::format_duration(-1) == "?");
}

TEST_CASE("mentorsim run reports every simulated week of every replicate", "[experiment][progress]") {
  const auto scenario =
      mentorsim::Scenario::parse("[run]\nweeks = 3\nreplicates = 2\n[population]\nsize = 200\n", "s.toml");
  mentorsim::test::TempDir dir;
  mentorsim::RunOptions options;
  options.output_path = dir / "out.h5";
  int weeks = 0;
  options.on_week = [&weeks] { ++weeks; };
  mentorsim::run_scenario(scenario, options);
  CHECK(weeks == 6);
}
