// Every input of the fuzz corpus (tests/fuzz/corpus/<target>), replayed through its fuzz target's entry
// point in the ordinary suite: each case of issue 12, and any crash fuzzing finds once it is added to
// the corpus, stays a regression test. An entry point aborts on anything but a result or the reader's
// own list of problems.

#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>
#include "support/paths.hpp"

extern "C" int fuzz_scenario_one_input(const std::uint8_t* data, std::size_t size);
extern "C" int fuzz_set_one_input(const std::uint8_t* data, std::size_t size);
extern "C" int fuzz_roster_one_input(const std::uint8_t* data, std::size_t size);
extern "C" int fuzz_edges_one_input(const std::uint8_t* data, std::size_t size);

namespace {

std::size_t replay(const std::string& target, int (*one_input)(const std::uint8_t*, std::size_t)) {
  const std::filesystem::path dir = mentorsim::test::fuzz_corpus_dir() / target;
  std::size_t count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    INFO(entry.path().string());
    CHECK(one_input(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()) == 0);
    ++count;
  }
  return count;
}

}  // namespace

TEST_CASE("every fuzz corpus input gives a result or a list of problems", "[fuzz]") {
  CHECK(replay("scenario", fuzz_scenario_one_input) >= 20);
  CHECK(replay("set", fuzz_set_one_input) >= 15);
  CHECK(replay("roster", fuzz_roster_one_input) >= 10);
  CHECK(replay("edges", fuzz_edges_one_input) >= 8);
}
