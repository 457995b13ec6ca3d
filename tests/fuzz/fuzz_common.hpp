#pragma once
// Shared by the fuzz targets: what counts as a bug, and a private scratch file for the CSV readers.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "mentorsim/core/errors.hpp"
#include "mentorsim/scenario/scenario.hpp"

namespace mentorsim::fuzz {

// Runs `parse`; the errors a reader may report about its input are fine, anything else aborts (which
// libFuzzer records as a crash, with the input that caused it).
template <class Fn>
void expect_input_errors_only(Fn&& parse) {
  try {
    parse();
  } catch (const ScenarioError& e) {
    if (e.diagnostics().empty()) std::abort();  // an error must say what is wrong
  } catch (const InputError& e) {
    if (e.diagnostics().empty()) std::abort();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "unexpected exception: %s\n", e.what());
    std::abort();
  }
}

// A file in a private directory of this process, rewritten for each input.
class ScratchFile {
 public:
  explicit ScratchFile(const std::string& name) {
    const auto dir = std::filesystem::temp_directory_path() / ("mentorsim-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    path_ = dir / name;
  }
  ~ScratchFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
    std::filesystem::remove(path_.parent_path(), ec);  // only once empty
  }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  void write(const std::uint8_t* data, std::size_t size) const {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

// Two institutions, H and U, for the roster readers.
inline Scenario roster_scenario() {
  return Scenario::parse(
      "[[population.institutions]]\nname = \"H\"\nkind = \"hospital\"\nsize = 10\nunits = 2\n"
      "[[population.institutions]]\nname = \"U\"\nkind = \"university\"\nsize = 10\nunits = 2\n",
      "fuzz.toml");
}

}  // namespace mentorsim::fuzz
