#include "mentorsim/world/network.hpp"

#include <algorithm>
#include <atomic>
#include <memory>

#include "mentorsim/core/parallel.hpp"

namespace mentorsim {
namespace {

// A tie while the graph is built: no default member initialisers, so buffers of them can be left
// uninitialised (make_unique_for_overwrite) instead of being zero-filled first.
struct Arc {
  AgentId a;
  AgentId b;
  float weight;
  float routine;
};

// Atomic increment of a counter held in a plain vector (each counter used by several threads).
std::uint64_t fetch_add(std::vector<std::uint64_t>& counters, std::size_t index) {
  return std::atomic_ref<std::uint64_t>(counters[index]).fetch_add(1, std::memory_order_relaxed);
}

// Sorts each bucket [start[v], start[v + 1]) of arcs by (b, weight descending, routine descending):
// a total order, so the result does not depend on the order the parallel scatter wrote them in.
void sort_buckets(Arc* arcs, const std::vector<std::uint64_t>& start) {
  parallel::for_each(
      start.size() - 1,
      [&](std::size_t v) {
        std::sort(arcs + start[v], arcs + start[v + 1], [](const Arc& x, const Arc& y) {
          if (x.b != y.b) return x.b < y.b;
          if (x.weight != y.weight) return x.weight > y.weight;
          return x.routine > y.routine;
        });
      },
      1024);
}

// Sorts each bucket (sort_buckets), then merges the arcs of a bucket that share a target into its
// first one (largest weight, which sorts first, and largest routine strength), packed at the front of
// the bucket. Returns how many distinct arcs each bucket keeps.
std::vector<std::uint64_t> sort_and_merge_buckets(Arc* arcs, const std::vector<std::uint64_t>& start) {
  sort_buckets(arcs, start);
  std::vector<std::uint64_t> distinct(start.size() - 1, 0);
  parallel::for_each(
      distinct.size(),
      [&](std::size_t v) {
        Arc* first = arcs + start[v];
        Arc* last = arcs + start[v + 1];
        Arc* out = first;
        for (Arc* it = first; it != last; ++it) {
          if (it != first && it->b == (out - 1)->b) {
            (out - 1)->routine = std::max((out - 1)->routine, it->routine);
          } else {
            *out++ = *it;
          }
        }
        distinct[v] = static_cast<std::uint64_t>(out - first);
      },
      1024);
  return distinct;
}

}  // namespace

CollegialNetwork::CollegialNetwork(AgentId vertex_count, std::vector<Tie> ties) {
  const std::size_t n = vertex_count;
  // 1. Canonical ties (a < b) bucketed by a: parallel scatter with atomic cursors, then each bucket
  //    sorted and its duplicates merged (largest weight and largest routine strength kept).
  std::vector<std::uint64_t> bucket(n + 1, 0);
  parallel::for_each(ties.size(), [&](std::size_t k) {
    Tie& t = ties[k];
    if (t.a > t.b) std::swap(t.a, t.b);
    if (t.routine < 0.0f) t.routine = t.weight;
    if (t.a != t.b) fetch_add(bucket, t.a + 1);
  });
  for (std::size_t v = 0; v < n; ++v) bucket[v + 1] += bucket[v];
  auto arcs = std::make_unique_for_overwrite<Arc[]>(bucket.back());
  {
    std::vector<std::uint64_t> cursor(bucket.begin(), bucket.end() - 1);
    parallel::for_each(ties.size(), [&](std::size_t k) {
      const Tie& t = ties[k];
      if (t.a == t.b) return;
      arcs[fetch_add(cursor, t.a)] = Arc{t.a, t.b, t.weight, t.routine};
    });
  }
  ties.clear();
  ties.shrink_to_fit();
  // Distinct larger neighbours of each vertex.
  const std::vector<std::uint64_t> upper = sort_and_merge_buckets(arcs.get(), bucket);

  // 2. Rows: smaller neighbours (from the other buckets) first, then the larger ones (the bucket).
  std::vector<std::uint64_t> lower(n, 0);
  parallel::for_each(
      n,
      [&](std::size_t v) {
        for (std::uint64_t k = bucket[v]; k < bucket[v] + upper[v]; ++k) fetch_add(lower, arcs[k].b);
      },
      1024);
  std::vector<std::uint64_t> rowstart(n + 1, 0);
  for (std::size_t v = 0; v < n; ++v) rowstart[v + 1] = rowstart[v] + lower[v] + upper[v];
  const std::uint64_t total = rowstart.back();
  std::vector<AgentId> column(total);
  auto row_arcs = std::make_unique_for_overwrite<Arc[]>(total);
  {
    std::vector<std::uint64_t> cursor(rowstart.begin(), rowstart.end() - 1);
    parallel::for_each(
        n,
        [&](std::size_t v) {
          // The larger neighbours, already sorted, after the smaller ones.
          const std::uint64_t at = rowstart[v] + lower[v];
          for (std::uint64_t k = 0; k < upper[v]; ++k) row_arcs[at + k] = arcs[bucket[v] + k];
          // The smaller neighbours: scattered to their rows in any order, sorted below.
          for (std::uint64_t k = bucket[v]; k < bucket[v] + upper[v]; ++k) {
            const Arc& e = arcs[k];
            row_arcs[fetch_add(cursor, e.b)] = Arc{e.b, e.a, e.weight, e.routine};
          }
        },
        1024);
  }
  arcs.reset();
  std::vector<float> arc_weight(total);
  std::vector<float> arc_routine(total);
  parallel::for_each(
      n,
      [&](std::size_t v) {
        Arc* first = row_arcs.get() + rowstart[v];
        std::sort(first, first + lower[v], [](const Arc& x, const Arc& y) { return x.b < y.b; });
        for (std::uint64_t k = rowstart[v]; k < rowstart[v + 1]; ++k) {
          column[k] = row_arcs[k].b;
          arc_weight[k] = row_arcs[k].weight;
          arc_routine[k] = row_arcs[k].routine;
        }
      },
      1024);
  row_arcs.reset();

  // 3. The boost graph takes the finished rows (its CSR storage is public; without vertex or edge
  //    properties it holds nothing else).
  graph_ = CsrGraph(vertex_count);
  graph_.m_forward.m_rowstart = std::move(rowstart);
  graph_.m_forward.m_column = std::move(column);
  weights_ = std::move(arc_weight);
  routines_ = std::move(arc_routine);
}

void CollegialNetwork::decay_weights(double decay) {
  float* const w = weights_.data();
  const float* const r = routines_.data();
  parallel::for_blocks(weights_.size(), 1 << 14, [&](std::size_t begin, std::size_t end) {
    for (std::size_t k = begin; k < end; ++k) w[k] += static_cast<float>(decay * (r[k] - w[k]));
  });
}

void CollegialNetwork::assign_weights(FunctionRef<float(AgentId, AgentId)> weight) {
  parallel::for_each(
      vertex_count(),
      [&](std::size_t v) {
        const auto a = static_cast<AgentId>(v);
        const auto row = neighbors(a);
        const std::uint64_t first = row_begin(a);
        for (std::size_t k = 0; k < row.size(); ++k) {
          weights_[first + k] = weight(a, row[k]);
          routines_[first + k] = weights_[first + k];
        }
      },
      1024);
}

namespace {
// Resizes `v` for a caller that then overwrites every entry. Within capacity, resize() initialises
// only what the vector grows by. Past capacity, the old contents are dropped rather than copied
// (a serial copy into fresh pages, every merge, as hires grow the network) and 1/8 more room is
// kept, so later merges of a slowly growing network stay within capacity.
template <class T>
void resize_for_overwrite(std::vector<T>& v, std::size_t size) {
  if (v.capacity() < size) {
    std::vector<T>().swap(v);
    v.reserve(size + size / 8);
  }
  v.resize(size);
}
}  // namespace

template <class Keep>
CollegialNetwork CollegialNetwork::merge_with(AgentId new_vertex_count, const Keep& keep, std::vector<Tie> added,
                                              CollegialNetwork recycled) const {
  const std::size_t n = std::max<std::size_t>(new_vertex_count, vertex_count());
  // 1. The additions as arcs in both directions, bucketed by source, each bucket sorted by
  //    (target, weight descending, routine descending) and its duplicates merged.
  std::vector<std::uint64_t> bucket(n + 1, 0);
  parallel::for_each(added.size(), [&](std::size_t k) {
    Tie& t = added[k];
    if (t.routine < 0.0f) t.routine = t.weight;
    if (t.a == t.b) return;
    fetch_add(bucket, t.a + 1);
    fetch_add(bucket, t.b + 1);
  });
  for (std::size_t v = 0; v < n; ++v) bucket[v + 1] += bucket[v];
  auto arcs = std::make_unique_for_overwrite<Arc[]>(bucket.back());
  {
    std::vector<std::uint64_t> cursor(bucket.begin(), bucket.end() - 1);
    parallel::for_each(added.size(), [&](std::size_t k) {
      const Tie& t = added[k];
      if (t.a == t.b) return;
      arcs[fetch_add(cursor, t.a)] = Arc{t.a, t.b, t.weight, t.routine};
      arcs[fetch_add(cursor, t.b)] = Arc{t.b, t.a, t.weight, t.routine};
    });
  }
  added.clear();
  added.shrink_to_fit();
  const std::vector<std::uint64_t> distinct = sort_and_merge_buckets(arcs.get(), bucket);

  // 2. Each row: the kept old arcs merged with the additions (both sorted by neighbour). `emit` is
  //    called once per arc of the new row, in neighbour order.
  const AgentId old_n = vertex_count();
  auto merge_row = [&](AgentId v, auto&& emit) {
    const Arc* add = arcs.get() + bucket[v];
    const Arc* add_end = add + distinct[v];
    const auto row = neighbors(v);
    const auto w = weights(v);
    const auto r = routines(v);
    std::size_t k = 0;
    const std::size_t old_degree = v < old_n ? row.size() : 0;
    while (k < old_degree || add != add_end) {
      if (k < old_degree && !keep(v, row[k], w[k], r[k])) {
        ++k;
        continue;
      }
      if (add == add_end || (k < old_degree && row[k] < add->b)) {
        emit(row[k], w[k], r[k]);
        ++k;
      } else if (k < old_degree && row[k] == add->b) {
        emit(row[k], std::max(w[k], add->weight), std::max(r[k], add->routine));
        ++k;
        ++add;
      } else {
        emit(add->b, add->weight, add->routine);
        ++add;
      }
    }
  };
  // Arrays taken from `recycled`, every entry of which is written below: resized without copying
  // their old contents (see resize_for_overwrite).
  std::vector<std::uint64_t> rowstart = std::move(recycled.graph_.m_forward.m_rowstart);
  std::vector<AgentId> column = std::move(recycled.graph_.m_forward.m_column);
  std::vector<float> arc_weight = std::move(recycled.weights_);
  std::vector<float> arc_routine = std::move(recycled.routines_);
  resize_for_overwrite(rowstart, n + 1);
  rowstart[0] = 0;
  parallel::for_each(
      n,
      [&](std::size_t v) {
        std::uint64_t count = 0;
        merge_row(static_cast<AgentId>(v), [&](AgentId, float, float) { ++count; });
        rowstart[v + 1] = count;
      },
      1024);
  for (std::size_t v = 0; v < n; ++v) rowstart[v + 1] += rowstart[v];
  const std::uint64_t total = rowstart.back();
  resize_for_overwrite(column, total);
  resize_for_overwrite(arc_weight, total);
  resize_for_overwrite(arc_routine, total);
  parallel::for_each(
      n,
      [&](std::size_t v) {
        std::uint64_t at = rowstart[v];
        merge_row(static_cast<AgentId>(v), [&](AgentId u, float weight, float routine) {
          column[at] = u;
          arc_weight[at] = weight;
          arc_routine[at] = routine;
          ++at;
        });
      },
      1024);

  CollegialNetwork result;
  result.graph_ = CsrGraph(static_cast<AgentId>(n));
  result.graph_.m_forward.m_rowstart = std::move(rowstart);
  result.graph_.m_forward.m_column = std::move(column);
  result.weights_ = std::move(arc_weight);
  result.routines_ = std::move(arc_routine);
  return result;
}

CollegialNetwork CollegialNetwork::merged(AgentId vertex_count, FunctionRef<bool(AgentId, AgentId, float, float)> keep,
                                          std::vector<Tie> added, CollegialNetwork recycled) const {
  return merge_with(vertex_count, keep, std::move(added), std::move(recycled));
}

CollegialNetwork CollegialNetwork::merged(AgentId vertex_count, const KeepRule& keep, std::vector<Tie> added,
                                          CollegialNetwork recycled) const {
  return merge_with(vertex_count, keep, std::move(added), std::move(recycled));
}

std::ptrdiff_t CollegialNetwork::position(AgentId u, AgentId v) const noexcept {
  const auto row = neighbors(u);
  const auto it = std::lower_bound(row.begin(), row.end(), v);
  if (it == row.end() || *it != v) return -1;
  return it - row.begin();
}

float CollegialNetwork::weight(AgentId u, AgentId v) const noexcept {
  const auto row = neighbors(u);
  const auto it = std::lower_bound(row.begin(), row.end(), v);
  if (it == row.end() || *it != v) return 0.0f;
  return weights(u)[static_cast<std::size_t>(it - row.begin())];
}

bool CollegialNetwork::has_tie(AgentId u, AgentId v) const noexcept {
  const auto row = neighbors(u);
  return std::binary_search(row.begin(), row.end(), v);
}

std::vector<Tie> CollegialNetwork::ties() const {
  // Each vertex's ties to larger neighbours go to its own slice (offsets from a prefix sum).
  const std::size_t n = vertex_count();
  std::vector<std::uint64_t> offset(n + 1, 0);
  parallel::for_each(
      n,
      [&](std::size_t v) {
        const auto row = neighbors(static_cast<AgentId>(v));
        offset[v + 1] =
            static_cast<std::uint64_t>(row.end() - std::upper_bound(row.begin(), row.end(), static_cast<AgentId>(v)));
      },
      4096);
  for (std::size_t v = 0; v < n; ++v) offset[v + 1] += offset[v];
  std::vector<Tie> out(offset[n]);
  parallel::for_each(
      n,
      [&](std::size_t v) {
        const auto a = static_cast<AgentId>(v);
        const auto row = neighbors(a);
        const auto w = weights(a);
        const auto r = routines(a);
        std::uint64_t at = offset[v];
        for (std::size_t k = 0; k < row.size(); ++k) {
          if (row[k] > a) out[at++] = Tie{a, row[k], w[k], r[k]};
        }
      },
      4096);
  return out;
}

}  // namespace mentorsim
