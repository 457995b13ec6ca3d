#include "mentorsim/core/errors.hpp"

namespace mentorsim {
namespace {

std::string join_lines(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) {
    if (!out.empty()) out += '\n';
    out += d.to_string();
  }
  return out;
}

}  // namespace

std::string SourceLocation::to_string() const {
  std::string out = file.empty() ? std::string("<input>") : file;
  if (line > 0) {
    out += ':' + std::to_string(line);
    if (column > 0) out += ':' + std::to_string(column);
  }
  return out;
}

std::string Diagnostic::to_string() const {
  std::string out = where.to_string() + ": ";
  if (!key.empty()) out += key + ": ";
  return out + message;
}

ScenarioError::ScenarioError(std::vector<Diagnostic> diagnostics)
    : Error(join_lines(diagnostics)),
      diagnostics_(std::move(diagnostics)) {}

InputError::InputError(std::vector<Diagnostic> diagnostics)
    : Error(join_lines(diagnostics)),
      diagnostics_(std::move(diagnostics)) {}

InputError::InputError(Diagnostic diagnostic) : InputError(std::vector<Diagnostic>{std::move(diagnostic)}) {}

InvariantError::InvariantError(std::int32_t step, const std::string& stage, const std::string& entity,
                               const std::string& detail)
    : Error("invariant violated at step " + std::to_string(step) + ", stage " + stage + ", " + entity + ": " + detail) {
}

}  // namespace mentorsim
