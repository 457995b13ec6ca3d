#pragma once
// The collegial (advice) network: undirected weighted ties stored as a
// boost::compressed_sparse_row_graph with both arcs of each tie, rows sorted by neighbour id. Tie
// strengths are an exterior property indexed by the CSR edge index. Ties are added and removed in
// batches (merged, merge_in_place), never one at a time; strengths change in place.

#include <boost/graph/compressed_sparse_row_graph.hpp>

#include <cstdint>
#include <span>
#include <vector>

#include "mentorsim/core/function_ref.hpp"
#include "mentorsim/core/prefetch.hpp"
#include "mentorsim/core/types.hpp"
#include "mentorsim/world/population.hpp"

namespace mentorsim {

using CsrGraph = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, boost::no_property,
                                                    boost::no_property, AgentId, std::uint64_t>;

// An undirected tie, a < b. `routine` is the strength the tie relaxes back to without mentoring
// interaction (network.tie_decay); a negative routine means "its weight" (ties of the initial network
// or an edge list), and ties made during a run (introductions, mentoring bonds) have routine 0, so they
// fade unless they are used.
struct Tie {
  AgentId a = 0;
  AgentId b = 0;
  float weight = 0.0f;
  float routine = -1.0f;
  friend bool operator==(const Tie&, const Tie&) = default;
};

class CollegialNetwork {
 public:
  CollegialNetwork() : CollegialNetwork(0, {}) {}
  // From undirected ties in any order: self-loops are dropped, and a tie given twice keeps its
  // largest weight and largest routine strength. Endpoints must be < vertex_count.
  CollegialNetwork(AgentId vertex_count, std::vector<Tie> ties);

  [[nodiscard]] AgentId vertex_count() const noexcept { return static_cast<AgentId>(boost::num_vertices(graph_)); }
  [[nodiscard]] std::size_t tie_count() const noexcept { return weights_.size() / 2; }
  // Agents added after the last rebuild (hires) are not vertices yet: they have no ties.
  [[nodiscard]] std::uint32_t degree(AgentId v) const noexcept {
    return v < vertex_count() ? static_cast<std::uint32_t>(row_end(v) - row_begin(v)) : 0u;
  }
  // Neighbours of v in increasing id order, and the strengths of those ties.
  [[nodiscard]] std::span<const AgentId> neighbors(AgentId v) const noexcept {
    return v < vertex_count() ? std::span<const AgentId>{graph_.m_forward.m_column.data() + row_begin(v), degree(v)}
                              : std::span<const AgentId>{};
  }
  [[nodiscard]] std::span<const float> weights(AgentId v) const noexcept {
    return v < vertex_count() ? std::span<const float>{weights_.data() + row_begin(v), degree(v)}
                              : std::span<const float>{};
  }
  std::span<float> weights(AgentId v) noexcept {
    return v < vertex_count() ? std::span<float>{weights_.data() + row_begin(v), degree(v)} : std::span<float>{};
  }
  // Routine strengths of v's ties, same order as neighbors(v).
  [[nodiscard]] std::span<const float> routines(AgentId v) const noexcept {
    return v < vertex_count() ? std::span<const float>{routines_.data() + row_begin(v), degree(v)}
                              : std::span<const float>{};
  }
  // Cache hints for a pass that reads rows at random: prefetch_row_start(v) fetches where v's row
  // starts, prefetch_row(v) (which reads that) the first and last cache lines of the row. No effect on
  // any result; nothing for a vertex without a row.
  void prefetch_row_start(AgentId v) const noexcept {
    if (v < vertex_count()) prefetch(graph_.m_forward.m_rowstart.data() + v);
  }
  void prefetch_row(AgentId v) const noexcept {
    if (v >= vertex_count()) return;
    const std::uint64_t begin = row_begin(v);
    const std::uint64_t end = row_end(v);
    if (begin == end) return;
    const AgentId* column = graph_.m_forward.m_column.data();
    prefetch(column + begin);
    prefetch(column + end - 1);
  }
  // Moves every tie's strength toward its routine strength by the share `decay`:
  // w += float(decay * (routine - w)) for every arc, in one parallel pass over the arc arrays.
  void decay_weights(double decay);
  // Sets every tie's strength and routine strength to weight(a, b), which must be symmetric in a, b.
  void assign_weights(FunctionRef<float(AgentId, AgentId)> weight);
  // The arc at `position` in v's row, as an index into the arc arrays (arc_weight), and its strength.
  [[nodiscard]] std::uint64_t arc(AgentId v, std::size_t position) const noexcept { return row_begin(v) + position; }
  float& arc_weight(std::uint64_t arc) noexcept { return weights_[arc]; }
  // Index of u's tie to v in u's row, or -1.
  [[nodiscard]] std::ptrdiff_t position(AgentId u, AgentId v) const noexcept;
  // Strength of the tie u-v, or 0 if there is none (binary search in u's row).
  [[nodiscard]] float weight(AgentId u, AgentId v) const noexcept;
  [[nodiscard]] bool has_tie(AgentId u, AgentId v) const noexcept;
  // The network with `vertex_count` (>= the current count) vertices, without the ties for which
  // keep(a, b, weight, routine) is false (keep must be symmetric in a, b), and with `added` merged
  // in as the constructor merges ties: a tie present twice keeps its largest weight and largest
  // routine strength. Gives exactly what the constructor gives for the kept ties plus `added`, in
  // time linear in the arcs (the rows are already sorted; only the additions are sorted).
  [[nodiscard]] CollegialNetwork merged(AgentId vertex_count, FunctionRef<bool(AgentId, AgentId, float, float)> keep,
                                        std::vector<Tie> added) const;
  // The periodic merge of the tie dynamics: keeps the ties between two active agents (`active`, the
  // mask of now) that are at or above `threshold` in weight or in routine strength. The rule is applied
  // inline, not through a function reference, because it runs twice for every arc of a network of
  // millions.
  struct KeepRule {
    const ActiveMask* active;
    double threshold;  // compared in double precision, as the scenario gives it
    [[nodiscard]] bool operator()(AgentId a, AgentId b, float weight, float routine) const noexcept {
      return (*active)(a) && (*active)(b) && !(weight < threshold && routine < threshold);
    }
  };
  // merged() with the KeepRule, done in this network's own arrays instead of a second network, so that
  // a merge needs no more memory than what it adds: the arrays grow by the added arcs (with room for
  // half as many again when they must reallocate), and the rows move in place, `chunk_rows` rows at a
  // time, each worker holding one chunk's arcs: first the few rows whose new place starts before their
  // old one move toward the start with only their kept arcs, then every row moves toward the end with
  // its additions merged in. Gives exactly the rows merged() gives, for any thread count and chunk size.
  void merge_in_place(AgentId vertex_count, const KeepRule& keep, std::vector<Tie> added,
                      std::size_t chunk_rows = 4096);
  // Every tie once, a < b, sorted by (a, b).
  [[nodiscard]] std::vector<Tie> ties() const;
  // Where each vertex's ties to larger neighbours start in the list ties() gives (vertex_count() + 1
  // entries, the last the number of ties), so that one field of every tie can be laid out at a time.
  [[nodiscard]] std::vector<std::uint64_t> tie_offsets() const;
  // Visits every tie once, as ties() lists them: visit(k, a, b, arc) with a < b, k the tie's place in
  // that list (`offset` from tie_offsets()) and arc its index in a's row of the arc arrays
  // (arc_weights()). Vertices in parallel, so `visit` writes only its own place k.
  void for_each_tie(const std::vector<std::uint64_t>& offset,
                    FunctionRef<void(std::uint64_t k, AgentId a, AgentId b, std::uint64_t arc)> visit) const;
  // The same for the ties at places first <= k < last of that list only, in order, on the calling
  // thread: one piece of a column at a time.
  void for_each_tie_in(const std::vector<std::uint64_t>& offset, std::uint64_t first, std::uint64_t last,
                       FunctionRef<void(std::uint64_t k, AgentId a, AgentId b, std::uint64_t arc)> visit) const;
  [[nodiscard]] const CsrGraph& graph() const noexcept { return graph_; }
  // Strength of each arc, indexed by boost::get(boost::edge_index, graph(), e).
  [[nodiscard]] std::span<const float> arc_weights() const noexcept { return weights_; }

 private:
  [[nodiscard]] std::uint64_t row_begin(AgentId v) const noexcept { return graph_.m_forward.m_rowstart[v]; }
  [[nodiscard]] std::uint64_t row_end(AgentId v) const noexcept { return graph_.m_forward.m_rowstart[v + 1]; }

  CsrGraph graph_;
  std::vector<float> weights_;
  std::vector<float> routines_;
};

}  // namespace mentorsim
