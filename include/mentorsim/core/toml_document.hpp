#pragma once
// Parsing a TOML document with its syntax error reported the project's way: one Diagnostic naming
// the file, line and column. Shared by the readers of scenarios, experiments, calibrations and
// pattern tables. Only .cpp files that link toml++ include it (other headers keep toml++ out).

#include <toml++/toml.h>

#include <string>
#include <string_view>
#include <vector>

#include "mentorsim/core/errors.hpp"

namespace mentorsim {

// The parsed document, or Error (ScenarioError or InputError) carrying "TOML syntax error: ...".
template <class Error>
toml::table parse_toml_document(std::string_view text, const std::string& file) {
  try {
    return toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw Error(std::vector<Diagnostic>{
        Diagnostic{SourceLocation{file, static_cast<int>(where.line), static_cast<int>(where.column)}, "",
                   "TOML syntax error: " + std::string(e.description())}});
  }
}

}  // namespace mentorsim
