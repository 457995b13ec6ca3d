#pragma once
// Per-agent measures of the collegial network, each a function of the graph alone:
// degree, strength (sum of tie weights), local clustering (unweighted), Burt's effective size and
// constraint (weighted, networkx conventions), ties to other institutions, and betweenness
// (unnormalised, each unordered pair counted once, as networkx with normalized=False on an undirected
// graph): exact (Brandes) or estimated from a sample of source vertices.

#include <cstdint>
#include <vector>

#include "mentorsim/core/rng.hpp"
#include "mentorsim/world/network.hpp"
#include "mentorsim/world/population.hpp"

namespace mentorsim {

// Local clustering of v: closed triangles over possible pairs of neighbours; 0 below degree 2.
double local_clustering(const CollegialNetwork& network, AgentId v);
// The number of triangles at each vertex, each triangle found once (from its lowest vertex) rather
// than once from each of its vertices' neighbourhoods: local_clustering(v) is
// 2 * triangles[v] / (d (d - 1)). Parallel; integer counts, so the same for any thread count.
std::vector<std::uint32_t> triangle_counts(const CollegialNetwork& network);
// Average local clustering over the given vertices (all when empty), degree < 2 counted as 0.
double average_clustering(const CollegialNetwork& network, const std::vector<AgentId>& vertices = {});

// Burt's constraint of v, sum_j (p_vj + sum_q p_vq p_qj)^2 with p_xy = w_xy / sum_k w_xk;
// NaN for an isolated vertex (as networkx).
double constraint(const CollegialNetwork& network, AgentId v);
// Burt's effective size, sum_j (1 - sum_q p_vq m_jq) with m_jq = w_jq / max_k w_jk; NaN if isolated.
double effective_size(const CollegialNetwork& network, AgentId v);
// Both of Burt's measures of v at once (either pointer may be null: that one is skipped), from one walk
// over each contact's row: the same terms added in the same order as the two definitions above, so the
// same doubles.
void burt_measures(const CollegialNetwork& network, AgentId v, double* effective, double* constraint);

struct BetweennessResult {
  std::vector<double> value;  // per agent
  bool exact = true;
  std::uint32_t sources = 0;         // sources used (all vertices when exact)
  double mean_standard_error = 0.0;  // sampled: mean over agents of the estimator's standard error
};
// Exact Brandes betweenness (unweighted shortest paths).
BetweennessResult betweenness_exact(const CollegialNetwork& network);
// Brandes-Pich estimate from `sources` source vertices drawn without replacement; unbiased, with the
// per-agent standard error estimated from the spread of the per-source contributions.
BetweennessResult betweenness_sampled(const CollegialNetwork& network, std::uint32_t sources,
                                      const RandomSource& random);

struct AgentNetworkMeasures {
  std::vector<std::uint32_t> degree;
  std::vector<float> strength;
  std::vector<float> clustering;
  std::vector<float> effective_size;
  std::vector<float> constraint;
  std::vector<std::uint32_t> cross_institution_ties;
  std::vector<double> betweenness;  // empty when not computed
  BetweennessResult betweenness_info;
};

// Which of the costlier measures to compute (degree, strength and cross-institution ties always are);
// a measure left out has an empty vector.
struct MeasureSelection {
  bool clustering = true;
  bool effective_size = true;
  bool constraint = true;
};

// Everything but betweenness, in parallel; cross-institution ties compare home institutions.
AgentNetworkMeasures measure_agents(const CollegialNetwork& network, const Population& population,
                                    MeasureSelection selection = {});

}  // namespace mentorsim

namespace mentorsim {

// Whole-network description, for `mentorsim info network` and the output's /network attributes.
struct NetworkSummary {
  std::size_t agents = 0;  // active agents
  std::size_t ties = 0;
  double mean_degree = 0.0;
  double average_clustering = 0.0;  // exact, over active agents, degree < 2 counted as 0
  std::size_t components = 0;       // among active agents (isolates are components)
  double largest_component_share = 0.0;
  double within_unit_share = 0.0;        // of ties
  double same_profession_share = 0.0;    // of ties
  double cross_institution_share = 0.0;  // of ties
  // Conditional homophily among pairs in different units: coefficients of a logistic model of
  // P(tie) on [same profession] and [same institution] (log odds ratios, as in Mascia et al. 2015).
  double homophily_profession = 0.0;
  double homophily_institution = 0.0;
};

NetworkSummary summarize_network(const CollegialNetwork& network, const Population& population);

}  // namespace mentorsim
