// mentorsim_plain_rules: the plain-rules reference benchmark (bench/plain_rules/plain_rules.hpp; the
// rules are in docs/performance.md). Builds the world, runs the weekly loop, and prints one JSON line.
//
// Usage: mentorsim_plain_rules --n N --weeks W --seed S [--threads T]
// Bad arguments: one line on standard error, exit status 2, nothing on standard output.

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <map>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/core/process_memory.hpp"
#include "plain_rules/plain_rules.hpp"

namespace {

using namespace mentorsim;

constexpr const char* kUsage = "usage: mentorsim_plain_rules --n N --weeks W --seed S [--threads T]";

struct Limits {
  std::uint64_t min;
  std::uint64_t max;
};
// N is capped well below 2^32 agent ids (a run needs about 400 bytes per agent: 2 GB for 5 million);
// --threads 0 is not accepted, so the thread count in the output is the one asked for or, without
// --threads, all hardware threads.
const std::map<std::string_view, Limits> kOptions{
    {"--n", {1, 200'000'000}}, {"--weeks", {1, 1'000'000}}, {"--seed", {0, UINT64_MAX}}, {"--threads", {1, 1024}}};

struct Arguments {
  std::uint64_t n = 0;
  std::uint64_t weeks = 0;
  std::uint64_t seed = 0;
  std::optional<std::uint64_t> threads;
};

class UsageError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::uint64_t parse_value(std::string_view option, std::string_view text, Limits limits) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size() || value < limits.min ||
      value > limits.max) {
    throw UsageError(std::string(option) + ": expected an integer in [" + std::to_string(limits.min) + ", " +
                     std::to_string(limits.max) + "], got \"" + std::string(text) + "\"");
  }
  return value;
}

Arguments parse(int argc, char** argv) {
  std::map<std::string_view, std::uint64_t> given;
  for (int k = 1; k < argc; k += 2) {
    const std::string_view option = argv[k];
    const auto limits = kOptions.find(option);
    if (limits == kOptions.end()) throw UsageError("unknown argument \"" + std::string(option) + "\"");
    if (given.count(option) != 0) throw UsageError(std::string(option) + " given twice");
    if (k + 1 >= argc) throw UsageError(std::string(option) + ": missing value");
    given[option] = parse_value(option, argv[k + 1], limits->second);
  }
  for (const char* required : {"--n", "--weeks", "--seed"}) {
    if (given.count(required) == 0) throw UsageError(std::string("missing ") + required);
  }
  Arguments arguments{given["--n"], given["--weeks"], given["--seed"], std::nullopt};
  if (given.count("--threads") != 0) arguments.threads = given["--threads"];
  return arguments;
}

// CPU time of the whole process (every thread) so far.
double process_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// A JSON number, or null for a mean over no agents.
std::string number(double value) {
  if (!std::isfinite(value)) return "null";
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

int run(const Arguments& arguments) {
  parallel::set_threads(arguments.threads ? static_cast<int>(*arguments.threads) : 0);
  const auto n = static_cast<AgentId>(arguments.n);
  plain_rules::World world = plain_rules::World::generate(n, arguments.seed);
  const std::size_t dyads_initial = world.dyads().size();

  plain_rules::WeekDecisions decisions;
  plain_rules::WeekRecord record;  // the last week's; --weeks is at least 1
  const double cpu_start = process_cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t week = 1; week <= arguments.weeks; ++week) {
    world.draw_decisions(static_cast<Step>(week), decisions);
    record = world.apply_week(static_cast<Step>(week), decisions);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu_seconds = process_cpu_seconds() - cpu_start;

  const double agent_weeks = static_cast<double>(arguments.n) * static_cast<double>(arguments.weeks);
  std::string table = "[";
  for (int s = 0; s < plain_rules::kStages; ++s) {
    table += s == 0 ? "[" : ",[";
    for (int d = 0; d < plain_rules::kDomains; ++d) {
      if (d > 0) table += ",";
      table += number(record.mean_skill[static_cast<std::size_t>(s)][static_cast<std::size_t>(d)]);
    }
    table += "]";
  }
  table += "]";
  const auto& counts = record.stage_count;
  std::printf(
      "{\"n\": %llu, \"weeks\": %llu, \"seconds\": %.9f, \"agent_weeks_per_s\": %.0f, "
      "\"final_mean_senior_digital\": %s, \"final_mean_satisfaction\": %s, \"edges\": %zu, \"dyads_initial\": %zu, "
      "\"dyads_remaining\": %zu, \"threads\": %d, \"cpu_seconds\": %.9f, \"final_mean_skill_by_stage\": %s, "
      "\"final_stage_counts\": [%llu,%llu,%llu]}\n",
      static_cast<unsigned long long>(arguments.n), static_cast<unsigned long long>(arguments.weeks), seconds,
      seconds > 0.0 ? agent_weeks / seconds : 0.0,
      number(record.mean_skill[static_cast<std::size_t>(plain_rules::Stage::senior)][plain_rules::digital]).c_str(),
      number(record.mean_satisfaction).c_str(), world.network().tie_count(), dyads_initial, world.dyads_remaining(),
      parallel::threads(), cpu_seconds, table.c_str(), static_cast<unsigned long long>(counts[0]),
      static_cast<unsigned long long>(counts[1]), static_cast<unsigned long long>(counts[2]));
  return std::fflush(stdout) == 0 ? 0 : 3;
}

}  // namespace

int main(int argc, char** argv) {
  for (int k = 1; k < argc; ++k) {
    if (std::string_view(argv[k]) == "--help" || std::string_view(argv[k]) == "-h") {
      std::printf("%s\n", kUsage);
      return 0;
    }
  }
  Arguments arguments;
  try {
    arguments = parse(argc, argv);
  } catch (const UsageError& error) {
    std::fprintf(stderr, "mentorsim_plain_rules: %s (%s)\n", error.what(), kUsage);
    return 2;
  }
  // Huge pages, as in the mentorsim program (may re-execute once).
  configure_process_memory(argv);
  try {
    return run(arguments);
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "mentorsim_plain_rules: not enough memory for --n %llu (about 400 bytes per agent)\n",
                 static_cast<unsigned long long>(arguments.n));
    return 4;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "mentorsim_plain_rules: internal error: %s\n", error.what());
    return 4;
  }
}
