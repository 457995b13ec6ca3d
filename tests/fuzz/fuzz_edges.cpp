// libFuzzer target: the edge-list CSV reader, against a fixed small roster. The first byte chooses how
// weights are read (network.edge_weight); the rest is the file.

#include <cstddef>
#include <cstdint>

#include "fuzz_common.hpp"
#include "mentorsim/world/roster.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const mentorsim::fuzz::ScratchFile file("edges.csv");
  static const mentorsim::Population population = [] {
    const mentorsim::fuzz::ScratchFile roster("staff.csv");
    const std::string text =
        "id,institution,unit,profession,stage,minority\n"
        "1,H,ICU,nursing,senior,0\n2,H,ICU,nursing,early_career,0\n3,U,Lab,research,mid_career,1\n"
        "18446744073709551615,U,Lab,research,student,0\n";
    roster.write(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
    return mentorsim::load_roster(roster.path(), mentorsim::fuzz::roster_scenario().population(),
                                  mentorsim::RandomSource(1, 0));
  }();
  const auto scaling = static_cast<mentorsim::EdgeWeightScaling>(data[0] % 3);
  file.write(data + 1, size - 1);
  mentorsim::fuzz::expect_input_errors_only(
      [&] { (void)mentorsim::load_edge_list(file.path(), population, 0.5, scaling); });
  return 0;
}
