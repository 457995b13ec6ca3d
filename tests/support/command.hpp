#pragma once
// Runs the mentorsim binary (or any shell command) and captures exit code, stdout and stderr.

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "support/paths.hpp"
#include "support/temp_dir.hpp"

namespace mentorsim::test {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// `arguments` is appended to the binary path as shell text (quote what needs quoting); `environment`
// (shell text for env(1), e.g. "-u NAME NAME2=value") changes the binary's environment.
inline CommandResult run_mentorsim(const std::string& arguments, const std::string& working_dir = "",
                                   const std::string& environment = "") {
  TempDir capture;
  const auto out = capture / "out.txt";
  const auto err = capture / "err.txt";
  std::string command;
  if (!working_dir.empty()) command += "cd '" + working_dir + "' && ";
  if (!environment.empty()) command += "env " + environment + " ";
  command += "'" + mentorsim_binary() + "' " + arguments + " >'" + out.string() + "' 2>'" + err.string() + "'";
  const int status = std::system(command.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = slurp(out);
  result.err = slurp(err);
  return result;
}

inline void write_file(const std::filesystem::path& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace mentorsim::test
