// CollegialNetwork::merged, the incremental rebuild used when buffered ties are merged: by hand on a
// tiny graph, and equal to a rebuild from scratch (the constructor) on random graphs.

#include <catch2/catch.hpp>

#include <vector>

#include "mentorsim/core/rng.hpp"
#include "mentorsim/world/network.hpp"

using mentorsim::AgentId;
using mentorsim::CollegialNetwork;
using mentorsim::Tie;

namespace {

// Every arc of every row: neighbour, weight and routine strength.
struct Rows {
  std::vector<std::uint64_t> rowstart;
  std::vector<AgentId> column;
  std::vector<float> weight;
  std::vector<float> routine;
  friend bool operator==(const Rows&, const Rows&) = default;
};

Rows rows_of(const CollegialNetwork& net) {
  Rows r;
  r.rowstart.push_back(0);
  for (AgentId v = 0; v < net.vertex_count(); ++v) {
    for (std::size_t k = 0; k < net.degree(v); ++k) {
      r.column.push_back(net.neighbors(v)[k]);
      r.weight.push_back(net.weights(v)[k]);
      r.routine.push_back(net.routines(v)[k]);
    }
    r.rowstart.push_back(r.column.size());
  }
  return r;
}

}  // namespace

TEST_CASE("merged drops the ties keep rejects, adds new ones and grows the vertex set", "[network]") {
  // Path 0-1-2-3 with strengths 0.5, 0.02, 0.5 (routine = weight).
  const CollegialNetwork net(4, std::vector<Tie>{{0, 1, 0.5f}, {1, 2, 0.02f}, {2, 3, 0.5f}});
  const auto keep = [](AgentId, AgentId, float w, float r) { return w >= 0.05f || r >= 0.05f; };
  // Added: 3-0 (new), 2-1 again (was weak; comes back with the new strength), 4-0 (a new vertex),
  // a self-loop (dropped) and 0-3 given twice (largest weight, largest routine kept).
  const CollegialNetwork out = net.merged(
      5, keep, {{3, 0, 0.2f, 0.0f}, {2, 1, 0.3f, 0.0f}, {4, 0, 0.1f, 0.0f}, {2, 2, 0.9f, 0.0f}, {0, 3, 0.1f, 0.4f}});
  CHECK(out.vertex_count() == 5u);
  CHECK(out.ties() ==
        std::vector<Tie>{
            {0, 1, 0.5f, 0.5f}, {0, 3, 0.2f, 0.4f}, {0, 4, 0.1f, 0.0f}, {1, 2, 0.3f, 0.0f}, {2, 3, 0.5f, 0.5f}});
  CHECK(out.weight(3, 0) == 0.2f);
  CHECK(out.weight(4, 0) == 0.1f);
  // An existing tie that is added again keeps the larger weight and the larger routine strength.
  const CollegialNetwork again = out.merged(5, keep, {{1, 0, 0.9f, 0.0f}});
  CHECK(again.weight(0, 1) == 0.9f);
  CHECK(again.routines(1)[0] == 0.5f);
  CHECK(again.tie_count() == 5u);
}

TEST_CASE("merged gives exactly the rows a rebuild from scratch gives", "[network]") {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const mentorsim::RandomSource random(seed, 0);
    mentorsim::Stream stream = random.stream(0, mentorsim::Purpose::network_stubs, 0);
    const AgentId n = 60 + stream.below(60);
    const AgentId grown = n + stream.below(10);
    std::vector<Tie> initial;
    for (int k = 0; k < 400; ++k) {
      initial.push_back(Tie{stream.below(n), stream.below(n), static_cast<float>(stream.uniform())});
    }
    std::vector<Tie> added;
    for (int k = 0; k < 150; ++k) {
      added.push_back(Tie{stream.below(grown), stream.below(grown), static_cast<float>(stream.uniform()),
                          stream.uniform() < 0.5 ? 0.0f : static_cast<float>(stream.uniform())});
    }
    const CollegialNetwork net(n, initial);
    // Drop ties of "leavers" (ids divisible by 7) and weak ties.
    const auto keep = [](AgentId a, AgentId b, float w, float r) {
      return a % 7 != 0 && b % 7 != 0 && !(w < 0.2f && r < 0.2f);
    };
    std::vector<Tie> rebuilt = net.ties();
    std::erase_if(rebuilt, [&](const Tie& t) { return !keep(t.a, t.b, t.weight, t.routine); });
    rebuilt.insert(rebuilt.end(), added.begin(), added.end());
    const CollegialNetwork expected(grown, rebuilt);
    const CollegialNetwork got = net.merged(grown, keep, added);
    INFO("seed " << seed);
    CHECK(got.vertex_count() == grown);
    CHECK(rows_of(got) == rows_of(expected));
  }
}

TEST_CASE("merged into recycled storage gives the same rows as into new storage", "[network]") {
  const mentorsim::RandomSource random(11, 0);
  mentorsim::Stream stream = random.stream(0, mentorsim::Purpose::network_stubs, 0);
  const AgentId n = 80;
  std::vector<Tie> initial;
  std::vector<Tie> added;
  std::vector<Tie> other;
  for (int k = 0; k < 300; ++k)
    initial.push_back(Tie{stream.below(n), stream.below(n), static_cast<float>(stream.uniform())});
  for (int k = 0; k < 100; ++k)
    added.push_back(Tie{stream.below(n + 5), stream.below(n + 5), static_cast<float>(stream.uniform())});
  // Storage to recycle: larger and smaller than the result in turn, with unrelated contents.
  for (int k = 0; k < 900; ++k) other.push_back(Tie{stream.below(200), stream.below(200), 0.5f});
  const CollegialNetwork net(n, initial);
  const auto keep = [](AgentId a, AgentId b, float w, float) { return (a + b) % 5 != 0 && w > 0.1f; };
  const CollegialNetwork fresh = net.merged(n + 5, keep, added);
  const CollegialNetwork big = net.merged(n + 5, keep, added, CollegialNetwork(200, other));
  const CollegialNetwork small = net.merged(n + 5, keep, added, CollegialNetwork(3, {{0, 1, 0.2f}}));
  CHECK(big.vertex_count() == n + 5);
  CHECK(rows_of(big) == rows_of(fresh));
  CHECK(rows_of(small) == rows_of(fresh));
}

TEST_CASE("merged with the tie-dynamics KeepRule equals merged with the same predicate", "[network]") {
  // The rule keeps ties between active agents at or above the threshold in weight or routine,
  // compared in double precision as the predicate below does; a tie of 0.3f (which is just above
  // 0.3) stays at threshold 0.3.
  const mentorsim::RandomSource random(5, 0);
  mentorsim::Stream stream = random.stream(0, mentorsim::Purpose::network_stubs, 0);
  const AgentId n = 90;
  mentorsim::Population pop;
  pop.resize(n);
  for (AgentId a = 0; a < n; ++a) pop.left[a] = a % 9 == 4 ? 3 : mentorsim::kNever;
  const mentorsim::ActiveMask active(pop);
  std::vector<Tie> initial;
  std::vector<Tie> added;
  for (int k = 0; k < 400; ++k) {
    initial.push_back(Tie{stream.below(n), stream.below(n), static_cast<float>(stream.uniform()),
                          stream.uniform() < 0.5 ? 0.0f : static_cast<float>(stream.uniform())});
  }
  initial.push_back(Tie{1, 2, 0.3f, 0.0f});
  for (int k = 0; k < 120; ++k) added.push_back(Tie{stream.below(n), stream.below(n), 0.2f, 0.0f});
  const CollegialNetwork net(n, initial);
  const double threshold = 0.3;
  const auto keep = [&](AgentId a, AgentId b, float w, float r) {
    return active(a) && active(b) && !(w < threshold && r < threshold);
  };
  const CollegialNetwork by_rule = net.merged(n, CollegialNetwork::KeepRule{&active, threshold}, added);
  const CollegialNetwork by_predicate = net.merged(n, keep, added);
  CHECK(rows_of(by_rule) == rows_of(by_predicate));
  CHECK(by_rule.has_tie(1, 2));
  // Old ties survive only between active agents and when strong enough (the additions, all of
  // strength 0.2 and routine 0, are not subject to the rule).
  std::size_t old_kept = 0;
  for (AgentId v = 0; v < n; ++v) {
    for (std::size_t k = 0; k < by_rule.degree(v); ++k) {
      const AgentId u = by_rule.neighbors(v)[k];
      if (by_rule.weights(v)[k] == 0.2f && by_rule.routines(v)[k] == 0.0f) continue;
      ++old_kept;
      CHECK((active(v) && active(u)));
      CHECK((by_rule.weights(v)[k] >= 0.3f || by_rule.routines(v)[k] >= 0.3f));
    }
  }
  CHECK(old_kept > 0u);
  CHECK(old_kept < 2 * net.tie_count());
}
