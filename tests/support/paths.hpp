#pragma once
// Where the tests find the source tree, their data, the fuzz corpus and the mentorsim binary. The
// paths are compiled into one file (paths.cpp) only, so that the other test files do not depend on
// where the clone lives and a build cache (ccache) can share them between clones.

#include <filesystem>
#include <string>

namespace mentorsim::test {

const std::filesystem::path& source_dir();       // the repository root
const std::filesystem::path& test_data_dir();    // tests/data
const std::filesystem::path& fuzz_corpus_dir();  // tests/fuzz/corpus
const std::string& mentorsim_binary();           // the mentorsim program of this build

}  // namespace mentorsim::test
