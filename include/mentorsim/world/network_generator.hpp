#pragma once
// The collegial network generator: a block model over (institution, unit, profession) plus triadic
// closure, O(E).
//
// Each active agent initiates ties. A block-model tie goes, with probability network.within_unit, to
// a colleague of the same unit, with probability network.cross_institution to someone in another
// institution, and otherwise to someone in another unit of the same institution; within each of these
// pools a colleague of the same profession has odds network.same_profession against one of another
// profession. These shares do not depend on the population's size, so a scaled-up population keeps
// its local structure. A joint appointee makes joint_secondary_share of its ties from its second unit. A closure tie
// goes to a random neighbour of a random neighbour. The share of closure ties is calibrated (secant iterations on the
// whole graph, same random numbers each round) until the average local clustering is within kClusteringTolerance of
// network.clustering; duplicate ties are merged and the mean degree is then topped up to network.mean_degree exactly
// (up to one tie). Tie strength is drawn per pair, so it does not depend on which endpoint made the tie.

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "mentorsim/core/rng.hpp"
#include "mentorsim/scenario/scenario.hpp"
#include "mentorsim/world/network.hpp"
#include "mentorsim/world/population.hpp"

namespace mentorsim {

inline constexpr double kClusteringTolerance = 0.02;     // absolute, on the average local clustering
inline constexpr std::size_t kClusteringSample = 20000;  // vertices measured while calibrating
// Above twice this many staff, the closure share is first calibrated on a random subset of whole units
// of about this many staff (the tie shares do not depend on size), then checked on the full network.
inline constexpr std::size_t kCalibrationAgents = 50000;

struct NetworkGenerationReport {
  double target_mean_degree = 0.0;
  double achieved_mean_degree = 0.0;
  double target_clustering = 0.0;
  double calibrated_clustering = 0.0;  // estimate on the calibration sample
  double closure_share = 0.0;          // share of initiated ties made by triadic closure
  int calibration_rounds = 0;
  bool clustering_reached = true;
  std::string note;  // why the target was not reached, if it was not
};

CollegialNetwork generate_network(const Population& population, const NetworkSpec& spec, const RandomSource& random,
                                  NetworkGenerationReport* report = nullptr);

// Ties for newcomers (replacement hires): each makes Poisson(mean_degree) ties to distinct colleagues
// (nobody else initiates ties to a newcomer), each by triadic closure through a contact already made
// with probability closure_share (the generator's calibrated share), else drawn from the block model;
// routine strength as for the initial network.
std::vector<Tie> newcomer_ties(const Population& population, const NetworkSpec& spec, const RandomSource& random,
                               Step step, std::span<const AgentId> newcomers, const CollegialNetwork& network,
                               double closure_share);

// The same, with the block model's membership tables built once and reused: the tables hold the
// staff active when they were built (a colleague who has left since is drawn and rejected; hires
// since are not drawn), so a simulation rebuilds them at each tie merge. Built for one Population
// object, which must outlive it.
class NewcomerTieSampler {
 public:
  NewcomerTieSampler(const Population& population, const NetworkSpec& spec);
  ~NewcomerTieSampler();
  NewcomerTieSampler(const NewcomerTieSampler&) = delete;
  NewcomerTieSampler& operator=(const NewcomerTieSampler&) = delete;
  [[nodiscard]] bool built_for(const Population& population) const noexcept { return &population == population_; }
  [[nodiscard]] std::vector<Tie> ties_for(const RandomSource& random, Step step, std::span<const AgentId> newcomers,
                                          const CollegialNetwork& network, double closure_share) const;

 private:
  class Tables;
  const Population* population_;
  const NetworkSpec* spec_;
  std::unique_ptr<Tables> tables_;
};

// Strength of a new tie between a and b (symmetric in a, b): Beta with mean `mean`, concentration 8.
float initial_tie_weight(const RandomSource& random, AgentId a, AgentId b, double mean);

}  // namespace mentorsim
