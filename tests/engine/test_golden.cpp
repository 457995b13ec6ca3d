// The golden baseline: tests/data/golden/golden.toml (two arms, two replicates, 26 weeks, 400 staff)
// is run and its /outcomes (every dataset, subgroups included) and its per-group means at the last
// observation (every /timeseries metric of every non-empty group) are compared, as text with exact
// hexadecimal floats, with the files committed beside it. Any change of the model's results fails
// here; scripts/update-golden rewrites the files (MENTORSIM_UPDATE_GOLDEN=1), and the commit that
// changes them says why (docs/golden.md).

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "mentorsim/engine/fields.hpp"
#include "mentorsim/engine/outcomes.hpp"
#include "mentorsim/engine/runner.hpp"
#include "mentorsim/io/hdf5_file.hpp"
#include "mentorsim/io/schema.hpp"
#include "support/doc_blocks.hpp"
#include "support/paths.hpp"
#include "support/temp_dir.hpp"

using namespace mentorsim;

namespace {

const std::filesystem::path kGolden = mentorsim::test::test_data_dir() / "golden";

// The exact value (C99 hexadecimal float) and a readable one.
std::string number(double value) {
  char exact[64];
  char readable[64];
  std::snprintf(exact, sizeof exact, "%a", value);
  std::snprintf(readable, sizeof readable, "%.17g", value);
  return std::string(exact) + "," + readable;
}

std::string outcomes_csv(const io::InputFile& in) {
  std::ostringstream out;
  out << "dataset,replicate,arm,group,value_hex,value\n";
  const auto arms = in.read_strings(io::schema::codes_table("arm"));
  auto write = [&](const std::string& path, const std::string& name) {
    const auto dims = in.dims(path);
    const auto values = in.read<double>(path);
    const std::size_t groups = dims.size() == 3 ? dims[2] : 1;
    for (std::size_t r = 0; r < dims[0]; ++r) {
      for (std::size_t a = 0; a < dims[1]; ++a) {
        for (std::size_t g = 0; g < groups; ++g) {
          out << name << ',' << r << ',' << arms[a] << ',' << (dims.size() == 3 ? std::to_string(g) : "") << ','
              << number(values[(r * dims[1] + a) * groups + g]) << '\n';
        }
      }
    }
  };
  for (const OutcomeColumn& column : outcome_columns()) {
    write(std::string(io::schema::kOutcomes) + "/" + column.name, column.name);
  }
  for (Subgroup subgroup : {Subgroup::minority, Subgroup::isolation}) {
    for (const OutcomeInfo& info : outcome_table()) {
      if (!reported_by(info, subgroup)) continue;
      const std::string name = "by_" + std::string(subgroup_name(subgroup)) + "/" + std::string(info.name);
      write(std::string(io::schema::kOutcomes) + "/" + name, name);
    }
  }
  return out.str();
}

std::string group_means_csv(const io::InputFile& in) {
  std::ostringstream out;
  out << "metric,replicate,week,arm,profession,stage,minority,value_hex,value\n";
  const auto steps = in.read<std::int32_t>(io::schema::kTimeseriesStep);
  const auto arms = in.read_strings(io::schema::codes_table("arm"));
  const auto n = in.read<double>(std::string(io::schema::kTimeseries) + "/n");
  const auto dims = in.dims(std::string(io::schema::kTimeseries) + "/n");  // [R, O, G]
  // /groups: arm x institution x profession x stage x minority, one institution here.
  const std::size_t groups = dims[2];
  REQUIRE(groups == arms.size() * kProfessions * kStages * 2);
  const std::size_t last = dims[1] - 1;
  for (const std::string& metric : timeseries_names()) {
    const auto values = in.read<double>(std::string(io::schema::kTimeseries) + "/" + metric);
    for (std::size_t r = 0; r < dims[0]; ++r) {
      for (std::size_t g = 0; g < groups; ++g) {
        const std::size_t k = (r * dims[1] + last) * groups + g;
        if (!(n[k] > 0)) continue;  // empty groups are NaN by definition
        const std::size_t minority = g % 2;
        const std::size_t stage = g / 2 % kStages;
        const std::size_t profession = g / 2 / kStages % kProfessions;
        const std::size_t arm = g / 2 / kStages / kProfessions;
        out << metric << ',' << r << ',' << steps[last] << ',' << arms[arm] << ','
            << to_string(enum_at<Profession>(profession)) << ',' << to_string(enum_at<CareerStage>(stage)) << ','
            << minority << ',' << number(values[k]) << '\n';
      }
    }
  }
  return out.str();
}

// "" when `file` holds `text`; otherwise where they first differ. Rewrites the file instead when
// MENTORSIM_UPDATE_GOLDEN=1.
std::string compare_golden(const std::filesystem::path& file, const std::string& text) {
  const char* update = std::getenv("MENTORSIM_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(file, std::ios::binary) << text;
    return "";
  }
  if (!std::filesystem::exists(file)) return file.string() + " is missing (scripts/update-golden writes it)";
  const std::string golden = test::read_text(file);
  if (golden == text) return "";
  std::istringstream a(golden);
  std::istringstream b(text);
  std::string la;
  std::string lb;
  for (int line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(a, la));
    const bool more_b = static_cast<bool>(std::getline(b, lb));
    if (!more_a && !more_b) break;
    if (!more_a || !more_b || la != lb) {
      return file.filename().string() + " line " + std::to_string(line) +
             ":\n  golden: " + (more_a ? la : "(missing)") + "\n  now:    " + (more_b ? lb : "(missing)");
    }
  }
  return file.filename().string() + " differs";
}

}  // namespace

TEST_CASE("the golden run gives exactly the committed outcomes and group means", "[golden]") {
  test::TempDir dir;
  const Scenario scenario = Scenario::load(kGolden / "golden.toml");
  RunOptions options;
  options.output_path = dir / "golden.h5";
  options.threads = 2;
  run_scenario(scenario, options);
  const io::InputFile in(dir / "golden.h5");
  const std::string outcomes = compare_golden(kGolden / "outcomes.csv", outcomes_csv(in));
  INFO(outcomes);
  CHECK(outcomes.empty());
  const std::string means = compare_golden(kGolden / "group_means.csv", group_means_csv(in));
  INFO(means);
  CHECK(means.empty());
}
