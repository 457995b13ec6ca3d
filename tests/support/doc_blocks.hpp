#pragma once
// Generated blocks of the documentation: the text between
//   <!-- BEGIN generated: NAME -->   and   <!-- END generated: NAME -->
// in a docs/ file is made from the code. check_block() returns "" when the block holds `expected`,
// or what differs; with MENTORSIM_UPDATE_DOCS=1 in the environment it rewrites the block instead
// (scripts/update-docs).

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace mentorsim::test {

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::string check_block(const std::filesystem::path& file, const std::string& name,
                               const std::string& expected) {
  std::string text = read_text(file);
  const std::string begin = "<!-- BEGIN generated: " + name + " -->\n";
  const std::string end = "<!-- END generated: " + name + " -->";
  const auto b = text.find(begin);
  const auto e = text.find(end);
  if (b == std::string::npos || e == std::string::npos || e < b) {
    return file.string() + ": no block `" + name + "` (markers " + begin + " ... " + end + ")";
  }
  const auto start = b + begin.size();
  const std::string current = text.substr(start, e - start);
  if (current == expected) return "";
  const char* update = std::getenv("MENTORSIM_UPDATE_DOCS");
  if (update != nullptr && std::string(update) == "1") {
    text.replace(start, e - start, expected);
    std::ofstream(file, std::ios::binary) << text;
    return "";
  }
  // The first line that differs, to say where.
  std::istringstream a(current);
  std::istringstream c(expected);
  std::string la;
  std::string lc;
  int line = 1;
  while (true) {
    const bool more_a = static_cast<bool>(std::getline(a, la));
    const bool more_c = static_cast<bool>(std::getline(c, lc));
    if (!more_a && !more_c) break;
    if (!more_a || !more_c || la != lc) {
      return file.string() + ", block `" + name + "`, line " + std::to_string(line) +
             " of the block:\n  doc:  " + (more_a ? la : "(missing)") + "\n  code: " + (more_c ? lc : "(missing)") +
             "\n(scripts/update-docs regenerates the block)";
    }
    ++line;
  }
  return file.string() + ", block `" + name + "` differs (scripts/update-docs regenerates it)";
}

}  // namespace mentorsim::test
