#include "mentorsim/world/network.hpp"

#include <algorithm>
#include <iterator>

#include "mentorsim/core/parallel.hpp"

namespace mentorsim {
namespace {

// Walks CSR rows as the (source, target) pairs boost's edges_are_sorted constructor reads.
class ArcIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = std::pair<AgentId, AgentId>;
  using difference_type = std::ptrdiff_t;
  using pointer = const value_type*;
  using reference = const value_type&;

  ArcIterator(const std::vector<std::uint64_t>* rowstart, const std::vector<AgentId>* column, std::uint64_t arc)
      : rowstart_(rowstart), column_(column), arc_(arc) {
    settle();
  }
  reference operator*() const { return current_; }
  pointer operator->() const { return &current_; }
  ArcIterator& operator++() {
    ++arc_;
    settle();
    return *this;
  }
  friend bool operator==(const ArcIterator& a, const ArcIterator& b) { return a.arc_ == b.arc_; }
  friend bool operator!=(const ArcIterator& a, const ArcIterator& b) { return a.arc_ != b.arc_; }

 private:
  void settle() {
    if (arc_ >= column_->size()) return;
    while ((*rowstart_)[source_ + 1] <= arc_) ++source_;
    current_ = {source_, (*column_)[arc_]};
  }
  const std::vector<std::uint64_t>* rowstart_;
  const std::vector<AgentId>* column_;
  std::uint64_t arc_;
  AgentId source_ = 0;
  value_type current_{};
};

}  // namespace

CollegialNetwork::CollegialNetwork(AgentId vertex_count, std::vector<Tie> ties) {
  // Canonical (a < b), bucketed by a (counting sort, O(E)), each bucket sorted by (b, weight
  // descending) and deduplicated in parallel: a tie given twice keeps its largest weight.
  std::erase_if(ties, [](const Tie& t) { return t.a == t.b; });
  std::vector<std::uint64_t> bucket(static_cast<std::size_t>(vertex_count) + 1, 0);
  for (auto& t : ties) {
    if (t.a > t.b) std::swap(t.a, t.b);
    if (t.routine < 0.0f) t.routine = t.weight;
    ++bucket[t.a + 1];
  }
  for (std::size_t v = 0; v < vertex_count; ++v) bucket[v + 1] += bucket[v];
  std::vector<Tie> sorted(ties.size());
  {
    std::vector<std::uint64_t> fill(bucket.begin(), bucket.end() - 1);
    for (const Tie& t : ties) sorted[fill[t.a]++] = t;
  }
  ties.clear();
  ties.shrink_to_fit();
  std::vector<std::uint64_t> kept(vertex_count, 0);
  parallel::for_each(vertex_count, [&](std::size_t v) {
    auto first = sorted.begin() + static_cast<std::ptrdiff_t>(bucket[v]);
    auto last = sorted.begin() + static_cast<std::ptrdiff_t>(bucket[v + 1]);
    std::sort(first, last, [](const Tie& x, const Tie& y) { return x.b != y.b ? x.b < y.b : x.weight > y.weight; });
    // Merge duplicates into the first (largest weight); keep the largest routine strength too.
    auto out = first;
    for (auto it = first; it != last; ++it) {
      if (it != first && it->b == (out - 1)->b) {
        (out - 1)->routine = std::max((out - 1)->routine, it->routine);
      } else {
        *out++ = *it;
      }
    }
    kept[v] = static_cast<std::uint64_t>(out - first);
  });
  std::vector<Tie> unique;
  {
    std::uint64_t total = 0;
    for (auto k : kept) total += k;
    unique.reserve(total);
    for (std::size_t v = 0; v < vertex_count; ++v) {
      unique.insert(unique.end(), sorted.begin() + static_cast<std::ptrdiff_t>(bucket[v]),
                    sorted.begin() + static_cast<std::ptrdiff_t>(bucket[v] + kept[v]));
    }
  }
  sorted.clear();
  sorted.shrink_to_fit();

  // Rows: for edges in (a, b) order, pushing b to row a and a to row b fills every row in increasing
  // neighbour order (all smaller neighbours arrive before the larger ones).
  std::vector<std::uint64_t> rowstart(static_cast<std::size_t>(vertex_count) + 1, 0);
  for (const Tie& t : unique) {
    ++rowstart[t.a + 1];
    ++rowstart[t.b + 1];
  }
  for (std::size_t v = 0; v < vertex_count; ++v) rowstart[v + 1] += rowstart[v];
  std::vector<AgentId> column(rowstart.back());
  std::vector<float> arc_weight(rowstart.back());
  std::vector<float> arc_routine(rowstart.back());
  {
    std::vector<std::uint64_t> fill(rowstart.begin(), rowstart.end() - 1);
    for (const Tie& t : unique) {
      column[fill[t.a]] = t.b;
      arc_routine[fill[t.a]] = t.routine;
      arc_weight[fill[t.a]++] = t.weight;
      column[fill[t.b]] = t.a;
      arc_routine[fill[t.b]] = t.routine;
      arc_weight[fill[t.b]++] = t.weight;
    }
  }
  unique.clear();
  unique.shrink_to_fit();
  graph_ = CsrGraph(boost::edges_are_sorted, ArcIterator(&rowstart, &column, 0),
                    ArcIterator(&rowstart, &column, column.size()), vertex_count, column.size());
  weights_ = std::move(arc_weight);
  routines_ = std::move(arc_routine);
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
  std::vector<Tie> out;
  out.reserve(tie_count());
  for (AgentId a = 0; a < vertex_count(); ++a) {
    const auto row = neighbors(a);
    const auto w = weights(a);
    const auto r = routines(a);
    for (std::size_t k = 0; k < row.size(); ++k) {
      if (row[k] > a) out.push_back(Tie{a, row[k], w[k], r[k]});
    }
  }
  return out;
}

}  // namespace mentorsim
