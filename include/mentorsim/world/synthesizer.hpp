#pragma once
// The population synthesizer: the staff of each institution in exact counts per profession x career
// stage (largest-remainder rounding of the scenario's shares), spread over the institution's units,
// with minority status and joint appointments in exact counts per institution, line managers, and
// skills and traits drawn from the stage priors. Agent ids are ordered by (institution, unit,
// profession, stage) so that colleagues sit close in memory.

#include "mentorsim/core/rng.hpp"
#include "mentorsim/scenario/scenario.hpp"
#include "mentorsim/world/population.hpp"

namespace mentorsim {

// Initialisation draws of Purpose::population_layout use the stream's step number as a sub-purpose.
// Shared with the roster loader so that the two never reuse a stream for different draws.
namespace layout_step {
inline constexpr Step unit_key = 0;
inline constexpr Step minority = 1;
inline constexpr Step joint = 2;
inline constexpr Step manager = 3;
inline constexpr Step unit_culture = 4;
}  // namespace layout_step

// `reserve_rows`: room for that many agents in every column (at least the staff), so that the hires
// of a run extend the columns in place (expected_agent_rows).
Population synthesize_population(const PopulationSpec& spec, const RandomSource& random, std::size_t reserve_rows = 0);

// Skills, traits and years of experience for agent `a` from its stage's priors, drawn from `stream`
// (used at creation and for replacement hires).
void draw_agent_state(Population& population, AgentId a, const PopulationSpec& spec, Stream& stream);

// Line managers: each non-senior gets a senior of its unit, of its own profession when the unit has
// one; seniors and staff of units without seniors get none.
void assign_managers(Population& population, const RandomSource& random);

// Psychological safety of every unit: Beta with its institution's psych_safety as mean, concentration 20.
void draw_unit_culture(Population& population, const PopulationSpec& spec, const RandomSource& random);

// Institutions and units from the scenario (unit counts from the spec, or none for a roster).
void describe_institutions(Population& population, const PopulationSpec& spec);

}  // namespace mentorsim
