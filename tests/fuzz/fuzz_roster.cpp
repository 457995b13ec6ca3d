// libFuzzer target: the roster CSV reader, through the file it reads (the input is written to a
// private temporary file first).

#include <cstddef>
#include <cstdint>

#include "fuzz_common.hpp"
#include "mentorsim/world/roster.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const mentorsim::fuzz::ScratchFile file("roster.csv");
  file.write(data, size);
  static const mentorsim::Scenario scenario = mentorsim::fuzz::roster_scenario();
  mentorsim::fuzz::expect_input_errors_only(
      [&] { (void)mentorsim::load_roster(file.path(), scenario.population(), mentorsim::RandomSource(1, 0)); });
  return 0;
}
