#include "mentorsim/world/network_measures.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/core/prefetch.hpp"

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

void burt_measures(const CollegialNetwork& network, AgentId v, double* effective, double* constraint) {
  const auto mine = network.neighbors(v);
  const auto my_weights = network.weights(v);
  const std::size_t d = mine.size();
  if (d == 0) {
    if (effective != nullptr) *effective = std::numeric_limits<double>::quiet_NaN();
    if (constraint != nullptr) *constraint = std::numeric_limits<double>::quiet_NaN();
    return;
  }
  const double my_total = total_weight(my_weights);
  // The indirect term of each contact j, sum over q in N(v) of p_vq p_qj: contact q's row contributes
  // to it, so the terms of one j arrive in the order of q, as the sum over q writes them.
  thread_local std::vector<double> indirect;
  if (constraint != nullptr) indirect.assign(d, 0.0);
  double effective_sum = 0.0;
  // Contact x = mine[i]: its row merged with v's (both sorted) gives, in increasing order, the other
  // contacts y = mine[k] that x is tied to and the strength w_xy on x's row, once each, where a look-up
  // per pair would search x's row d times.
  for (std::size_t i = 0; i < d; ++i) {
    const AgentId x = mine[i];
    const auto row = network.neighbors(x);
    const auto w = network.weights(x);
    const double p_vx = my_weights[i] / my_total;
    const double x_total = constraint != nullptr ? total_weight(w) : 0.0;
    const double x_max = effective != nullptr ? max_weight(w) : 0.0;
    // Redundancy of contact x: sum over q in N(v) of p_vq m_xq, m_xq = w_xq / max_k w_xk.
    double redundancy = 0.0;
    std::size_t k = 0;
    for (std::size_t r = 0; r < row.size() && k < d; ++r) {
      while (k < d && mine[k] < row[r]) ++k;
      if (k == d || mine[k] != row[r]) continue;
      const float w_xy = w[r];  // k != i: v's row does not hold v, x's row does not hold x
      if (w_xy <= 0.0f) continue;
      if (effective != nullptr) redundancy += (my_weights[k] / my_total) * (w_xy / x_max);
      if (constraint != nullptr) indirect[k] += p_vx * (w_xy / x_total);  // p_vq p_qj with q = x, j = y
    }
    effective_sum += 1.0 - redundancy;
  }
  if (effective != nullptr) *effective = effective_sum;
  if (constraint != nullptr) {
    double result = 0.0;
    for (std::size_t j = 0; j < d; ++j) {
      const double direct = my_weights[j] / my_total;
      result += (direct + indirect[j]) * (direct + indirect[j]);
    }
    *constraint = result;
  }
}

double constraint(const CollegialNetwork& network, AgentId v) {
  double result = 0.0;
  burt_measures(network, v, nullptr, &result);
  return result;
}

double effective_size(const CollegialNetwork& network, AgentId v) {
  double result = 0.0;
  burt_measures(network, v, &result, nullptr);
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
  const bool burt = selection.effective_size || selection.constraint;
  // Burt's measures read each contact's row and strengths, rows at random places: the row starts of
  // the contacts of the agent 2 * kAhead places on are fetched, then the rows of those kAhead on.
  constexpr std::size_t kAhead = 4;
  parallel::for_each(
      n,
      [&](std::size_t i) {
        const auto v = static_cast<AgentId>(i);
        if (burt && i + 2 * kAhead < n) {
          for (AgentId x : network.neighbors(static_cast<AgentId>(i + 2 * kAhead))) network.prefetch_row_start(x);
        }
        if (burt && i + kAhead < n) {
          for (AgentId x : network.neighbors(static_cast<AgentId>(i + kAhead))) {
            network.prefetch_row(x);
            const auto w = network.weights(x);
            if (w.empty()) continue;
            prefetch(w.data());
            prefetch(w.data() + w.size() - 1);
          }
        }
        const auto row = network.neighbors(v);
        out.degree[v] = static_cast<std::uint32_t>(row.size());
        out.strength[v] = static_cast<float>(total_weight(network.weights(v)));
        if (selection.clustering) out.clustering[v] = static_cast<float>(clustering_from(network, triangles, v));
        if (burt) {
          double effective = 0.0;
          double constraint = 0.0;
          burt_measures(network, v, selection.effective_size ? &effective : nullptr,
                        selection.constraint ? &constraint : nullptr);
          if (selection.effective_size) out.effective_size[v] = static_cast<float>(effective);
          if (selection.constraint) out.constraint[v] = static_cast<float>(constraint);
        }
        std::uint32_t cross = 0;
        for (AgentId u : row) cross += population.institution[u] != population.institution[v] ? 1 : 0;
        out.cross_institution_ties[v] = cross;
      },
      256);
  return out;
}

}  // namespace mentorsim
