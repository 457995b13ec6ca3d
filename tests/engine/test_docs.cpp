// The tables of docs/ that are generated from the code's declarations match the code: the weekly
// schedule (docs/model.md 3.1) and the results layout (docs/hdf5-schema.md). Run with
// MENTORSIM_UPDATE_DOCS=1 (scripts/update-docs) to rewrite them.

#include <catch2/catch.hpp>

#include <filesystem>

#include "mentorsim/engine/fields.hpp"
#include "mentorsim/engine/schedule.hpp"
#include "support/doc_blocks.hpp"
#include "support/paths.hpp"

using namespace mentorsim;

namespace {
const std::filesystem::path kDocs = mentorsim::test::source_dir() / "docs";
}  // namespace

TEST_CASE("docs/model.md 3.1 shows the schedule's reads and writes as the code declares them", "[docs]") {
  const std::string difference = test::check_block(kDocs / "model.md", "schedule", schedule_markdown());
  INFO(difference);
  CHECK(difference.empty());
}

TEST_CASE("docs/hdf5-schema.md lists the fields, metrics, outcomes and codes as the code declares them", "[docs]") {
  const std::pair<const char*, std::string> blocks[] = {{"codes", codes_markdown()},
                                                        {"agents", agent_fields_markdown()},
                                                        {"timeseries", timeseries_markdown()},
                                                        {"dyads", dyad_fields_markdown()},
                                                        {"outcomes", outcomes_markdown()}};
  for (const auto& [name, text] : blocks) {
    const std::string difference = test::check_block(kDocs / "hdf5-schema.md", name, text);
    INFO(difference);
    CHECK(difference.empty());
  }
}
