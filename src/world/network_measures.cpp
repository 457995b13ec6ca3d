#include "mentorsim/world/network_measures.hpp"

#include <algorithm>
#include <atomic>
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

std::vector<std::uint32_t> triangle_counts(const CollegialNetwork& network) {
  const AgentId n = network.vertex_count();
  std::vector<std::uint32_t> triangles(n, 0);
  // Each triangle v < u < w once, at its lowest vertex v: u and w are neighbours of v above it, and w
  // is a neighbour of u above u. Rows are sorted, so the neighbours above a vertex are a row's tail.
  // Counts are integers, so the order of the increments does not matter.
  const auto above = [&](AgentId v) {
    const auto row = network.neighbors(v);
    return row.subspan(static_cast<std::size_t>(std::upper_bound(row.begin(), row.end(), v) - row.begin()));
  };
  parallel::for_blocks(n, 256, [&](std::size_t begin, std::size_t end) {
    thread_local std::vector<std::uint8_t> mark;
    if (mark.size() < n) mark.resize(n, 0);
    for (std::size_t i = begin; i < end; ++i) {
      const auto v = static_cast<AgentId>(i);
      const auto higher = above(v);
      if (higher.size() < 2) continue;
      for (AgentId u : higher) mark[u] = 1;
      std::uint32_t at_v = 0;
      for (AgentId u : higher) {
        for (AgentId w : above(u)) {
          if (mark[w] == 0) continue;
          ++at_v;
          std::atomic_ref<std::uint32_t>(triangles[u]).fetch_add(1, std::memory_order_relaxed);
          std::atomic_ref<std::uint32_t>(triangles[w]).fetch_add(1, std::memory_order_relaxed);
        }
      }
      for (AgentId u : higher) mark[u] = 0;
      if (at_v > 0) std::atomic_ref<std::uint32_t>(triangles[v]).fetch_add(at_v, std::memory_order_relaxed);
    }
  });
  return triangles;
}

namespace {

// local_clustering(v) from v's triangle count: the same division of the same integers.
double clustering_from(const CollegialNetwork& network, const std::vector<std::uint32_t>& triangles, AgentId v) {
  const std::size_t d = network.degree(v);
  if (d < 2) return 0.0;
  return static_cast<double>(2 * static_cast<std::size_t>(triangles[v])) / static_cast<double>(d * (d - 1));
}

}  // namespace

double average_clustering(const CollegialNetwork& network, const std::vector<AgentId>& vertices) {
  const std::size_t n = vertices.empty() ? network.vertex_count() : vertices.size();
  if (n == 0) return 0.0;
  // For most of the vertices, every triangle is counted once (triangle_counts); for a small sample,
  // each vertex's own. Both give each vertex's local_clustering exactly, summed in the same blocks.
  std::vector<std::uint32_t> triangles;
  if (4 * n >= network.vertex_count()) triangles = triangle_counts(network);
  const auto clustering = [&](AgentId v) {
    return triangles.empty() ? local_clustering(network, v) : clustering_from(network, triangles, v);
  };
  const double sum = parallel::deterministic_reduce(
      n, 0.0,
      [&](std::size_t begin, std::size_t end) {
        double partial = 0.0;
        for (std::size_t k = begin; k < end; ++k) {
          partial += clustering(vertices.empty() ? static_cast<AgentId>(k) : vertices[k]);
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
  std::vector<std::uint32_t> triangles;
  if (selection.clustering) triangles = triangle_counts(network);
  parallel::for_each(
      n,
      [&](std::size_t i) {
        const auto v = static_cast<AgentId>(i);
        const auto row = network.neighbors(v);
        out.degree[v] = static_cast<std::uint32_t>(row.size());
        out.strength[v] = static_cast<float>(total_weight(network.weights(v)));
        if (selection.clustering) out.clustering[v] = static_cast<float>(clustering_from(network, triangles, v));
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
