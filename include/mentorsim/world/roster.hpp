#pragma once
// Real staff instead of synthetic ones: a roster CSV and, optionally, an edge list CSV. The format is
// described for users in docs/roster.md.
//
// Roster columns (header row required, any order; unknown or repeated columns are errors):
//   id            unique non-negative integer; agents get AgentIds in row order, external_id = id
//   institution   a name from [[population.institutions]]
//   unit          any non-empty code; units are numbered per institution in order of first appearance,
//                 institutions in scenario order (an institution without staff gets no units)
//   profession    medicine | nursing | physiotherapy | speech_pathology | pharmacy | dentistry |
//                 education | research
//   stage         student | early_career | mid_career | senior
//   minority      0 | 1 | true | false
// optional (an empty cell means "none" or "draw it"):
//   joint_institution   another institution of the scenario, or empty
//   joint_unit          a unit code of the joint institution, or empty for one drawn at random
//   years               years of experience (>= 0); drawn from the stage band when absent
//   manager             roster id of the line manager, or empty; without the column, managers are
//                       assigned as the synthesizer assigns them
//   skill_<domain>      one column per domain (clinical, digital, research, teaching, leadership,
//                       culture_wellbeing) in [0, 1]; drawn from the stage priors when absent
// Traits are always drawn, from the synthesizer's streams. Edge list columns: src, dst (roster ids)
// and optional weight in (0, 1].
//
// Fields are comma-separated; RFC 4180 quotes allow commas ("Ward 5, East"); blanks around fields are
// ignored; LF or CR LF line endings; blank lines are skipped. Every bad cell is reported as
// "file:line:column: column 'name': problem", all rows at once (the first 50, then a count).

#include <filesystem>
#include <optional>
#include <vector>

#include "mentorsim/core/rng.hpp"
#include "mentorsim/scenario/scenario.hpp"
#include "mentorsim/world/network.hpp"
#include "mentorsim/world/population.hpp"

namespace mentorsim {

// Throws InputError listing every bad cell, or one problem (line 0) for a missing or unreadable file.
Population load_roster(const std::filesystem::path& csv, const PopulationSpec& spec, const RandomSource& random);

// Ties between roster ids, a < b, sorted; a tie listed twice (either direction) keeps its largest
// weight. Missing weights take `default_weight`; given ones are scaled as `scaling` says. Throws
// InputError naming line and column.
std::vector<Tie> load_edge_list(const std::filesystem::path& csv, const Population& population, double default_weight,
                                EdgeWeightScaling scaling = EdgeWeightScaling::as_is);

// A roster scenario's staff and, when it has an edge list, its ties.
struct RosterInputs {
  Population population;
  std::optional<std::vector<Tie>> ties;
};

// Reads the scenario's roster and edge list together: throws one InputError listing the problems of
// both files (each file's first 50 in file order), so that fixing the roster never reveals new
// problems in the edge list. The edge list is checked against the ids of the roster's readable rows.
RosterInputs load_roster_inputs(const Scenario& scenario, const RandomSource& random);

// Staff per institution, profession and career stage (for Scenario::check_eligibility).
StaffCounts count_staff(const Population& population, std::size_t institutions);

}  // namespace mentorsim
