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

}  // namespace mentorsim
