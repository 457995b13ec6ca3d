// Whole-network description: degree, clustering, components, tie composition and the conditional
// homophily of ties across units (a logistic model on the four pair classes, fitted by Newton's method).

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <numeric>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/world/network_measures.hpp"

namespace mentorsim {
namespace {

double pairs(double n) { return n * (n - 1.0) / 2.0; }

struct ComponentSizes {
  std::size_t count = 0;
  std::size_t largest = 0;
};

// Connected components of the network among active agents (agents who left, and their ties, are
// left out): how many, and the size of the largest. Union-find over the ties in parallel: a root
// is linked under a smaller root by compare-and-swap, so parents only ever point to smaller ids
// and there are no cycles; path halving keeps the trees flat. The forest may differ from run to
// run, but the partition into components does not, and so neither do the count and the sizes.
ComponentSizes active_components(const CollegialNetwork& network, const Population& population) {
  const std::size_t n = population.size();
  std::vector<AgentId> parent(n);
  parallel::for_each(
      n, [&](std::size_t v) { parent[v] = static_cast<AgentId>(v); }, 16384);
  const auto ref = [&](AgentId v) { return std::atomic_ref<AgentId>(parent[v]); };
  const auto find = [&](AgentId v) {
    while (true) {
      AgentId p = ref(v).load(std::memory_order_acquire);
      if (p == v) return v;
      const AgentId grandparent = ref(p).load(std::memory_order_acquire);
      if (grandparent != p) ref(v).compare_exchange_weak(p, grandparent, std::memory_order_acq_rel);
      v = grandparent;
    }
  };
  parallel::for_each(
      std::min<std::size_t>(n, network.vertex_count()),
      [&](std::size_t v) {
        const auto a = static_cast<AgentId>(v);
        if (!population.active(a)) return;
        for (AgentId b : network.neighbors(a)) {
          if (b <= a || !population.active(b)) continue;
          AgentId x = a;
          AgentId y = b;
          while (true) {
            x = find(x);
            y = find(y);
            if (x == y) break;
            if (x < y) std::swap(x, y);  // link the larger root x under the smaller y
            AgentId expected = x;
            if (ref(x).compare_exchange_strong(expected, y, std::memory_order_acq_rel)) break;
          }
        }
      },
      1024);
  // Sizes counted at each root (integer counts: the same whatever the order of increments).
  std::vector<std::uint32_t> size(n, 0);
  parallel::for_each(
      n,
      [&](std::size_t v) {
        const auto a = static_cast<AgentId>(v);
        if (population.active(a)) std::atomic_ref<std::uint32_t>(size[find(a)]).fetch_add(1, std::memory_order_relaxed);
      },
      16384);
  return parallel::deterministic_reduce(
      n, ComponentSizes{},
      [&](std::size_t begin, std::size_t end) {
        ComponentSizes part;
        for (std::size_t v = begin; v < end; ++v) {
          if (size[v] == 0) continue;
          ++part.count;
          part.largest = std::max<std::size_t>(part.largest, size[v]);
        }
        return part;
      },
      [](ComponentSizes acc, const ComponentSizes& part) {
        acc.count += part.count;
        acc.largest = std::max(acc.largest, part.largest);
        return acc;
      },
      16384);
}

// Binomial log-likelihood of the tie counts under coefficients beta (overflow-safe log(1 + e^eta)).
double log_likelihood(const std::array<double, 3>& beta, const std::array<std::array<double, 2>, 2>& pair_count,
                      const std::array<std::array<double, 2>, 2>& tie_count) {
  double sum = 0.0;
  for (int sp = 0; sp < 2; ++sp) {
    for (int si = 0; si < 2; ++si) {
      if (pair_count[sp][si] <= 0.0) continue;
      const double eta = beta[0] + beta[1] * sp + beta[2] * si;
      sum +=
          tie_count[sp][si] * eta - pair_count[sp][si] * (std::max(eta, 0.0) + std::log1p(std::exp(-std::fabs(eta))));
    }
  }
  return sum;
}

// Logistic regression of ties/pairs on an intercept and two indicators, from the 2 x 2 table of
// (same profession, same institution) classes. Returns {intercept, profession, institution}.
// Newton's method from the overall tie rate, with step halving so the likelihood never decreases:
// plain Newton from a fixed start overshoots when tie rates are far from it (small, dense networks).
std::array<double, 3> fit_logistic(const std::array<std::array<double, 2>, 2>& pair_count,
                                   const std::array<std::array<double, 2>, 2>& tie_count) {
  double all_pairs = 0.0;
  double all_ties = 0.0;
  for (int sp = 0; sp < 2; ++sp) {
    for (int si = 0; si < 2; ++si) {
      all_pairs += pair_count[sp][si];
      all_ties += tie_count[sp][si];
    }
  }
  std::array<double, 3> beta{std::log((all_ties + 0.5) / (std::max(all_pairs - all_ties, 0.0) + 0.5)), 0.0, 0.0};
  double likelihood = log_likelihood(beta, pair_count, tie_count);
  for (int iteration = 0; iteration < 100; ++iteration) {
    std::array<double, 3> gradient{};
    std::array<std::array<double, 3>, 3> hessian{};
    for (int sp = 0; sp < 2; ++sp) {
      for (int si = 0; si < 2; ++si) {
        const double n = pair_count[sp][si];
        if (n <= 0.0) continue;
        const std::array<double, 3> x{1.0, static_cast<double>(sp), static_cast<double>(si)};
        const double eta = beta[0] + beta[1] * x[1] + beta[2] * x[2];
        const double p = 1.0 / (1.0 + std::exp(-eta));
        for (int i = 0; i < 3; ++i) {
          gradient[i] += x[i] * (tie_count[sp][si] - n * p);
          for (int j = 0; j < 3; ++j) hessian[i][j] += n * p * (1.0 - p) * x[i] * x[j];
        }
      }
    }
    // Solve hessian * step = gradient (3 x 3, Gaussian elimination with partial pivoting).
    std::array<std::array<double, 4>, 3> m{};
    for (int i = 0; i < 3; ++i) {
      for (int j = 0; j < 3; ++j) m[i][j] = hessian[i][j];
      m[i][3] = gradient[i];
    }
    for (int c = 0; c < 3; ++c) {
      int pivot = c;
      for (int r = c + 1; r < 3; ++r) {
        if (std::fabs(m[r][c]) > std::fabs(m[pivot][c])) pivot = r;
      }
      std::swap(m[c], m[pivot]);
      if (std::fabs(m[c][c]) < 1e-300) return beta;  // a class is empty: coefficients not identified
      for (int r = 0; r < 3; ++r) {
        if (r == c) continue;
        const double f = m[r][c] / m[c][c];
        for (int k = c; k < 4; ++k) m[r][k] -= f * m[c][k];
      }
    }
    std::array<double, 3> step{};
    for (int i = 0; i < 3; ++i) step[i] = m[i][3] / m[i][i];
    double scale = 1.0;
    std::array<double, 3> trial{};
    double trial_likelihood = 0.0;
    for (int halving = 0; halving < 40; ++halving, scale *= 0.5) {
      for (int i = 0; i < 3; ++i) trial[i] = beta[i] + scale * step[i];
      trial_likelihood = log_likelihood(trial, pair_count, tie_count);
      if (trial_likelihood >= likelihood) break;
    }
    if (!(trial_likelihood >= likelihood)) break;  // no step improves the fit: at the maximum
    double change = 0.0;
    for (int i = 0; i < 3; ++i) change = std::max(change, std::fabs(trial[i] - beta[i]));
    beta = trial;
    likelihood = trial_likelihood;
    if (change < 1e-10) break;
  }
  return beta;
}

}  // namespace

NetworkSummary summarize_network(const CollegialNetwork& network, const Population& population) {
  NetworkSummary s;
  const std::size_t n = population.size();
  std::vector<AgentId> active;
  for (AgentId a = 0; a < n; ++a) {
    if (population.active(a)) active.push_back(a);
  }
  s.agents = active.size();
  s.average_clustering = average_clustering(network, active);

  const ComponentSizes components = active_components(network, population);
  s.components = components.count;
  const std::size_t largest = components.largest;
  s.largest_component_share = s.agents > 0 ? static_cast<double>(largest) / static_cast<double>(s.agents) : 0.0;

  // Tie composition and tie counts per pair class across units: integer counts per block of
  // vertices (each tie counted at its smaller end), so the sums do not depend on the thread count.
  struct Composition {
    std::array<std::uint64_t, 4> across{};  // ties across units, by [same profession][same institution]
    std::uint64_t ties = 0;
    std::uint64_t within_unit = 0;
    std::uint64_t same_prof = 0;
    std::uint64_t cross_inst = 0;
  };
  const Composition c = parallel::deterministic_reduce(
      network.vertex_count(), Composition{},
      [&](std::size_t begin, std::size_t end) {
        Composition part;
        for (std::size_t v = begin; v < end; ++v) {
          const auto a = static_cast<AgentId>(v);
          if (!population.active(a)) continue;
          for (AgentId b : network.neighbors(a)) {
            if (b <= a || !population.active(b)) continue;
            ++part.ties;
            const bool unit = population.unit[a] == population.unit[b];
            const bool prof = population.profession[a] == population.profession[b];
            const bool inst = population.institution[a] == population.institution[b];
            part.within_unit += unit ? 1 : 0;
            part.same_prof += prof ? 1 : 0;
            part.cross_inst += inst ? 0 : 1;
            if (!unit) ++part.across[(prof ? 2 : 0) + (inst ? 1 : 0)];
          }
        }
        return part;
      },
      [](Composition acc, const Composition& part) {
        for (std::size_t k = 0; k < 4; ++k) acc.across[k] += part.across[k];
        acc.ties += part.ties;
        acc.within_unit += part.within_unit;
        acc.same_prof += part.same_prof;
        acc.cross_inst += part.cross_inst;
        return acc;
      },
      16384);
  std::array<std::array<double, 2>, 2> ties_across{};
  for (int sp = 0; sp < 2; ++sp) {
    for (int si = 0; si < 2; ++si) ties_across[sp][si] = static_cast<double>(c.across[sp * 2 + si]);
  }
  const std::size_t ties = c.ties;
  const std::size_t within_unit = c.within_unit;
  const std::size_t same_prof = c.same_prof;
  const std::size_t cross_inst = c.cross_inst;
  s.ties = ties;
  s.mean_degree = s.agents > 0 ? 2.0 * static_cast<double>(ties) / static_cast<double>(s.agents) : 0.0;
  if (ties > 0) {
    s.within_unit_share = static_cast<double>(within_unit) / static_cast<double>(ties);
    s.same_profession_share = static_cast<double>(same_prof) / static_cast<double>(ties);
    s.cross_institution_share = static_cast<double>(cross_inst) / static_cast<double>(ties);
  }

  // Pair counts per class across units, by inclusion-exclusion over group sizes.
  const std::size_t units = population.units.size();
  const std::size_t insts = population.institutions.size();
  std::vector<double> n_unit(units, 0.0), n_inst(insts, 0.0), n_prof(kProfessions, 0.0);
  std::vector<double> n_unit_prof(units * kProfessions, 0.0), n_inst_prof(insts * kProfessions, 0.0);
  for (AgentId a : active) {
    const auto p = index_of(population.profession[a]);
    n_unit[population.unit[a]] += 1;
    n_inst[population.institution[a]] += 1;
    n_prof[p] += 1;
    n_unit_prof[population.unit[a] * kProfessions + p] += 1;
    n_inst_prof[population.institution[a] * kProfessions + p] += 1;
  }
  auto sum_pairs = [](const std::vector<double>& counts) {
    return std::accumulate(counts.begin(), counts.end(), 0.0, [](double acc, double c) { return acc + pairs(c); });
  };
  const double all = pairs(static_cast<double>(s.agents)) - sum_pairs(n_unit);
  const double same_inst = sum_pairs(n_inst) - sum_pairs(n_unit);
  const double same_prof_pairs = sum_pairs(n_prof) - sum_pairs(n_unit_prof);
  const double both = sum_pairs(n_inst_prof) - sum_pairs(n_unit_prof);
  std::array<std::array<double, 2>, 2> pair_count{};
  pair_count[1][1] = both;
  pair_count[1][0] = same_prof_pairs - both;
  pair_count[0][1] = same_inst - both;
  pair_count[0][0] = all - same_inst - same_prof_pairs + both;
  const auto beta = fit_logistic(pair_count, ties_across);
  s.homophily_profession = beta[1];
  s.homophily_institution = beta[2];
  return s;
}

}  // namespace mentorsim
