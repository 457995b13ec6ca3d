// The collegial network's structure and its per-agent and whole-network measures, on graphs small
// enough to work out by hand. Conventions are networkx's (constraint, effective_size, betweenness with
// normalized=False on an undirected graph); the hand values below were also cross-checked once against
// networkx 3.6.1.

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <numeric>
#include <span>
#include <vector>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/core/rng.hpp"
#include "mentorsim/world/network.hpp"
#include "mentorsim/world/network_measures.hpp"
#include "mentorsim/world/population.hpp"

using mentorsim::AgentId;
using mentorsim::CollegialNetwork;
using mentorsim::Tie;

namespace {

constexpr double kExact = 1e-12;

CollegialNetwork star_with_weights() {
  // Centre 0, leaves 1, 2, 3 with tie strengths 0.5, 1 and 2 (exact in float).
  return CollegialNetwork(4, std::vector<Tie>{{0, 1, 0.5f}, {0, 2, 1.0f}, {0, 3, 2.0f}});
}

CollegialNetwork joined_cliques() {
  // Cliques {0, 1, 2, 3} and {4, 5, 6, 7}, bridge 3-4, all strengths 1.
  std::vector<Tie> ties;
  for (AgentId base : {0u, 4u}) {
    for (AgentId i = 0; i < 4; ++i) {
      for (AgentId j = i + 1; j < 4; ++j) ties.push_back({base + i, base + j, 1.0f});
    }
  }
  ties.push_back({3, 4, 1.0f});
  return CollegialNetwork(8, ties);
}

// `count` random ties among n vertices, each inside the group of `group` consecutive vertices of its
// first end except every `across`-th, which joins two vertices anywhere: many triangles, rows of
// different lengths. Strength 1, or drawn from [0.05, 1.05) when `random_strengths`.
std::vector<Tie> clustered_ties(mentorsim::Stream& s, AgentId n, int count, AgentId group, int across,
                                bool random_strengths) {
  std::vector<Tie> ties;
  for (int k = 0; k < count; ++k) {
    const AgentId a = s.below(n);
    const AgentId b = k % across == 0 ? s.below(n) : (a / group) * group + s.below(group);
    ties.push_back({a, b, random_strengths ? static_cast<float>(0.05 + s.uniform()) : 1.0f});
  }
  return ties;
}

mentorsim::Population population_of(std::size_t n) {
  mentorsim::Population population;
  population.resize(n);
  return population;
}

// Reference single-source dependencies (Brandes 2001), written independently of the library: for
// source s, delta[v] = sum over targets t of sigma_st(v) / sigma_st.
std::vector<double> dependencies_from(const CollegialNetwork& net, AgentId s) {
  const std::size_t n = net.vertex_count();
  std::vector<int> dist(n, -1);
  std::vector<double> sigma(n, 0.0), delta(n, 0.0);
  std::vector<AgentId> order;
  std::deque<AgentId> queue{s};
  dist[s] = 0;
  sigma[s] = 1.0;
  while (!queue.empty()) {
    const AgentId v = queue.front();
    queue.pop_front();
    order.push_back(v);
    for (AgentId w : net.neighbors(v)) {
      if (dist[w] < 0) {
        dist[w] = dist[v] + 1;
        queue.push_back(w);
      }
      if (dist[w] == dist[v] + 1) sigma[w] += sigma[v];
    }
  }
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const AgentId w = *it;
    for (AgentId v : net.neighbors(w)) {
      if (dist[v] == dist[w] - 1) delta[v] += sigma[v] / sigma[w] * (1.0 + delta[w]);
    }
  }
  delta[s] = 0.0;
  return delta;
}

CollegialNetwork grid(AgentId side) {
  std::vector<Tie> ties;
  for (AgentId r = 0; r < side; ++r) {
    for (AgentId c = 0; c < side; ++c) {
      const AgentId v = r * side + c;
      if (c + 1 < side) ties.push_back({v, v + 1, 1.0f});
      if (r + 1 < side) ties.push_back({v, v + side, 1.0f});
    }
  }
  return CollegialNetwork(side * side, ties);
}

}  // namespace

// --- the network itself --------------------------------------------------------------------------

TEST_CASE("a tie given twice keeps its larger weight, self-loops are dropped, weights are symmetric", "[measures]") {
  const CollegialNetwork net(
      5, std::vector<Tie>{
             {2, 0, 0.3f}, {0, 2, 0.7f}, {1, 1, 0.9f}, {3, 1, 0.5f}, {0, 1, 0.2f}, {1, 3, 0.4f}, {4, 4, 0.1f}});
  CHECK(net.vertex_count() == 5u);
  CHECK(net.tie_count() == 3u);
  // A tie given without a routine strength relaxes to its own weight.
  CHECK(net.ties() == std::vector<Tie>{{0, 1, 0.2f, 0.2f}, {0, 2, 0.7f, 0.7f}, {1, 3, 0.5f, 0.5f}});
  // Where each vertex's ties to larger neighbours start in that list: 0 has two (to 1 and 2), 1 one
  // (to 3), 2, 3 and 4 none.
  CHECK(net.tie_offsets() == std::vector<std::uint64_t>{0, 2, 3, 3, 3, 3});
  CHECK(net.weight(0, 2) == 0.7f);
  CHECK(net.weight(2, 0) == 0.7f);
  CHECK(net.weight(3, 1) == 0.5f);
  CHECK(net.weight(1, 3) == 0.5f);
  CHECK(net.weight(1, 1) == 0.0f);
  CHECK(net.weight(2, 3) == 0.0f);
  CHECK_FALSE(net.has_tie(1, 1));
  CHECK_FALSE(net.has_tie(4, 4));
  CHECK(net.has_tie(3, 1));
  CHECK(net.degree(1) == 2u);
  CHECK(net.degree(4) == 0u);
  const auto row = net.neighbors(1);
  CHECK(std::vector<AgentId>(row.begin(), row.end()) == std::vector<AgentId>{0, 3});
  const auto w = net.weights(1);
  CHECK(std::vector<float>(w.begin(), w.end()) == std::vector<float>{0.2f, 0.5f});
  // Merging keeps the largest weight and, separately, the largest routine strength.
  const CollegialNetwork merged(2, std::vector<Tie>{{0, 1, 0.9f, 0.1f}, {1, 0, 0.3f, 0.6f}});
  CHECK(merged.ties() == std::vector<Tie>{{0, 1, 0.9f, 0.6f}});
}

TEST_CASE("assign_weights computes each tie's strength once and gives both arcs that strength", "[measures]") {
  // Path 0-1-2 plus the ties 0-3 and 2-3 (given in both orientations): four ties, eight arcs.
  CollegialNetwork net(5, std::vector<Tie>{{1, 0, 0.5f}, {1, 2, 0.5f}, {3, 0, 0.5f}, {2, 3, 0.5f}});
  std::atomic<int> calls{0};
  // Symmetric, as the contract asks: 0.1 * (smaller end + 1) + 0.01 * larger end.
  net.assign_weights([&](AgentId a, AgentId b) {
    ++calls;
    return 0.1f * static_cast<float>(std::min(a, b) + 1) + 0.01f * static_cast<float>(std::max(a, b));
  });
  CHECK(calls == 4);
  CHECK(net.weight(0, 1) == 0.1f * 1 + 0.01f * 1);
  CHECK(net.weight(1, 0) == net.weight(0, 1));
  CHECK(net.weight(1, 2) == 0.1f * 2 + 0.01f * 2);
  CHECK(net.weight(2, 1) == net.weight(1, 2));
  CHECK(net.weight(0, 3) == 0.1f * 1 + 0.01f * 3);
  CHECK(net.weight(3, 0) == net.weight(0, 3));
  CHECK(net.weight(2, 3) == 0.1f * 3 + 0.01f * 3);
  CHECK(net.weight(3, 2) == net.weight(2, 3));
  // The routine strength of every arc is its new strength; vertex 4 has no arcs.
  for (AgentId v = 0; v < 5; ++v) {
    const auto w = net.weights(v);
    const auto r = net.routines(v);
    CHECK(std::vector<float>(w.begin(), w.end()) == std::vector<float>(r.begin(), r.end()));
  }
  CHECK(net.degree(4) == 0u);
  // A random network with 1 and 2 threads: every arc has f(smaller end, larger end), with f called
  // once per tie.
  const auto f = [](AgentId a, AgentId b) {
    return static_cast<float>((std::min(a, b) * 7919u + std::max(a, b) * 104729u) % 1000u) / 1000.0f;
  };
  for (const int threads : {1, 2}) {
    mentorsim::parallel::set_threads(threads);
    mentorsim::Stream stream = mentorsim::RandomSource(7, 0).stream(0, mentorsim::Purpose::network_stubs, 0);
    const AgentId n = 3000;
    std::vector<Tie> ties;
    for (int k = 0; k < 20000; ++k) ties.push_back(Tie{stream.below(n), stream.below(n), 0.5f});
    CollegialNetwork big(n, ties);
    std::atomic<std::uint64_t> big_calls{0};
    big.assign_weights([&](AgentId a, AgentId b) {
      ++big_calls;
      return f(a, b);
    });
    CHECK(big_calls == big.tie_count());
    std::size_t wrong = 0;
    for (AgentId v = 0; v < n; ++v) {
      const auto row = big.neighbors(v);
      const auto w = big.weights(v);
      const auto r = big.routines(v);
      for (std::size_t k = 0; k < row.size(); ++k) wrong += (w[k] != f(v, row[k]) || r[k] != w[k]) ? 1 : 0;
    }
    CHECK(wrong == 0u);
  }
  mentorsim::parallel::set_threads(0);
}

TEST_CASE("rows are sorted by neighbour and ties() lists each tie once with a < b", "[measures]") {
  // A random multigraph given in random order and orientation, with repeats and self-loops.
  constexpr AgentId n = 200;
  mentorsim::Stream s(99, 0, 0, mentorsim::Purpose::ties, 0);
  std::vector<Tie> given;
  for (int k = 0; k < 3000; ++k) given.push_back({s.below(n), s.below(n), static_cast<float>(s.uniform())});
  // The expected tie set, by brute force over an adjacency matrix of maximum weights.
  std::vector<float> best(n * n, -1.0f);
  for (const Tie& t : given) {
    if (t.a == t.b) continue;
    const AgentId a = std::min(t.a, t.b), b = std::max(t.a, t.b);
    best[a * n + b] = std::max(best[a * n + b], t.weight);
  }
  std::vector<Tie> expected;
  for (AgentId a = 0; a < n; ++a) {
    for (AgentId b = a + 1; b < n; ++b) {
      if (best[a * n + b] >= 0.0f) expected.push_back({a, b, best[a * n + b], best[a * n + b]});
    }
  }
  const CollegialNetwork net(n, given);
  CHECK(net.ties() == expected);
  CHECK(net.tie_count() == expected.size());
  for (AgentId v = 0; v < n; ++v) {
    const auto row = net.neighbors(v);
    CHECK(std::adjacent_find(row.begin(), row.end(), std::greater_equal<>()) == row.end());
    for (std::size_t k = 0; k < row.size(); ++k) {
      CHECK(net.weights(v)[k] == net.weight(row[k], v));
    }
  }
}

TEST_CASE("for_each_tie_in visits exactly the ties at places first..last of ties(), in order", "[measures]") {
  // By hand: ties() is 0-1, 0-2, 1-3 (places 0, 1, 2); vertices 2, 3 and 4 have no larger neighbour.
  const CollegialNetwork tiny(5, std::vector<Tie>{{2, 0, 0.7f}, {3, 1, 0.5f}, {0, 1, 0.2f}});
  const auto tiny_offset = tiny.tie_offsets();
  const auto listed = [&](const CollegialNetwork& net, const std::vector<std::uint64_t>& offset, std::uint64_t first,
                          std::uint64_t last) {
    std::vector<Tie> out;
    std::vector<std::uint64_t> places;
    net.for_each_tie_in(offset, first, last, [&](std::uint64_t k, AgentId a, AgentId b, std::uint64_t arc) {
      places.push_back(k);
      out.push_back({a, b, net.arc_weights()[arc], net.arc_weights()[arc]});
    });
    for (std::size_t j = 0; j < places.size(); ++j) CHECK(places[j] == first + j);
    return out;
  };
  CHECK(listed(tiny, tiny_offset, 1, 3) == std::vector<Tie>{{0, 2, 0.7f, 0.7f}, {1, 3, 0.5f, 0.5f}});
  CHECK(listed(tiny, tiny_offset, 2, 3) == std::vector<Tie>{{1, 3, 0.5f, 0.5f}});
  CHECK(listed(tiny, tiny_offset, 0, 1) == std::vector<Tie>{{0, 1, 0.2f, 0.2f}});
  CHECK(listed(tiny, tiny_offset, 2, 2).empty());
  CHECK(listed(tiny, tiny_offset, 3, 9).empty());  // past the end: nothing
  CHECK(listed(tiny, tiny_offset, 1, 9).size() == 2u);
  // Every range of a random network, against ties().
  constexpr AgentId n = 120;
  mentorsim::Stream s(7, 0, 0, mentorsim::Purpose::ties, 0);
  std::vector<Tie> given;
  for (int k = 0; k < 700; ++k) given.push_back({s.below(n), s.below(n), static_cast<float>(s.uniform())});
  const CollegialNetwork net(n, given);
  const std::vector<Tie> all = net.ties();
  const auto offset = net.tie_offsets();
  REQUIRE(all.size() > 400u);
  for (std::uint64_t first = 0; first <= all.size(); first += 7) {
    for (std::uint64_t last = first; last <= all.size(); last += 13) {
      const std::vector<Tie> expected(all.begin() + static_cast<std::ptrdiff_t>(first),
                                      all.begin() + static_cast<std::ptrdiff_t>(last));
      REQUIRE(listed(net, offset, first, last) == expected);
    }
  }
}

TEST_CASE("an empty network has no vertices and no ties", "[measures]") {
  const CollegialNetwork net;
  CHECK(net.vertex_count() == 0u);
  CHECK(net.tie_count() == 0u);
  CHECK(net.ties().empty());
  CHECK(mentorsim::betweenness_exact(net).value.empty());
}

// --- tiny graphs with answers by hand ------------------------------------------------------------

TEST_CASE("a star's centre has degree 3, strength 3.5 and betweenness 3, and its leaves broker nothing", "[measures]") {
  const CollegialNetwork star = star_with_weights();
  const auto population = population_of(4);
  const auto m = mentorsim::measure_agents(star, population);
  CHECK(m.degree == std::vector<std::uint32_t>{3, 1, 1, 1});
  CHECK(m.strength == std::vector<float>{3.5f, 0.5f, 1.0f, 2.0f});  // 0.5 + 1 + 2 = 3.5
  // No two leaves are tied: no triangles anywhere.
  CHECK(m.clustering == std::vector<float>{0.0f, 0.0f, 0.0f, 0.0f});
  // The three leaf pairs each have one shortest path, through the centre.
  CHECK(mentorsim::betweenness_exact(star).value == std::vector<double>{3.0, 0.0, 0.0, 0.0});
}

TEST_CASE("a weighted star's centre has constraint sum p^2 = 3/7 and effective size 3", "[measures]") {
  const CollegialNetwork star = star_with_weights();
  // p = 0.5/3.5, 1/3.5, 2/3.5; no indirect paths: (0.25 + 1 + 4) / 12.25 = 5.25 / 12.25 = 3/7.
  CHECK(mentorsim::constraint(star, 0) == Approx(3.0 / 7.0).epsilon(kExact));
  // No leaf knows another: no redundancy.
  CHECK(mentorsim::effective_size(star, 0) == Approx(3.0).epsilon(kExact));
  // A leaf depends entirely on its one contact.
  for (AgentId leaf : {1u, 2u, 3u}) {
    CHECK(mentorsim::constraint(star, leaf) == Approx(1.0).epsilon(kExact));
    CHECK(mentorsim::effective_size(star, leaf) == Approx(1.0).epsilon(kExact));
  }
}

TEST_CASE("a path of three: the middle vertex brokers the one pair of ends", "[measures]") {
  const CollegialNetwork path(3, std::vector<Tie>{{0, 1, 1.0f}, {1, 2, 1.0f}});
  CHECK(mentorsim::betweenness_exact(path).value == std::vector<double>{0.0, 1.0, 0.0});
  CHECK(mentorsim::local_clustering(path, 1) == 0.0);
  // p = 1/2, 1/2 with no indirect paths: 1/4 + 1/4.
  CHECK(mentorsim::constraint(path, 1) == Approx(0.5).epsilon(kExact));
  CHECK(mentorsim::effective_size(path, 1) == Approx(2.0).epsilon(kExact));
  CHECK(mentorsim::constraint(path, 0) == Approx(1.0).epsilon(kExact));
}

TEST_CASE("a path of four: inner vertices each broker two pairs, and a heavy tie raises constraint", "[measures]") {
  // 0 -1- 1 -2- 2 -1- 3 (strengths on the ties).
  const CollegialNetwork path(4, std::vector<Tie>{{0, 1, 1.0f}, {1, 2, 2.0f}, {2, 3, 1.0f}});
  // Vertex 1 is inside the paths 0-2 and 0-3; vertex 2 inside 1-3 and 0-3.
  CHECK(mentorsim::betweenness_exact(path).value == std::vector<double>{0.0, 2.0, 2.0, 0.0});
  CHECK(mentorsim::measure_agents(path, population_of(4)).strength == std::vector<float>{1.0f, 3.0f, 3.0f, 1.0f});
  // Vertex 1: p_10 = 1/3, p_12 = 2/3, no shared contacts: 1/9 + 4/9 = 5/9. Unweighted it would be 1/2.
  CHECK(mentorsim::constraint(path, 1) == Approx(5.0 / 9.0).epsilon(kExact));
  CHECK(mentorsim::effective_size(path, 1) == Approx(2.0).epsilon(kExact));
}

TEST_CASE("a triangle is fully clustered, brokers nothing, has constraint 9/8 and effective size 1", "[measures]") {
  const CollegialNetwork triangle(3, std::vector<Tie>{{0, 1, 1.0f}, {0, 2, 1.0f}, {1, 2, 1.0f}});
  CHECK(mentorsim::betweenness_exact(triangle).value == std::vector<double>{0.0, 0.0, 0.0});
  for (AgentId v = 0; v < 3; ++v) {
    CHECK(mentorsim::local_clustering(triangle, v) == 1.0);
    // Per contact: direct 1/2 plus 1/2 * 1/2 through the other contact = 3/4; 2 * (3/4)^2 = 9/8.
    CHECK(mentorsim::constraint(triangle, v) == Approx(9.0 / 8.0).epsilon(kExact));
    // Per contact: 1 - p_other * m = 1 - 1/2 = 1/2; two contacts give 1.
    CHECK(mentorsim::effective_size(triangle, v) == Approx(1.0).epsilon(kExact));
  }
}

TEST_CASE("a weighted triangle's constraint and effective size follow the networkx formulas", "[measures]") {
  // w01 = 1, w02 = 2, w12 = 3; strengths s0 = 3, s1 = 4, s2 = 5; max strengths per vertex 2, 3, 3.
  const CollegialNetwork t(3, std::vector<Tie>{{0, 1, 1.0f}, {0, 2, 2.0f}, {1, 2, 3.0f}});
  // Vertex 0: p01 = 1/3, p02 = 2/3, p12 = 3/4, p21 = 3/5.
  //   j = 1: 1/3 + p02 p21 = 1/3 + 2/5 = 11/15;  j = 2: 2/3 + p01 p12 = 2/3 + 1/4 = 11/12.
  //   c0 = 121/225 + 121/144 = 44649/32400.
  CHECK(mentorsim::constraint(t, 0) == Approx(44649.0 / 32400.0).epsilon(kExact));
  //   m12 = 3/3, m21 = 3/3: ES0 = (1 - 2/3 * 1) + (1 - 1/3 * 1) = 1/3 + 2/3 = 1.
  CHECK(mentorsim::effective_size(t, 0) == Approx(1.0).epsilon(kExact));
  // Vertex 1: p10 = 1/4, p12 = 3/4, p20 = 2/5, p02 = 2/3.
  //   j = 0: 1/4 + 3/4 * 2/5 = 11/20;  j = 2: 3/4 + 1/4 * 2/3 = 11/12.  c1 = 121/400 + 121/144.
  CHECK(mentorsim::constraint(t, 1) == Approx(121.0 / 400.0 + 121.0 / 144.0).epsilon(kExact));
  //   m02 = w02 / max(w01, w02) = 2/2, m20 = w20 / max(w20, w21) = 2/3:
  //   ES1 = (1 - 3/4 * 1) + (1 - 1/4 * 2/3) = 1/4 + 5/6 = 13/12.
  CHECK(mentorsim::effective_size(t, 1) == Approx(13.0 / 12.0).epsilon(kExact));
  // Vertex 2: p20 = 2/5, p21 = 3/5, p10 = 1/4, p01 = 1/3.
  //   j = 0: 2/5 + 3/5 * 1/4 = 11/20;  j = 1: 3/5 + 2/5 * 1/3 = 11/15.  c2 = 121/400 + 121/225.
  CHECK(mentorsim::constraint(t, 2) == Approx(121.0 / 400.0 + 121.0 / 225.0).epsilon(kExact));
  //   m01 = 1/2, m10 = 1/3: ES2 = (1 - 3/5 * 1/2) + (1 - 2/5 * 1/3) = 7/10 + 13/15 = 47/30.
  CHECK(mentorsim::effective_size(t, 2) == Approx(47.0 / 30.0).epsilon(kExact));
}

TEST_CASE("two 4-cliques joined by a bridge: the bridge ends broker 12 pairs each", "[measures]") {
  const CollegialNetwork net = joined_cliques();
  const auto m = mentorsim::measure_agents(net, population_of(8));
  CHECK(m.degree == std::vector<std::uint32_t>{3, 3, 3, 4, 4, 3, 3, 3});
  CHECK(m.strength == std::vector<float>{3, 3, 3, 4, 4, 3, 3, 3});
  // Clique members see all their contacts tied; a bridge end's contacts 0, 1, 2, 4 have 3 of 6 pairs tied.
  CHECK(m.clustering == std::vector<float>{1, 1, 1, 0.5f, 0.5f, 1, 1, 1});
  // Vertex 3 is inside every shortest path from {0, 1, 2} to {4, 5, 6, 7}: 3 * 4 = 12 pairs; vertex 4
  // symmetrically. Paths from 3 to {5, 6, 7} have 3 as an end, not inside. All shortest paths are unique.
  CHECK(mentorsim::betweenness_exact(net).value == std::vector<double>{0, 0, 0, 12, 12, 0, 0, 0});
  // Vertex 0: contacts 1, 2 (degree 3) and 3 (degree 4), p = 1/3 each.
  //   j = 1: 1/3 + p02 p21 + p03 p31 = 1/3 + 1/9 + 1/12 = 19/36 (same for j = 2);
  //   j = 3: 1/3 + p01 p13 + p02 p23 = 1/3 + 2/9 = 5/9 = 20/36.  c0 = (361 + 361 + 400) / 1296.
  CHECK(mentorsim::constraint(net, 0) == Approx(1122.0 / 1296.0).epsilon(kExact));
  // Vertex 3: p = 1/4 to each of 0, 1, 2, 4.
  //   j in {0, 1, 2}: 1/4 + two paths of 1/4 * 1/3 = 5/12;  j = 4: 1/4 (4 knows none of the others).
  //   c3 = 3 * 25/144 + 9/144 = 84/144 = 7/12.
  CHECK(mentorsim::constraint(net, 3) == Approx(7.0 / 12.0).epsilon(kExact));
  CHECK(mentorsim::constraint(net, 4) == Approx(7.0 / 12.0).epsilon(kExact));
  // Effective size, unit weights (Borgatti: n - 2t/n): vertex 0: 3 - 2*3/3 = 1; vertex 3: 4 - 2*3/4 = 2.5.
  CHECK(mentorsim::effective_size(net, 0) == Approx(1.0).epsilon(kExact));
  CHECK(mentorsim::effective_size(net, 3) == Approx(2.5).epsilon(kExact));
  CHECK(m.effective_size[3] == Approx(2.5).epsilon(1e-6));
  CHECK(m.constraint[3] == Approx(7.0 / 12.0).epsilon(1e-6));
  // Average clustering: (6 * 1 + 2 * 0.5) / 8 = 7/8; over {3, 4} only: 1/2.
  CHECK(mentorsim::average_clustering(net) == Approx(7.0 / 8.0).epsilon(kExact));
  CHECK(mentorsim::average_clustering(net, {3, 4}) == Approx(0.5).epsilon(kExact));
}

TEST_CASE("an isolated agent has NaN constraint and effective size, zero clustering and degree", "[measures]") {
  const CollegialNetwork net(3, std::vector<Tie>{{0, 1, 1.0f}});
  CHECK(std::isnan(mentorsim::constraint(net, 2)));
  CHECK(std::isnan(mentorsim::effective_size(net, 2)));
  CHECK(mentorsim::local_clustering(net, 2) == 0.0);
  const auto m = mentorsim::measure_agents(net, population_of(3));
  CHECK(m.degree[2] == 0u);
  CHECK(m.strength[2] == 0.0f);
  CHECK(std::isnan(m.constraint[2]));
  CHECK(std::isnan(m.effective_size[2]));
  // Degree < 2 counts as 0 in the average: (0 + 0 + 0) / 3.
  CHECK(mentorsim::average_clustering(net) == 0.0);
}

TEST_CASE("cross-institution ties count contacts whose home institution differs", "[measures]") {
  const CollegialNetwork net = joined_cliques();
  auto population = population_of(8);
  // Cliques are institutions 0 and 1: only the bridge crosses.
  for (AgentId a = 4; a < 8; ++a) population.institution[a] = 1;
  CHECK(mentorsim::measure_agents(net, population).cross_institution_ties ==
        std::vector<std::uint32_t>{0, 0, 0, 1, 1, 0, 0, 0});
  // Move agent 2 to institution 1: its three contacts 0, 1, 3 are now all elsewhere, and each of them
  // gains one cross tie (to 2).
  population.institution[2] = 1;
  CHECK(mentorsim::measure_agents(net, population).cross_institution_ties ==
        std::vector<std::uint32_t>{1, 1, 3, 2, 1, 0, 0, 0});
  // A joint appointment does not change the home institution the measure compares.
  population.joint_institution[0] = 1;
  CHECK(mentorsim::measure_agents(net, population).cross_institution_ties[0] == 1u);
}

// --- betweenness by sampling ---------------------------------------------------------------------

TEST_CASE("sampled betweenness with at least n sources is the exact value", "[measures]") {
  const CollegialNetwork net = joined_cliques();
  for (std::uint32_t k : {8u, 20u}) {
    const auto sampled = mentorsim::betweenness_sampled(net, k, mentorsim::RandomSource(5, 0));
    CHECK(sampled.exact);
    CHECK(sampled.sources == 8u);
    CHECK(sampled.value == std::vector<double>{0, 0, 0, 12, 12, 0, 0, 0});
  }
}

TEST_CASE("sampled betweenness on a 30x30 grid is within a few standard errors of exact", "[measures]") {
  constexpr AgentId side = 30;
  constexpr std::size_t n = side * side;
  constexpr std::uint32_t k = n / 4;
  const CollegialNetwork net = grid(side);

  // Reference: per-source dependencies for every source, from the independent implementation above.
  std::vector<double> sum(n, 0.0), sum_squares(n, 0.0);
  for (AgentId s = 0; s < n; ++s) {
    const auto delta = dependencies_from(net, s);
    for (std::size_t v = 0; v < n; ++v) {
      sum[v] += delta[v];
      sum_squares[v] += delta[v] * delta[v];
    }
  }
  const auto exact = mentorsim::betweenness_exact(net);
  for (std::size_t v = 0; v < n; ++v) REQUIRE(exact.value[v] == Approx(0.5 * sum[v]).epsilon(1e-9));
  // Total betweenness is the sum over pairs of (distance - 1). Manhattan distances in a k x k grid sum
  // to k^2 (k^3 - k) / 3 over unordered pairs: 900 * 26970 / 3 = 8091000; minus C(900, 2) = 404550.
  CHECK(std::accumulate(exact.value.begin(), exact.value.end(), 0.0) == Approx(7686450.0).epsilon(1e-12));

  // The estimator (n / 2k) * sum over k sources drawn without replacement has standard error
  // (n / 2) * sqrt(sigma_v^2 / k * (n - k) / (n - 1)), sigma_v^2 the variance of delta_s(v) over all s.
  std::vector<double> standard_error(n);
  double mean_standard_error = 0.0;
  for (std::size_t v = 0; v < n; ++v) {
    const double mean = sum[v] / n;
    const double variance = std::max(0.0, sum_squares[v] / n - mean * mean);
    standard_error[v] = 0.5 * n * std::sqrt(variance / k * (n - k) / (n - 1.0));
    mean_standard_error += standard_error[v] / n;
  }

  const mentorsim::RandomSource random(2024, 0);
  mentorsim::parallel::set_threads(1);
  const auto one = mentorsim::betweenness_sampled(net, k, random);
  mentorsim::parallel::set_threads(2);
  const auto two = mentorsim::betweenness_sampled(net, k, random);
  const auto again = mentorsim::betweenness_sampled(net, k, random);
  const auto other_seed = mentorsim::betweenness_sampled(net, k, mentorsim::RandomSource(2025, 0));
  mentorsim::parallel::set_threads(0);

  CHECK_FALSE(one.exact);
  CHECK(one.sources == k);
  // Under a normal approximation 99.7% of vertices lie within 3 standard errors; we ask for 97%, and
  // for every vertex within 6 (corner-like vertices with zero variance must be exact).
  std::size_t within_three = 0;
  std::size_t within_six = 0;
  for (std::size_t v = 0; v < n; ++v) {
    const double error = std::fabs(one.value[v] - exact.value[v]);
    within_three += error <= 3.0 * standard_error[v] + 1e-9 ? 1 : 0;
    within_six += error <= 6.0 * standard_error[v] + 1e-9 ? 1 : 0;
  }
  CHECK(static_cast<double>(within_three) / n >= 0.97);
  CHECK(within_six == n);
  // The reported mean standard error estimates the true one (from the sample's spread): within 20%.
  CHECK(one.mean_standard_error == Approx(mean_standard_error).epsilon(0.20));

  // Reproducible for the seed, and the same bits whatever the thread count.
  auto bits = [](const std::vector<double>& x) {
    std::vector<std::uint64_t> out(x.size());
    std::transform(x.begin(), x.end(), out.begin(), [](double d) { return std::bit_cast<std::uint64_t>(d); });
    return out;
  };
  CHECK(bits(one.value) == bits(two.value));
  CHECK(bits(two.value) == bits(again.value));
  CHECK(one.value != other_seed.value);
}

// --- whole-network summary -----------------------------------------------------------------------

namespace {

// Two institutions of two units each; every unit has one doctor and one nurse:
//   institution 0: unit 0 = {0 medicine, 1 nursing}, unit 1 = {2 medicine, 3 nursing}
//   institution 1: unit 2 = {4 medicine, 5 nursing}, unit 3 = {6 medicine, 7 nursing}
mentorsim::Population two_by_two_population() {
  using mentorsim::Profession;
  mentorsim::Population p;
  p.resize(8);
  p.institutions.resize(2);
  p.institutions[0].first_unit = 0;
  p.institutions[0].unit_count = 2;
  p.institutions[1].first_unit = 2;
  p.institutions[1].unit_count = 2;
  p.units = {{0, "i0/0"}, {0, "i0/1"}, {1, "i1/0"}, {1, "i1/1"}};
  for (AgentId a = 0; a < 8; ++a) {
    p.unit[a] = a / 2;
    p.institution[a] = static_cast<mentorsim::InstitutionId>(a / 4);
    p.profession[a] = a % 2 == 0 ? Profession::medicine : Profession::nursing;
  }
  return p;
}

}  // namespace

TEST_CASE("summarize_network on two institutions of two units: shares, components and homophily", "[measures]") {
  const auto population = two_by_two_population();
  // Pairs across units, by class (same profession, same institution):
  //   (yes, yes): 02 13 46 57 = 4;  (no, yes): 03 12 47 56 = 4;
  //   (yes, no): {0,2}x{4,6} + {1,3}x{5,7} = 8;  (no, no): {0,2}x{5,7} + {1,3}x{4,6} = 8.
  // Ties: half of each same-institution class, a quarter of each cross-institution class, so the tie
  // rate does not depend on profession: the logistic model fits exactly with beta_profession = 0 and
  // beta_institution = logit(1/2) - logit(1/4) = 0 - ln(1/3) = ln 3.
  const std::vector<Tie> ties{{0, 1, 1.0f}, {2, 3, 1.0f}, {4, 5, 1.0f}, {6, 7, 1.0f},  // within units (doctor-nurse)
                              {0, 2, 1.0f}, {4, 6, 1.0f},   // same profession, same institution
                              {0, 3, 1.0f}, {5, 6, 1.0f},   // other profession, same institution
                              {2, 4, 1.0f}, {3, 7, 1.0f},   // same profession, other institution
                              {0, 5, 1.0f}, {1, 4, 1.0f}};  // other profession, other institution
  const CollegialNetwork net(8, ties);
  const auto s = mentorsim::summarize_network(net, population);
  CHECK(s.agents == 8u);
  CHECK(s.ties == 12u);
  CHECK(s.mean_degree == Approx(3.0).epsilon(kExact));  // 2 * 12 / 8
  CHECK(s.components == 1u);
  CHECK(s.largest_component_share == 1.0);
  CHECK(s.within_unit_share == Approx(4.0 / 12.0).epsilon(kExact));
  // Same profession: 02 46 24 37 (the within-unit ties are doctor-nurse).
  CHECK(s.same_profession_share == Approx(4.0 / 12.0).epsilon(kExact));
  // Other institution: 24 37 05 14.
  CHECK(s.cross_institution_share == Approx(4.0 / 12.0).epsilon(kExact));
  // Neighbourhoods: 0:{1,2,3,5} has 2-3 (1/6); 1:{0,4} 0; 2:{0,3,4} has 0-3 (1/3); 3:{0,2,7} has 0-2
  // (1/3); 4:{1,2,5,6} has 5-6 (1/6); 5:{0,4,6} has 4-6 (1/3); 6:{4,5,7} has 4-5 (1/3); 7:{3,6} 0.
  // Mean: (1/6 + 1/3 + 1/3 + 1/6 + 1/3 + 1/3) / 8 = (5/3) / 8 = 5/24.
  CHECK(s.average_clustering == Approx(5.0 / 24.0).epsilon(kExact));
  CHECK(s.homophily_profession == Approx(0.0).margin(1e-6));
  CHECK(s.homophily_institution == Approx(std::log(3.0)).epsilon(1e-6));
}

TEST_CASE("when every tie across units joins the same profession, profession homophily dominates", "[measures]") {
  const auto population = two_by_two_population();
  const CollegialNetwork net(8, std::vector<Tie>{{0, 1, 1.0f},
                                                 {2, 3, 1.0f},
                                                 {4, 5, 1.0f},
                                                 {6, 7, 1.0f},
                                                 {0, 2, 1.0f},
                                                 {4, 6, 1.0f},
                                                 {2, 4, 1.0f},
                                                 {3, 7, 1.0f}});
  const auto s = mentorsim::summarize_network(net, population);
  // Profession perfectly separates tie from no tie across units: its log odds ratio is as large as the
  // fit can make it, and far above the institution effect (which the same-profession pairs put near
  // logit(2/4) - logit(2/8) = ln 3).
  CHECK(std::isfinite(s.homophily_profession));
  CHECK(std::isfinite(s.homophily_institution));
  CHECK(s.homophily_profession > 5.0);
  CHECK(s.homophily_profession > s.homophily_institution);
  CHECK(s.homophily_institution == Approx(std::log(3.0)).margin(1e-3));
  CHECK(s.same_profession_share == Approx(4.0 / 8.0).epsilon(kExact));
  CHECK(s.within_unit_share == Approx(4.0 / 8.0).epsilon(kExact));
}

TEST_CASE("summarize_network counts isolates as components and ignores agents who left", "[measures]") {
  auto population = two_by_two_population();
  SECTION("only the four within-unit ties: four components of two") {
    const CollegialNetwork net(8, std::vector<Tie>{{0, 1, 1.0f}, {2, 3, 1.0f}, {4, 5, 1.0f}, {6, 7, 1.0f}});
    const auto s = mentorsim::summarize_network(net, population);
    CHECK(s.components == 4u);
    CHECK(s.largest_component_share == Approx(2.0 / 8.0).epsilon(kExact));
    CHECK(s.within_unit_share == 1.0);
    CHECK(s.cross_institution_share == 0.0);
  }
  SECTION("a leaver's ties are not counted and the leaver is not an agent") {
    // Path 0-1-2-3 plus tie 3-7; agent 3 leaves: {0,1,2} and {7} remain, and 4, 5, 6 are isolates.
    const CollegialNetwork net(8, std::vector<Tie>{{0, 1, 1.0f}, {1, 2, 1.0f}, {2, 3, 1.0f}, {3, 7, 1.0f}});
    population.left[3] = 5;
    const auto s = mentorsim::summarize_network(net, population);
    CHECK(s.agents == 7u);
    CHECK(s.ties == 2u);
    CHECK(s.mean_degree == Approx(4.0 / 7.0).epsilon(kExact));
    CHECK(s.components == 5u);  // {0,1,2}, {4}, {5}, {6}, {7}
    CHECK(s.largest_component_share == Approx(3.0 / 7.0).epsilon(kExact));
  }
}

TEST_CASE("components of a large sparse random network match a breadth-first search for any thread count",
          "[measures]") {
  // Mean degree 1.4 (about 1.1 among active agents, just above the threshold): one large component
  // and thousands of small ones; every tenth agent has left. The reference is a plain serial
  // breadth-first search over active agents.
  constexpr AgentId n = 30000;
  mentorsim::Stream s(7, 0, 0, mentorsim::Purpose::ties, 0);
  std::vector<Tie> ties;
  for (int k = 0; k < 21000; ++k) ties.push_back({s.below(n), s.below(n), 1.0f});
  const CollegialNetwork net(n, ties);
  auto population = population_of(n);  // everyone in unit 0 of institution 0
  population.institutions.resize(1);
  population.institutions[0].first_unit = 0;
  population.institutions[0].unit_count = 1;
  population.units = {{0, "i0/0"}};
  for (AgentId a = 0; a < n; a += 10) population.left[a] = 1;
  std::vector<char> seen(n, 0);
  std::size_t expected_components = 0;
  std::size_t expected_largest = 0;
  for (AgentId start = 0; start < n; ++start) {
    if (seen[start] || !population.active(start)) continue;
    ++expected_components;
    std::deque<AgentId> queue{start};
    seen[start] = 1;
    std::size_t size = 0;
    while (!queue.empty()) {
      const AgentId v = queue.front();
      queue.pop_front();
      ++size;
      for (AgentId w : net.neighbors(v)) {
        if (!seen[w] && population.active(w)) {
          seen[w] = 1;
          queue.push_back(w);
        }
      }
    }
    expected_largest = std::max(expected_largest, size);
  }
  REQUIRE(expected_components > 1000);  // the case has many components...
  REQUIRE(expected_largest > 100);      // ...and a large one
  for (const int threads : {1, 2, 4}) {
    mentorsim::parallel::set_threads(threads);
    const auto summary = mentorsim::summarize_network(net, population);
    INFO("threads " << threads);
    CHECK(summary.components == expected_components);
    const int active = n - n / 10;  // every tenth agent has left
    CHECK(summary.largest_component_share == static_cast<double>(expected_largest) / static_cast<double>(active));
  }
  mentorsim::parallel::set_threads(0);
}

TEST_CASE("Boost.Graph sees the same graph as the network's own rows", "[measures][boost]") {
  const mentorsim::CollegialNetwork net(6, {{0, 1, 0.5f}, {1, 2, 0.4f}, {0, 5, 0.3f}, {4, 2, 0.2f}, {2, 0, 0.7f}});
  const auto& g = net.graph();
  CHECK(boost::num_vertices(g) == 6);
  CHECK(boost::num_edges(g) == 10);  // both arcs of 5 ties
  for (mentorsim::AgentId v = 0; v < 6; ++v) {
    std::vector<mentorsim::AgentId> via_boost;
    for (auto [it, end] = boost::out_edges(v, g); it != end; ++it) {
      via_boost.push_back(boost::target(*it, g));
      // The exterior strength map is indexed by Boost's edge index.
      CHECK(net.arc_weights()[boost::get(boost::edge_index, g, *it)] == net.weight(v, boost::target(*it, g)));
    }
    const auto row = net.neighbors(v);
    CHECK(via_boost == std::vector<mentorsim::AgentId>(row.begin(), row.end()));
  }
}

TEST_CASE("triangle counts: two 4-cliques joined by a bridge have 3 triangles at each vertex", "[measures]") {
  // Each vertex of a 4-clique is in C(3, 2) = 3 of its 4 triangles; the bridge 3-4 closes none.
  CHECK(mentorsim::triangle_counts(joined_cliques()) == std::vector<std::uint32_t>{3, 3, 3, 3, 3, 3, 3, 3});
  // A 5-clique: C(4, 2) = 6 triangles at each vertex; plus a pendant vertex 5 tied to 0, in none.
  std::vector<Tie> ties;
  for (AgentId a = 0; a < 5; ++a) {
    for (AgentId b = a + 1; b < 5; ++b) ties.push_back({a, b, 1.0f});
  }
  ties.push_back({0, 5, 1.0f});
  CHECK(mentorsim::triangle_counts(CollegialNetwork(6, ties)) == std::vector<std::uint32_t>{6, 6, 6, 6, 6, 0});
}

TEST_CASE("clustering from triangle counts equals each vertex's own count, for any thread count", "[measures]") {
  // A clustered random network: 3,000 vertices in groups of 30 with dense ties inside a group and a
  // few across, so that many triangles exist and rows differ in length.
  constexpr AgentId n = 3000;
  mentorsim::Stream s(11, 0, 0, mentorsim::Purpose::ties, 0);
  const std::vector<Tie> ties = clustered_ties(s, n, 24000, 30, 8, false);
  const CollegialNetwork net(n, ties);
  double sum = 0.0;
  std::vector<float> expected(n);
  for (AgentId v = 0; v < n; ++v) {
    const double c = mentorsim::local_clustering(net, v);
    sum += c;
    expected[v] = static_cast<float>(c);
  }
  REQUIRE(sum / n > 0.1);  // the case has triangles
  // average_clustering adds the values in blocks of 256 vertices, then the blocks' sums in order.
  double blocked_sum = 0.0;
  for (AgentId begin = 0; begin < n; begin += 256) {
    double block = 0.0;
    for (AgentId v = begin; v < std::min<AgentId>(n, begin + 256); ++v) block += mentorsim::local_clustering(net, v);
    blocked_sum += block;
  }
  const double blocked_average = blocked_sum / n;
  for (const int threads : {1, 2, 4}) {
    mentorsim::parallel::set_threads(threads);
    INFO("threads " << threads);
    const auto triangles = mentorsim::triangle_counts(net);
    std::size_t total = 0;
    for (AgentId v = 0; v < n; ++v) {
      const std::size_t d = net.degree(v);
      if (d >= 2) CHECK(2.0 * triangles[v] / static_cast<double>(d * (d - 1)) == mentorsim::local_clustering(net, v));
      total += triangles[v];
    }
    CHECK(total % 3 == 0);  // every triangle is counted at its three vertices
    // The measures and the average use the counts; they equal the per-vertex values exactly.
    CHECK(mentorsim::measure_agents(net, population_of(n)).clustering == expected);
    CHECK(mentorsim::average_clustering(net) == blocked_average);
  }
  mentorsim::parallel::set_threads(0);
}

namespace {

// Burt's measures written straight from their definitions, one strength look-up per pair of contacts
// (CollegialNetwork::weight), as the library computed them before it walked the contacts' rows.
double strength_sum(std::span<const float> w) {
  double sum = 0.0;
  for (float x : w) sum += x;
  return sum;
}

struct Burt {
  double effective = 0.0;
  double constraint = 0.0;
};

Burt reference_burt(const CollegialNetwork& net, AgentId v) {
  const auto mine = net.neighbors(v);
  const auto my_weights = net.weights(v);
  if (mine.empty()) return {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
  const double my_total = strength_sum(my_weights);
  Burt out;
  for (std::size_t j = 0; j < mine.size(); ++j) {
    const double direct = my_weights[j] / my_total;
    double j_max = 0.0;
    for (float x : net.weights(mine[j])) j_max = std::max(j_max, static_cast<double>(x));
    double indirect = 0.0;    // constraint: sum over q of p_vq p_qj
    double redundancy = 0.0;  // effective size: sum over q of p_vq m_jq
    for (std::size_t q = 0; q < mine.size(); ++q) {
      if (q == j) continue;
      if (const float w_qj = net.weight(mine[q], mine[j]); w_qj > 0.0f) {
        indirect += (my_weights[q] / my_total) * (w_qj / strength_sum(net.weights(mine[q])));
      }
      if (const float w_jq = net.weight(mine[j], mine[q]); w_jq > 0.0f) {
        redundancy += (my_weights[q] / my_total) * (w_jq / j_max);
      }
    }
    out.constraint += (direct + indirect) * (direct + indirect);
    out.effective += 1.0 - redundancy;
  }
  return out;
}

}  // namespace

TEST_CASE("Burt's measures from the contacts' rows are the definitions' doubles, bit for bit", "[measures]") {
  // A clustered random network with random strengths (and a vertex tied to 60 others, whose contacts'
  // rows are long and overlap its own), so that sums have many terms in an order that matters.
  constexpr AgentId n = 2000;
  mentorsim::Stream s(23, 0, 0, mentorsim::Purpose::ties, 0);
  std::vector<Tie> ties = clustered_ties(s, n, 12000, 20, 6, true);
  for (AgentId b = 1; b <= 60; ++b) ties.push_back({0, b * 7, static_cast<float>(0.05 + s.uniform())});
  const CollegialNetwork net(n + 1, ties);  // vertex n is isolated
  REQUIRE(net.degree(0) >= 60);
  std::size_t with_triangles = 0;
  for (AgentId v = 0; v <= n; ++v) {
    INFO("vertex " << v);
    const Burt reference = reference_burt(net, v);
    const double c = reference.constraint;
    const double e = reference.effective;
    double both_c = 0.0;
    double both_e = 0.0;
    mentorsim::burt_measures(net, v, &both_e, &both_c);
    if (v == n) {
      CHECK(std::isnan(mentorsim::constraint(net, v)));
      CHECK((std::isnan(both_c) && std::isnan(both_e)));
      continue;
    }
    CHECK(std::bit_cast<std::uint64_t>(mentorsim::constraint(net, v)) == std::bit_cast<std::uint64_t>(c));
    CHECK(std::bit_cast<std::uint64_t>(mentorsim::effective_size(net, v)) == std::bit_cast<std::uint64_t>(e));
    CHECK(std::bit_cast<std::uint64_t>(both_c) == std::bit_cast<std::uint64_t>(c));
    CHECK(std::bit_cast<std::uint64_t>(both_e) == std::bit_cast<std::uint64_t>(e));
    if (e < static_cast<double>(net.degree(v))) ++with_triangles;  // some contacts are tied to each other
  }
  CHECK(with_triangles > n / 2);
  // measure_agents computes both in one walk, or either alone.
  const auto population = population_of(n + 1);
  for (const bool effective : {true, false}) {
    for (const bool constraint : {true, false}) {
      const auto m = mentorsim::measure_agents(net, population, {true, effective, constraint});
      CHECK(m.effective_size.size() == (effective ? n + 1 : 0u));
      CHECK(m.constraint.size() == (constraint ? n + 1 : 0u));
      for (AgentId v = 0; v < n; ++v) {
        const Burt reference = reference_burt(net, v);
        if (effective) CHECK(m.effective_size[v] == static_cast<float>(reference.effective));
        if (constraint) CHECK(m.constraint[v] == static_cast<float>(reference.constraint));
      }
    }
  }
}
