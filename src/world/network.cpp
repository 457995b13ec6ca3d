#include "mentorsim/world/network.hpp"

#include <algorithm>
#include <atomic>
#include <memory>
#include <stdexcept>
#include <thread>

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
  // `weight` is symmetric, so each tie's strength is computed once, at its arc in the row of its
  // smaller end (the row's last arcs, rows being sorted), then copied to the arc in the larger end's
  // row, found in the smaller end's row by binary search.
  parallel::for_each(
      vertex_count(),
      [&](std::size_t v) {
        const auto a = static_cast<AgentId>(v);
        const auto row = neighbors(a);
        const std::uint64_t first = row_begin(a);
        for (std::size_t k = row.size(); k-- > 0 && row[k] > a;) {
          weights_[first + k] = weight(a, row[k]);
          routines_[first + k] = weights_[first + k];
        }
      },
      1024);
  parallel::for_each(
      vertex_count(),
      [&](std::size_t v) {
        const auto b = static_cast<AgentId>(v);
        const auto row = neighbors(b);
        const std::uint64_t first = row_begin(b);
        for (std::size_t k = 0; k < row.size() && row[k] < b; ++k) {
          const AgentId a = row[k];
          const auto theirs = neighbors(a);
          const auto at =
              static_cast<std::uint64_t>(std::lower_bound(theirs.begin(), theirs.end(), b) - theirs.begin());
          weights_[first + k] = weights_[row_begin(a) + at];
          routines_[first + k] = weights_[first + k];
        }
      },
      1024);
}

namespace {

// The additions of a merge as arcs in both directions, bucketed by source (`bucket`, n + 1 row starts),
// each bucket sorted by (target, weight descending, routine descending) and its duplicates merged:
// bucket v keeps its `distinct[v]` distinct arcs at its front. Negative routine strengths become the
// weight; self-loops are dropped.
std::unique_ptr<Arc[]> bucket_additions(std::size_t n, std::vector<Tie> added, std::vector<std::uint64_t>& bucket,
                                        std::vector<std::uint64_t>& distinct) {
  bucket.assign(n + 1, 0);
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
  distinct = sort_and_merge_buckets(arcs.get(), bucket);
  return arcs;
}

// One row of a merge: the row's arcs for which keep(target, weight, routine) holds merged with the
// row's additions (both sorted by target; a target in both keeps the larger weight and the larger
// routine strength). Calls emit(target, weight, routine) once per arc of the new row, in target order,
// and before it new_target() if the arc is an addition to a target the kept arcs do not have.
struct NoNewTarget {
  void operator()() const noexcept {}
};
template <class Emit, class Keep, class NewTarget = NoNewTarget>
void merge_sorted_row(const AgentId* row, const float* w, const float* r, std::size_t degree, const Arc* add,
                      std::size_t additions, const Emit& emit, const Keep& keep, const NewTarget& new_target = {}) {
  const Arc* const add_end = add + additions;
  std::size_t k = 0;
  while (k < degree || add != add_end) {
    if (k < degree && !keep(row[k], w[k], r[k])) {
      ++k;
      continue;
    }
    if (add == add_end || (k < degree && row[k] < add->b)) {
      emit(row[k], w[k], r[k]);
      ++k;
    } else if (k < degree && row[k] == add->b) {
      emit(row[k], std::max(w[k], add->weight), std::max(r[k], add->routine));
      ++k;
      ++add;
    } else {
      new_target();
      emit(add->b, add->weight, add->routine);
      ++add;
    }
  }
}

}  // namespace

CollegialNetwork CollegialNetwork::merged(AgentId new_vertex_count,
                                          FunctionRef<bool(AgentId, AgentId, float, float)> keep,
                                          std::vector<Tie> added) const {
  const std::size_t n = std::max<std::size_t>(new_vertex_count, vertex_count());
  // 1. The additions, bucketed by source.
  std::vector<std::uint64_t> bucket;
  std::vector<std::uint64_t> distinct;
  const auto arcs = bucket_additions(n, std::move(added), bucket, distinct);

  // 2. Each row: the kept old arcs merged with the additions. `emit` is called once per arc of the new
  //    row, in neighbour order.
  const AgentId old_n = vertex_count();
  auto merge_row = [&](AgentId v, auto&& emit) {
    const auto row = neighbors(v);
    merge_sorted_row(row.data(), weights(v).data(), routines(v).data(), v < old_n ? row.size() : 0,
                     arcs.get() + bucket[v], distinct[v], emit,
                     [&](AgentId b, float w, float r) { return keep(v, b, w, r); });
  };
  std::vector<std::uint64_t> rowstart(n + 1);
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
  std::vector<AgentId> column(total);
  std::vector<float> arc_weight(total);
  std::vector<float> arc_routine(total);
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

namespace {

// Rewrites rows of the arc arrays in place, chunk after chunk of `chunk_rows` rows. Row v's arcs lie
// from from(v) on, within [from(v), from(v + 1)), and its count(v) new arcs go to to(v) on; fill(first,
// last, column, weight, routine) writes the new arcs of rows [first, last), one row after another, to
// the three arrays given, reading them where they are now. `moves(c)` says whether chunk c has anything
// to do (a chunk that does not is where it belongs). A chunk is read into the worker's buffer, marked as
// read, and written row by row to its new place once every chunk whose arcs lie there has been read.
// `toward_start`: every row moves toward the start (to(v) <= from(v), and row v's new arcs end by
// to(v + 1) <= from(v + 1)), and chunks are taken from the first; otherwise every row moves toward the
// end (to(v) >= from(v)) and chunks are taken from the last. Either way a chunk's new place holds only
// arcs of chunks taken before it, so a worker waits only for chunks that other workers are reading,
// never for one not yet taken.
template <class From, class To, class Count, class Moves, class Fill>
void move_rows(std::size_t rows, std::size_t chunk_rows, const From& from, const To& to, const Count& count,
               bool toward_start, const Moves& moves, std::vector<AgentId>& column, std::vector<float>& weight,
               std::vector<float>& routine, const Fill& fill) {
  const std::size_t chunks = (rows + chunk_rows - 1) / chunk_rows;
  if (chunks == 0) return;
  const auto first_row = [&](std::size_t c) { return c * chunk_rows; };
  const auto last_row = [&](std::size_t c) { return std::min(rows, (c + 1) * chunk_rows); };
  std::vector<std::atomic<bool>> read(chunks);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  const auto wait_for = [&](std::size_t c) {
    while (!read[c].load(std::memory_order_acquire)) {
      if (failed.load(std::memory_order_relaxed)) throw std::runtime_error("network merge: a worker failed");
      std::this_thread::yield();
    }
  };
  const auto workers = static_cast<std::size_t>(std::max(1, parallel::threads()));
  parallel::for_each(
      workers,
      [&](std::size_t) {
        std::vector<AgentId> to_column;
        std::vector<float> to_weight;
        std::vector<float> to_routine;
        for (std::size_t taken = next.fetch_add(1); taken < chunks; taken = next.fetch_add(1)) {
          const std::size_t c = toward_start ? taken : chunks - 1 - taken;
          if (!moves(c)) {
            read[c].store(true, std::memory_order_release);
            continue;
          }
          const std::size_t begin = first_row(c);
          const std::size_t end = last_row(c);
          try {
            std::uint64_t arcs = 0;
            for (std::size_t v = begin; v < end; ++v) arcs += count(v);
            if (to_column.size() < arcs) {
              to_column.resize(arcs);
              to_weight.resize(arcs);
              to_routine.resize(arcs);
            }
            fill(begin, end, to_column.data(), to_weight.data(), to_routine.data());
          } catch (...) {
            failed.store(true);
            throw;
          }
          read[c].store(true, std::memory_order_release);
          // The chunks whose arcs lie where this one's go.
          if (toward_start) {
            for (std::size_t o = c; o-- > 0 && from(last_row(o)) > to(begin);) wait_for(o);
          } else {
            for (std::size_t o = c + 1; o < chunks && from(first_row(o)) < to(end); ++o) wait_for(o);
          }
          std::uint64_t k = 0;
          std::size_t v = begin;
          while (v < end) {
            // A run of rows that are contiguous in their new place, copied at once.
            const std::uint64_t at = to(v);
            std::uint64_t length = count(v);
            for (++v; v < end && to(v) == at + length; ++v) length += count(v);
            std::copy_n(to_column.data() + k, length, column.data() + at);
            std::copy_n(to_weight.data() + k, length, weight.data() + at);
            std::copy_n(to_routine.data() + k, length, routine.data() + at);
            k += length;
          }
        }
      },
      1);
}

// Grows `v` to `size` entries keeping its contents. When it must reallocate it takes room for half as
// many entries again: a network that grows through a run (hires' ties) then reallocates about once,
// and the room not used yet is address space, not memory.
template <class T>
void grow_keeping(std::vector<T>& v, std::size_t size) {
  if (v.capacity() < size) v.reserve(size + size / 2);
  v.resize(size);
}

}  // namespace

void CollegialNetwork::merge_in_place(AgentId new_vertex_count, const KeepRule& keep, std::vector<Tie> added,
                                      std::size_t chunk_rows) {
  const std::size_t n = std::max<std::size_t>(new_vertex_count, vertex_count());
  std::vector<std::uint64_t> bucket;
  std::vector<std::uint64_t> distinct;
  const auto arcs = bucket_additions(n, std::move(added), bucket, distinct);
  // Row starts of the old network (rows of new vertices are empty), and of the merged one.
  std::vector<std::uint64_t> old_start = std::move(graph_.m_forward.m_rowstart);
  old_start.resize(n + 1, old_start.back());
  std::vector<std::uint64_t> new_start(n + 1, 0);
  std::vector<std::uint32_t> kept(n, 0);  // per row: the old arcs keep accepts
  std::vector<AgentId>& column = graph_.m_forward.m_column;
  const auto keeps_for = [&](AgentId v) {
    return [&keep, v](AgentId b, float w, float r) { return keep(v, b, w, r); };
  };
  // Row v's arcs [begin, begin + count) of the arc arrays, those `keeps` accepts, merged with its
  // additions.
  const auto merge_row = [&](AgentId v, std::uint64_t begin, std::uint64_t count, const auto& emit,
                             const auto& new_target) {
    merge_sorted_row(column.data() + begin, weights_.data() + begin, routines_.data() + begin, count,
                     arcs.get() + bucket[v], distinct[v], emit, keeps_for(v), new_target);
  };
  // Row v's old arcs that `keep` accepts, in order (the merge of its old row with no additions).
  const auto for_each_kept = [&](AgentId v, const auto& emit) {
    const std::uint64_t begin = old_start[v];
    merge_sorted_row(column.data() + begin, weights_.data() + begin, routines_.data() + begin, old_start[v + 1] - begin,
                     static_cast<const Arc*>(nullptr), 0, emit, keeps_for(v));
  };
  // 1. Each row's arcs after the merge, and its kept arcs: those less the additions of new targets (one
  //    walk over the row).
  parallel::for_each(
      n,
      [&](std::size_t i) {
        const auto v = static_cast<AgentId>(i);
        std::uint64_t merged = 0;
        std::uint64_t new_targets = 0;
        merge_row(
            v, old_start[v], old_start[v + 1] - old_start[v], [&](AgentId, float, float) { ++merged; },
            [&] { ++new_targets; });
        kept[v] = static_cast<std::uint32_t>(merged - new_targets);
        new_start[v + 1] = merged;
      },
      1024);
  for (std::size_t v = 0; v < n; ++v) new_start[v + 1] += new_start[v];
  // 2. Rows whose new place starts before their old one. Row v goes to min(old, new start) with only its
  //    kept arcs: then every row lies at or before where it began and at or before where it ends up, so
  //    step 3 moves rows toward the end only. (The kept arcs of row v fit: the room up to the next row's
  //    place is at least the smaller of its old and its new size, each at least its kept arcs.) Only the
  //    chunks with such a row, at its start or its end, move; in a growing network they are few, and
  //    the other rows stay where they are, dropped arcs and all, until step 3.
  const auto middle = [&](std::size_t v) { return std::min(old_start[v], new_start[v]); };
  const std::size_t chunks = (n + chunk_rows - 1) / chunk_rows;
  std::vector<std::uint8_t> squeezed(chunks, 0);
  parallel::for_each(chunks, [&](std::size_t c) {
    for (std::size_t v = c * chunk_rows; v <= std::min(n, (c + 1) * chunk_rows); ++v) {
      if (new_start[v] < old_start[v]) squeezed[c] = 1;
    }
  });
  move_rows(
      n, chunk_rows, [&](std::size_t v) { return old_start[v]; }, middle, [&](std::size_t v) { return kept[v]; }, true,
      [&](std::size_t c) { return squeezed[c] != 0; }, column, weights_, routines_,
      [&](std::size_t first, std::size_t last, AgentId* to_column, float* to_weight, float* to_routine) {
        std::size_t at = 0;
        for (std::size_t v = first; v < last; ++v) {
          for_each_kept(static_cast<AgentId>(v), [&](AgentId b, float w, float r) {
            to_column[at] = b;
            to_weight[at] = w;
            to_routine[at] = r;
            ++at;
          });
        }
      });
  // 3. The additions merged in, rows moving toward the end, from where step 2 left them: the kept arcs
  //    of a squeezed chunk's rows, all the old arcs of the others (keep drops the rest now; it accepts
  //    the kept arcs again).
  const std::uint64_t total = new_start[n];
  if (total > column.size()) {
    grow_keeping(column, total);
    grow_keeping(weights_, total);
    grow_keeping(routines_, total);
  }
  const auto arcs_at_middle = [&](std::size_t v) -> std::uint64_t {
    return squeezed[v / chunk_rows] != 0 ? kept[v] : old_start[v + 1] - old_start[v];
  };
  move_rows(
      n, chunk_rows, middle, [&](std::size_t v) { return new_start[v]; },
      [&](std::size_t v) { return new_start[v + 1] - new_start[v]; }, false, [](std::size_t) { return true; }, column,
      weights_, routines_,
      [&](std::size_t first, std::size_t last, AgentId* to_column, float* to_weight, float* to_routine) {
        std::size_t at = 0;
        for (std::size_t v = first; v < last; ++v) {
          merge_row(
              static_cast<AgentId>(v), middle(v), arcs_at_middle(v),
              [&](AgentId b, float w, float r) {
                to_column[at] = b;
                to_weight[at] = w;
                to_routine[at] = r;
                ++at;
              },
              NoNewTarget{});
        }
      });
  column.resize(total);
  weights_.resize(total);
  routines_.resize(total);
  // The boost graph takes the rows (a graph of n vertices, then its row starts replaced).
  std::vector<AgentId> columns = std::move(column);
  graph_ = CsrGraph(static_cast<AgentId>(n));
  graph_.m_forward.m_rowstart = std::move(new_start);
  graph_.m_forward.m_column = std::move(columns);
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

std::vector<std::uint64_t> CollegialNetwork::tie_offsets() const {
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
  return offset;
}

void CollegialNetwork::for_each_tie(const std::vector<std::uint64_t>& offset,
                                    FunctionRef<void(std::uint64_t, AgentId, AgentId, std::uint64_t)> visit) const {
  // Each vertex's ties to larger neighbours go to its own slice.
  parallel::for_each(
      vertex_count(),
      [&](std::size_t v) {
        const auto a = static_cast<AgentId>(v);
        const auto row = neighbors(a);
        std::uint64_t at = offset[v];
        for (std::size_t k = 0; k < row.size(); ++k) {
          if (row[k] > a) visit(at++, a, row[k], row_begin(a) + k);
        }
      },
      4096);
}

void CollegialNetwork::for_each_tie_in(const std::vector<std::uint64_t>& offset, std::uint64_t first,
                                       std::uint64_t last,
                                       FunctionRef<void(std::uint64_t, AgentId, AgentId, std::uint64_t)> visit) const {
  last = std::min(last, offset.back());
  if (first >= last) return;
  // The vertex whose slice holds place `first`: offset[v] <= first < offset[v + 1].
  auto v = static_cast<std::size_t>(std::upper_bound(offset.begin(), offset.end(), first) - offset.begin()) - 1;
  for (std::uint64_t at = offset[v]; at < last; ++v) {
    const auto a = static_cast<AgentId>(v);
    const auto row = neighbors(a);
    // A row is sorted: its ties to larger neighbours are its tail.
    auto k = static_cast<std::size_t>(std::upper_bound(row.begin(), row.end(), a) - row.begin());
    for (; k < row.size() && at < last; ++k, ++at) {
      if (at >= first) visit(at, a, row[k], row_begin(a) + k);
    }
  }
}

std::vector<Tie> CollegialNetwork::ties() const {
  const std::vector<std::uint64_t> offset = tie_offsets();
  std::vector<Tie> out(offset.back());
  for_each_tie(offset, [&](std::uint64_t k, AgentId a, AgentId b, std::uint64_t arc) {
    out[k] = Tie{a, b, weights_[arc], routines_[arc]};
  });
  return out;
}

}  // namespace mentorsim
