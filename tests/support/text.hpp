#pragma once
// Small text helpers shared by the test files. (The test files are compiled in batches, a unity
// build: a helper defined in two files' anonymous namespaces would collide, so shared ones live here.)

#include <algorithm>
#include <cstddef>
#include <string>

namespace mentorsim::test {

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

inline std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace mentorsim::test
