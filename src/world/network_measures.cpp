#include "mentorsim/world/network_measures.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "mentorsim/core/parallel.hpp"

namespace mentorsim {
namespace {

double total_weight(std::span<const float> w) {
  double sum = 0.0;
  for (float x : w) sum += x;
  return sum;
}

double max_weight(std::span<const float> w) {
  double best = 0.0;
  for (float x : w) best = std::max(best, static_cast<double>(x));
  return best;
}

}  // namespace

double local_clustering(const CollegialNetwork& network, AgentId v) {
  const auto mine = network.neighbors(v);
  const std::size_t d = mine.size();
  if (d < 2) return 0.0;
  // Twice the triangles at v: the neighbours of each neighbour that are neighbours of v, found with a
  // per-thread marker array (cleared again before returning) rather than by merging sorted rows.
  thread_local std::vector<std::uint8_t> mark;
  if (mark.size() < network.vertex_count()) mark.resize(network.vertex_count(), 0);
  for (AgentId u : mine) mark[u] = 1;
  std::size_t twice_triangles = 0;
  for (AgentId u : mine) {
    for (AgentId w : network.neighbors(u)) twice_triangles += mark[w];
  }
  for (AgentId u : mine) mark[u] = 0;
  return static_cast<double>(twice_triangles) / static_cast<double>(d * (d - 1));
}

double average_clustering(const CollegialNetwork& network, const std::vector<AgentId>& vertices) {
  const std::size_t n = vertices.empty() ? network.vertex_count() : vertices.size();
  if (n == 0) return 0.0;
  const double sum = parallel::deterministic_reduce(
      n, 0.0,
      [&](std::size_t begin, std::size_t end) {
        double partial = 0.0;
        for (std::size_t k = begin; k < end; ++k) {
          partial += local_clustering(network, vertices.empty() ? static_cast<AgentId>(k) : vertices[k]);
        }
        return partial;
      },
      [](double a, double b) { return a + b; }, 256);
  return sum / static_cast<double>(n);
}

double constraint(const CollegialNetwork& network, AgentId v) {
  const auto mine = network.neighbors(v);
  const auto my_weights = network.weights(v);
  if (mine.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double my_total = total_weight(my_weights);
  double result = 0.0;
  for (std::size_t j = 0; j < mine.size(); ++j) {
    const double direct = my_weights[j] / my_total;
    // Indirect: sum over q in N(v) ∩ N(j) of p_vq * p_qj.
    double indirect = 0.0;
    for (std::size_t q = 0; q < mine.size(); ++q) {
      if (q == j) continue;
      const float w_qj = network.weight(mine[q], mine[j]);
      if (w_qj <= 0.0f) continue;
      const double p_vq = my_weights[q] / my_total;
      const double p_qj = w_qj / total_weight(network.weights(mine[q]));
      indirect += p_vq * p_qj;
    }
    result += (direct + indirect) * (direct + indirect);
  }
  return result;
}

double effective_size(const CollegialNetwork& network, AgentId v) {
  const auto mine = network.neighbors(v);
  const auto my_weights = network.weights(v);
  if (mine.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double my_total = total_weight(my_weights);
  double result = 0.0;
  for (std::size_t j = 0; j < mine.size(); ++j) {
    // Redundancy of contact j: sum over q in N(v) of p_vq * m_jq, m_jq = w_jq / max_k w_jk.
    const double j_max = max_weight(network.weights(mine[j]));
    double redundancy = 0.0;
    for (std::size_t q = 0; q < mine.size(); ++q) {
      if (q == j) continue;
      const float w_jq = network.weight(mine[j], mine[q]);
      if (w_jq <= 0.0f) continue;
      redundancy += (my_weights[q] / my_total) * (w_jq / j_max);
    }
    result += 1.0 - redundancy;
  }
  return result;
}

AgentNetworkMeasures measure_agents(const CollegialNetwork& network, const Population& population,
                                    MeasureSelection selection) {
  const std::size_t n = network.vertex_count();
  AgentNetworkMeasures out;
  out.degree.resize(n);
  out.strength.resize(n);
  if (selection.clustering) out.clustering.resize(n);
  if (selection.effective_size) out.effective_size.resize(n);
  if (selection.constraint) out.constraint.resize(n);
  out.cross_institution_ties.resize(n);
  parallel::for_each(
      n,
      [&](std::size_t i) {
        const auto v = static_cast<AgentId>(i);
        const auto row = network.neighbors(v);
        out.degree[v] = static_cast<std::uint32_t>(row.size());
        out.strength[v] = static_cast<float>(total_weight(network.weights(v)));
        if (selection.clustering) out.clustering[v] = static_cast<float>(local_clustering(network, v));
        if (selection.effective_size) out.effective_size[v] = static_cast<float>(effective_size(network, v));
        if (selection.constraint) out.constraint[v] = static_cast<float>(constraint(network, v));
        std::uint32_t cross = 0;
        for (AgentId u : row) cross += population.institution[u] != population.institution[v] ? 1 : 0;
        out.cross_institution_ties[v] = cross;
      },
      256);
  return out;
}

}  // namespace mentorsim
