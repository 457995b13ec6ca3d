// CollegialNetwork::merged, the incremental rebuild used when buffered ties are merged: by hand on a
// tiny graph, and equal to a rebuild from scratch (the constructor) on random graphs; and
// merge_in_place, the same merge in the network's own arrays, equal to merged().

#include <catch2/catch.hpp>

#include <vector>

#include "mentorsim/core/parallel.hpp"
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

namespace {

// A random network of n agents, every ninth of whom (from `offset`) has left, with random additions
// among n + grow agents (some of them hires): `ties` initial ties and `additions` added ones.
struct MergeCase {
  AgentId n = 0;
  AgentId grown = 0;
  mentorsim::Population pop;
  std::vector<Tie> initial;
  std::vector<Tie> added;
};

MergeCase merge_case(std::uint64_t seed, AgentId n, AgentId grow, int ties, int additions) {
  const mentorsim::RandomSource random(seed, 0);
  mentorsim::Stream stream = random.stream(0, mentorsim::Purpose::network_stubs, 0);
  MergeCase c;
  c.n = n;
  c.grown = n + grow;
  c.pop.resize(c.grown);
  const AgentId offset = stream.below(9);
  for (AgentId a = 0; a < c.grown; ++a) c.pop.left[a] = (a + offset) % 9 == 0 ? 3 : mentorsim::kNever;
  for (int k = 0; k < ties; ++k) {
    c.initial.push_back(Tie{stream.below(n), stream.below(n), static_cast<float>(stream.uniform()),
                            stream.uniform() < 0.5 ? 0.0f : static_cast<float>(stream.uniform())});
  }
  for (int k = 0; k < additions; ++k) {
    c.added.push_back(Tie{stream.below(c.grown), stream.below(c.grown), static_cast<float>(stream.uniform()),
                          stream.uniform() < 0.5 ? 0.0f : static_cast<float>(stream.uniform())});
  }
  return c;
}

}  // namespace

TEST_CASE("merge_in_place gives exactly the rows merged gives, for any chunk size and thread count",
          "[network][determinism]") {
  // Networks that shrink (a high threshold drops most ties), grow (many additions, hires) or both, so
  // that rows move toward the start in the first pass and toward the end in the second by up to whole
  // chunks; chunks of 1 row to more than the network, and 1, 2 and 4 threads.
  struct Shape {
    AgentId n;
    AgentId grow;
    int ties;
    int additions;
    double threshold;
  };
  const Shape shapes[] = {{200, 0, 900, 50, 0.9}, {150, 40, 300, 900, 0.1}, {300, 25, 1200, 600, 0.5},
                          {50, 10, 0, 80, 0.5},   {60, 0, 200, 0, 0.0},     {80, 5, 400, 0, 1.1}};
  for (const int threads : {1, 2, 4}) {
    mentorsim::parallel::set_threads(threads);
    std::uint64_t seed = 100;
    for (const Shape& shape : shapes) {
      for (const std::size_t chunk : {std::size_t{1}, std::size_t{3}, std::size_t{16}, std::size_t{4096}}) {
        const MergeCase c = merge_case(++seed, shape.n, shape.grow, shape.ties, shape.additions);
        const mentorsim::ActiveMask active(c.pop);
        const CollegialNetwork::KeepRule rule{&active, shape.threshold};
        const auto keep = [&](AgentId a, AgentId b, float w, float r) { return rule(a, b, w, r); };
        const CollegialNetwork net(c.n, c.initial);
        const CollegialNetwork expected = net.merged(c.grown, keep, c.added);
        CollegialNetwork got(c.n, c.initial);
        got.merge_in_place(c.grown, rule, c.added, chunk);
        INFO("threads " << threads << ", seed " << seed << ", chunk " << chunk);
        CHECK(got.vertex_count() == c.grown);
        CHECK(rows_of(got) == rows_of(expected));
        CHECK(got.tie_count() == expected.tie_count());
        // Merged again, in place, from the merged network.
        const CollegialNetwork expected_again = expected.merged(c.grown, keep, c.initial);
        got.merge_in_place(c.grown, rule, c.initial, chunk);
        CHECK(rows_of(got) == rows_of(expected_again));
      }
    }
  }
  mentorsim::parallel::set_threads(0);
}

TEST_CASE("merge_in_place by hand: a tie dropped, one strengthened, one added to a hire", "[network]") {
  // Path 0-1-2-3 (strengths 0.5, 0.02, 0.5; routine = weight); agent 3 has left. Threshold 0.05: 1-2 is
  // too weak, 2-3 loses a leaver. Added: 0-1 again (0.7, routine 0) and 4-0 (agent 4, a hire).
  mentorsim::Population pop;
  pop.resize(5);
  pop.left[3] = 2;
  const mentorsim::ActiveMask active(pop);
  CollegialNetwork net(4, std::vector<Tie>{{0, 1, 0.5f}, {1, 2, 0.02f}, {2, 3, 0.5f}});
  net.merge_in_place(5, CollegialNetwork::KeepRule{&active, 0.05}, {{1, 0, 0.7f, 0.0f}, {4, 0, 0.1f, 0.0f}}, 1);
  CHECK(net.vertex_count() == 5u);
  CHECK(net.ties() == std::vector<Tie>{{0, 1, 0.7f, 0.5f}, {0, 4, 0.1f, 0.0f}});
  CHECK(net.degree(2) == 0u);
  CHECK(net.degree(3) == 0u);
  CHECK(net.neighbors(0).size() == 2u);
  CHECK(net.weight(4, 0) == 0.1f);
}

TEST_CASE("merge_in_place with the tie-dynamics KeepRule equals merged with the same predicate", "[network]") {
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
  CollegialNetwork by_rule(n, initial);
  by_rule.merge_in_place(n, CollegialNetwork::KeepRule{&active, threshold}, added);
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

TEST_CASE("ties added in steps with merged give the network built from all of them at once", "[network][determinism]") {
  // The network generator's use: nothing dropped; the block ties first, then closure ties and top-up
  // ties merged in (duplicates of earlier ties, duplicates among themselves and self-loops included).
  // Strengths are 1 with the routine strength unset (-1, so it becomes the weight), as the generator
  // makes them, and also random.
  const auto keep_all = [](AgentId, AgentId, float, float) { return true; };
  for (const int threads : {1, 2}) {
    mentorsim::parallel::set_threads(threads);
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
      const mentorsim::RandomSource random(seed, 0);
      mentorsim::Stream stream = random.stream(0, mentorsim::Purpose::network_stubs, 0);
      const AgentId n = 40 + stream.below(80);
      const auto draw = [&](int count, bool unit_strength) {
        std::vector<Tie> ties;
        for (int k = 0; k < count; ++k) {
          const AgentId a = stream.below(n);
          const AgentId b = stream.below(n);
          if (unit_strength) {
            ties.push_back(Tie{a, b, 1.0f});
          } else {
            ties.push_back(Tie{a, b, static_cast<float>(stream.uniform()), static_cast<float>(stream.uniform())});
          }
        }
        return ties;
      };
      for (const bool unit_strength : {true, false}) {
        const std::vector<Tie> block = draw(300, unit_strength);
        const std::vector<Tie> closure = draw(120, unit_strength);
        const std::vector<Tie> top_up = draw(20, unit_strength);
        std::vector<Tie> all = block;
        all.insert(all.end(), closure.begin(), closure.end());
        all.insert(all.end(), top_up.begin(), top_up.end());
        const CollegialNetwork expected(n, all);
        const CollegialNetwork got =
            CollegialNetwork(n, block).merged(n, keep_all, closure).merged(n, keep_all, top_up);
        INFO("threads " << threads << ", seed " << seed << ", unit strength " << unit_strength);
        CHECK(rows_of(got) == rows_of(expected));
        CHECK(got.tie_count() == expected.tie_count());
      }
    }
  }
  mentorsim::parallel::set_threads(0);
}
