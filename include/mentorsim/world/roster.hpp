#pragma once
// Real staff instead of synthetic ones: a roster CSV and, optionally, an edge list CSV.
//
// Roster columns (header row required, any order; extra columns are errors):
//   id            unique non-negative integer
//   institution   a name from [[population.institutions]]
//   unit          any non-empty code; units are numbered per institution in order of appearance
//   profession    medicine | nursing | physiotherapy | speech_pathology | pharmacy | dentistry |
//                 education | research
//   stage         student | early_career | mid_career | senior
//   minority      0 | 1 | true | false
// optional:
//   joint_institution   a name from the scenario, or empty
//   years               years of experience (>= 0); drawn from the stage band when absent
//   manager             id of the line manager (a roster id), or empty
//   skill_<domain>      one column per domain (clinical, digital, research, teaching, leadership,
//                       culture_wellbeing) in [0, 1]; drawn from the stage priors when absent
// Edge list columns: src, dst (roster ids) and optional weight in (0, 1].
//
// Every bad cell is reported as "file:row:column: column 'name': problem", all rows at once.

#include <filesystem>
#include <vector>

#include "mentorsim/core/rng.hpp"
#include "mentorsim/scenario/scenario.hpp"
#include "mentorsim/world/network.hpp"
#include "mentorsim/world/population.hpp"

namespace mentorsim {

// Throws InputError (every bad row) or InputError for a missing/unreadable file.
Population load_roster(const std::filesystem::path& csv, const PopulationSpec& spec, const RandomSource& random);

// Ties between roster ids; a tie listed twice keeps its largest weight. Missing weights take
// `default_weight`. Throws InputError naming row and column.
std::vector<Tie> load_edge_list(const std::filesystem::path& csv, const Population& population, double default_weight);

}  // namespace mentorsim
