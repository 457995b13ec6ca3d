// Compiled against the world layer only: its own headers and the scenario and core layers below it
// are visible (the control for upward_include.cpp).
#include "mentorsim/core/types.hpp"
#include "mentorsim/scenario/scenario.hpp"
#include "mentorsim/world/population.hpp"

int probe() { return static_cast<int>(mentorsim::Population{}.size()); }
