#pragma once
// Helpers for tests that expect a scenario to be rejected.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "mentorsim/core/errors.hpp"
#include "mentorsim/scenario/scenario.hpp"

namespace mentorsim::test {

// The diagnostics of a rejected scenario text; empty if the scenario is accepted.
inline std::vector<Diagnostic> scenario_errors(const std::string& text,
                                               const std::vector<std::string>& overrides = {}) {
  try {
    (void)Scenario::parse(text, "test.toml", overrides);
  } catch (const ScenarioError& e) {
    return e.diagnostics();
  }
  return {};
}

// All diagnostics rendered one per line, for failure messages.
inline std::string render(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) out += d.to_string() + "\n";
  return out;
}

// The one diagnostic of a list that must hold exactly one (the list is shown when it does not).
inline Diagnostic only(const std::vector<Diagnostic>& errors) {
  INFO(render(errors));
  REQUIRE(errors.size() == 1);
  return errors.front();
}

}  // namespace mentorsim::test
