// libFuzzer target: the scenario reader. Any text must give a Scenario or a ScenarioError/InputError
// listing problems; anything else (a crash, another exception, a sanitizer report) is a bug.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz_common.hpp"
#include "mentorsim/scenario/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  mentorsim::fuzz::expect_input_errors_only([&] { (void)mentorsim::Scenario::parse(text, "fuzz.toml"); });
  return 0;
}
