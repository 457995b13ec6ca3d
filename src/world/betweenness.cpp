// Betweenness centrality by Brandes' algorithm (unweighted shortest paths), exact or estimated from a
// sample of sources (Brandes & Pich 2007). Sources are split into a fixed number of chunks, each
// accumulated in source order and the chunks combined in chunk order, so the result does not depend
// on the thread count.

#include <algorithm>
#include <cmath>
#include <numeric>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/world/network_measures.hpp"

namespace mentorsim {
namespace {

constexpr std::size_t kChunks = 8;

struct Accumulator {
  std::vector<double> sum;
  std::vector<double> sum_squares;
};

// Dependencies delta_s(v) of every vertex on source s, added to the accumulator.
class BrandesWorker {
 public:
  explicit BrandesWorker(const CollegialNetwork& network)
      : network_(network),
        distance_(network.vertex_count(), -1),
        paths_(network.vertex_count(), 0.0),
        dependency_(network.vertex_count(), 0.0) {
    order_.reserve(network.vertex_count());
  }

  void add_source(AgentId source, Accumulator& acc, bool squares) {
    order_.clear();
    distance_[source] = 0;
    paths_[source] = 1.0;
    order_.push_back(source);
    for (std::size_t head = 0; head < order_.size(); ++head) {
      const AgentId v = order_[head];
      for (AgentId w : network_.neighbors(v)) {
        if (distance_[w] < 0) {
          distance_[w] = distance_[v] + 1;
          order_.push_back(w);
        }
        if (distance_[w] == distance_[v] + 1) paths_[w] += paths_[v];
      }
    }
    // Back-propagation in order of non-increasing distance.
    for (auto it = order_.rbegin(); it != order_.rend(); ++it) {
      const AgentId w = *it;
      for (AgentId v : network_.neighbors(w)) {
        if (distance_[v] == distance_[w] - 1) dependency_[v] += paths_[v] / paths_[w] * (1.0 + dependency_[w]);
      }
      if (w != source) {
        acc.sum[w] += dependency_[w];
        if (squares) acc.sum_squares[w] += dependency_[w] * dependency_[w];
      }
    }
    for (AgentId v : order_) {
      distance_[v] = -1;
      paths_[v] = 0.0;
      dependency_[v] = 0.0;
    }
  }

 private:
  const CollegialNetwork& network_;
  std::vector<std::int32_t> distance_;
  std::vector<double> paths_;
  std::vector<double> dependency_;
  std::vector<AgentId> order_;
};

Accumulator accumulate(const CollegialNetwork& network, const std::vector<AgentId>& sources, bool squares) {
  const std::size_t n = network.vertex_count();
  const std::size_t chunks = std::min(kChunks, std::max<std::size_t>(sources.size(), 1));
  std::vector<Accumulator> partial(chunks);
  parallel::for_each(
      chunks,
      [&](std::size_t c) {
        Accumulator& acc = partial[c];
        acc.sum.assign(n, 0.0);
        if (squares) acc.sum_squares.assign(n, 0.0);
        BrandesWorker worker(network);
        const std::size_t begin = c * sources.size() / chunks;
        const std::size_t end = (c + 1) * sources.size() / chunks;
        for (std::size_t k = begin; k < end; ++k) worker.add_source(sources[k], acc, squares);
      },
      1);
  Accumulator total{std::vector<double>(n, 0.0), std::vector<double>(squares ? n : 0, 0.0)};
  for (const auto& acc : partial) {
    for (std::size_t v = 0; v < n; ++v) total.sum[v] += acc.sum[v];
    if (squares) {
      for (std::size_t v = 0; v < n; ++v) total.sum_squares[v] += acc.sum_squares[v];
    }
  }
  return total;
}

}  // namespace

BetweennessResult betweenness_exact(const CollegialNetwork& network) {
  std::vector<AgentId> sources(network.vertex_count());
  std::iota(sources.begin(), sources.end(), AgentId{0});
  Accumulator acc = accumulate(network, sources, false);
  BetweennessResult out;
  out.exact = true;
  out.sources = network.vertex_count();
  out.value = std::move(acc.sum);
  for (double& v : out.value) v *= 0.5;  // undirected: each pair was counted from both ends
  return out;
}

BetweennessResult betweenness_sampled(const CollegialNetwork& network, std::uint32_t sources,
                                      const RandomSource& random) {
  const std::size_t n = network.vertex_count();
  if (sources >= n) return betweenness_exact(network);
  // k distinct sources: the vertices with the k smallest random keys.
  std::vector<std::pair<std::uint64_t, AgentId>> keyed(n);
  parallel::for_each(n, [&](std::size_t v) {
    const auto id = static_cast<AgentId>(v);
    keyed[v] = {(static_cast<std::uint64_t>(random.stream(0, Purpose::measure_sampling, id).next_u32()) << 32) | id,
                id};
  });
  std::nth_element(keyed.begin(), keyed.begin() + sources, keyed.end());
  std::sort(keyed.begin(), keyed.begin() + sources);
  std::vector<AgentId> chosen(sources);
  for (std::size_t k = 0; k < sources; ++k) chosen[k] = keyed[k].second;

  Accumulator acc = accumulate(network, chosen, true);
  BetweennessResult out;
  out.exact = false;
  out.sources = sources;
  out.value.resize(n);
  const double k = sources;
  const double scale = 0.5 * static_cast<double>(n) / k;
  // Sampling without replacement from n sources: finite population correction.
  const double correction = n > 1 ? (static_cast<double>(n) - k) / (static_cast<double>(n) - 1.0) : 0.0;
  double total_error = 0.0;
  for (std::size_t v = 0; v < n; ++v) {
    out.value[v] = scale * acc.sum[v];
    const double mean = acc.sum[v] / k;
    const double variance = std::max(0.0, acc.sum_squares[v] / k - mean * mean) * k / std::max(1.0, k - 1.0);
    total_error += 0.5 * static_cast<double>(n) * std::sqrt(variance * correction / k);
  }
  out.mean_standard_error = n > 0 ? total_error / static_cast<double>(n) : 0.0;
  return out;
}

}  // namespace mentorsim
