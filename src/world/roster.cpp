#include "mentorsim/world/roster.hpp"

#include "mentorsim/core/errors.hpp"

namespace mentorsim {

Population load_roster(const std::filesystem::path& csv, const PopulationSpec&, const RandomSource&) {
  throw InputError(Diagnostic{{csv.string(), 0, 0}, "", "roster loading is not implemented yet"});
}

std::vector<Tie> load_edge_list(const std::filesystem::path& csv, const Population&, double) {
  throw InputError(Diagnostic{{csv.string(), 0, 0}, "", "edge list loading is not implemented yet"});
}

}  // namespace mentorsim
