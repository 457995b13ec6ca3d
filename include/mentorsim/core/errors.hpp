#pragma once
// One exception type per kind of error. cli/ catches them once and turns each into one line per
// problem and an exit code: 2 bad input, 3 I/O, 4 internal (an invariant the engine promises broke).

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace mentorsim {

enum class ExitCode : int { ok = 0, bad_input = 2, io = 3, internal = 4 };

// Where a problem is: file, 1-based line and column (0 when unknown).
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
  [[nodiscard]] std::string to_string() const;  // "file:line:column", dropping unknown parts
};

// One problem in one input: "file:line:col: key.path: message".
struct Diagnostic {
  SourceLocation where;
  std::string key;
  std::string message;
  [[nodiscard]] std::string to_string() const;
};

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  [[nodiscard]] virtual ExitCode exit_code() const noexcept = 0;
};

// A scenario that cannot be used; carries every problem found, not just the first.
class ScenarioError : public Error {
 public:
  explicit ScenarioError(std::vector<Diagnostic> diagnostics);
  [[nodiscard]] const std::vector<Diagnostic>& diagnostics() const noexcept { return diagnostics_; }
  [[nodiscard]] ExitCode exit_code() const noexcept override { return ExitCode::bad_input; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

// A data file given as input (roster, edge list) with bad content; every bad row is listed.
class InputError : public Error {
 public:
  explicit InputError(std::vector<Diagnostic> diagnostics);
  explicit InputError(Diagnostic diagnostic);
  [[nodiscard]] const std::vector<Diagnostic>& diagnostics() const noexcept { return diagnostics_; }
  [[nodiscard]] ExitCode exit_code() const noexcept override { return ExitCode::bad_input; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

// A file that cannot be read or written (missing, unreadable, disk full, not HDF5...).
class IoError : public Error {
 public:
  using Error::Error;
  [[nodiscard]] ExitCode exit_code() const noexcept override { return ExitCode::io; }
};

// A broken invariant found by --check or by an internal consistency test.
class InvariantError : public Error {
 public:
  InvariantError(std::int32_t step, const std::string& stage, const std::string& entity, const std::string& detail);
  [[nodiscard]] ExitCode exit_code() const noexcept override { return ExitCode::internal; }
};

}  // namespace mentorsim
