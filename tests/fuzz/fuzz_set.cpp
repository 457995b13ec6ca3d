// libFuzzer target: the --set parser. Each input line is one --set argument (so several overrides can
// interact), applied to a scenario with arrays of tables to index into.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_common.hpp"
#include "mentorsim/scenario/scenario.hpp"

namespace {

constexpr const char* kBase =
    "[run]\nweeks = 20\n[population]\nsize = 500\n"
    "[[arms]]\nname = \"control\"\nshare = 0.5\nkind = \"none\"\n"
    "[[arms]]\nname = \"reverse\"\nshare = 0.5\nkind = \"reverse\"\n"
    "[output]\nsnapshot_weeks = [4, 12]\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  // One argument per line; a line break inside a --set value must be refused, so the last argument
  // keeps the rest of the input as it is, line breaks included.
  std::vector<std::string> overrides;
  std::size_t begin = 0;
  for (int k = 0; k < 3; ++k) {
    const auto end = text.find('\n', begin);
    if (end == std::string::npos || k == 2) {
      overrides.push_back(text.substr(begin));
      break;
    }
    overrides.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  mentorsim::fuzz::expect_input_errors_only([&] { (void)mentorsim::Scenario::parse(kBase, "fuzz.toml", overrides); });
  return 0;
}
