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

namespace detail {
inline CommandResult run_captured(const std::string& command_without_redirections) {
  TempDir capture;
  const auto out = capture / "out.txt";
  const auto err = capture / "err.txt";
  const std::string command = command_without_redirections + " >'" + out.string() + "' 2>'" + err.string() + "'";
  const int status = std::system(command.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = slurp(out);
  result.err = slurp(err);
  return result;
}
}  // namespace detail

// `arguments` is appended to the binary path as shell text (quote what needs quoting); `environment`
// (shell text for env(1), e.g. "-u NAME NAME2=value") changes the binary's environment.
inline CommandResult run_mentorsim(const std::string& arguments, const std::string& working_dir = "",
                                   const std::string& environment = "") {
  std::string command;
  if (!working_dir.empty()) command += "cd '" + working_dir + "' && ";
  if (!environment.empty()) command += "env " + environment + " ";
  return detail::run_captured(command + "'" + mentorsim_binary() + "' " + arguments);
}

// The binary under `mpirun --oversubscribe -n ranks`, as root if need be. Under AddressSanitizer (the
// dev preset) leak reports of Open MPI's own allocations are suppressed, which needs full stacks and
// its plugins kept loaded (docs/distributed.md).
inline CommandResult run_mentorsim_mpi(int ranks, const std::string& arguments) {
  return detail::run_captured(
      "env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mca_base_component_disable_dlclose=1 "
      "ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0 LSAN_OPTIONS=suppressions='" +
      (source_dir() / "tests/experiment/openmpi.supp").string() + "' mpirun --oversubscribe -n " +
      std::to_string(ranks) + " '" + mentorsim_binary() + "' " + arguments);
}

inline void write_file(const std::filesystem::path& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace mentorsim::test
