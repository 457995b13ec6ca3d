#pragma once
// The initial world of one replicate: the staff (synthesized or from a roster) and their collegial
// network (generated, or from an edge list).

#include "mentorsim/core/rng.hpp"
#include "mentorsim/scenario/scenario.hpp"
#include "mentorsim/world/network.hpp"
#include "mentorsim/world/network_generator.hpp"
#include "mentorsim/world/population.hpp"

namespace mentorsim {

struct World {
  Population population;
  CollegialNetwork network;
  NetworkGenerationReport network_report;
};

World build_world(const Scenario& scenario, const RandomSource& random);

// The agent rows a run of `scenario` from `population` is expected to need: the staff plus the
// replacement hires of run.weeks weeks (every leaver is replaced), expected from each agent's stage's
// weekly leaving probability (1 - (1 - annual_rate)^(1/52)), with a margin of 5 % and four standard
// deviations; the staff alone when turnover is switched off. Per-agent arrays reserve it
// (reserve_rows), so that hires extend them in place.
std::size_t planned_agent_rows(const Scenario& scenario, const Population& population);
// The same for the staff the scenario's institutions describe, by their sizes and stage mixes (the
// stages are not drawn yet): world building reserves it before drawing the staff, so that
// planned_agent_rows usually finds the population's room already there (if not, the columns are
// copied once into the room it plans).
std::size_t expected_agent_rows(const Scenario& scenario);

}  // namespace mentorsim
