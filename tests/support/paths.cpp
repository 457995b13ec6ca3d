#include "support/paths.hpp"

namespace mentorsim::test {

const std::filesystem::path& source_dir() {
  static const std::filesystem::path path = MENTORSIM_SOURCE_DIR;
  return path;
}

const std::filesystem::path& test_data_dir() {
  static const std::filesystem::path path = std::filesystem::path(MENTORSIM_SOURCE_DIR) / "tests" / "data";
  return path;
}

const std::filesystem::path& fuzz_corpus_dir() {
  static const std::filesystem::path path = std::filesystem::path(MENTORSIM_SOURCE_DIR) / "tests" / "fuzz" / "corpus";
  return path;
}

const std::string& mentorsim_binary() {
  static const std::string path = MENTORSIM_BINARY;
  return path;
}

}  // namespace mentorsim::test
