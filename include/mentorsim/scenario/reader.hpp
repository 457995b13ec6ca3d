#pragma once
// A typed reader over one TOML table. Every value is read through it: it checks type and range,
// records the value actually used (default or given) in the resolved table written to /meta, marks
// the key as known, and reports every problem with file:line:column and the key path. After a table
// is read, finish() reports the keys nobody asked for, with a "did you mean" suggestion.
//
// toml++ types stay out of this header so that other layers never see them.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "mentorsim/core/errors.hpp"
#include "mentorsim/core/types.hpp"

namespace toml {
inline namespace v3 {
class table;
class node;
}  // namespace v3
}  // namespace toml

namespace mentorsim::scenario {

struct Range {
  double min;
  double max;
  bool min_open = false;
  bool max_open = false;
  [[nodiscard]] bool contains(double value) const noexcept;
  [[nodiscard]] std::string describe() const;
};
inline constexpr Range kUnit{0.0, 1.0};
inline constexpr Range kPositive{0.0, 1e300, true, false};
inline constexpr Range kNonNegative{0.0, 1e300};

// At most this many problems of one scenario are listed (in file order, then the --set ones in
// command-line order), then "... and N more problems": a wholly wrong file would drown the terminal.
inline constexpr std::size_t kMaxDiagnostics = 50;

// State shared by the readers of one document: where errors go and which keys came from --set.
class ReadContext {
 public:
  explicit ReadContext(std::string file) : file_(std::move(file)) {}
  void error(SourceLocation where, std::string key, std::string message);
  void mark_override(std::string key_path, std::string text) {
    overrides_.emplace_back(std::move(key_path), std::move(text));
  }
  [[nodiscard]] const std::string& file() const noexcept { return file_; }
  [[nodiscard]] bool ok() const noexcept { return total_errors_ == 0; }
  // The first kMaxDiagnostics problems sorted by position (the file's by line and column, then those
  // of --set arguments in command-line order), then a count of the rest.
  [[nodiscard]] std::vector<Diagnostic> take_errors();
  // True when a --set gave this key or one of its parents.
  [[nodiscard]] bool overridden(const std::string& key_path) const;
  // The location to show for a key: the --set that gave it, or the node's place in the file.
  [[nodiscard]] SourceLocation locate(const std::string& key_path, const toml::node* node,
                                      const SourceLocation& fallback) const;

 private:
  struct Entry {
    Diagnostic diagnostic;
    std::size_t sequence;
  };
  void keep_first();

  std::string file_;
  std::vector<Entry> errors_;  // bounded: trimmed to the first kMaxDiagnostics as it grows
  std::size_t total_errors_ = 0;
  std::vector<std::pair<std::string, std::string>> overrides_;
};

class Reader {
 public:
  // table may be null (an absent section: every key takes its default).
  Reader(ReadContext& context, const toml::table* table, std::string path, toml::table& resolved,
         SourceLocation fallback);

  [[nodiscard]] bool has(std::string_view key) const;
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] SourceLocation location() const;
  [[nodiscard]] SourceLocation location_of(std::string_view key) const;
  [[nodiscard]] std::string key_path(std::string_view key) const;

  double number(std::string_view key, double fallback, Range range);
  std::int64_t integer(std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max);
  bool boolean(std::string_view key, bool fallback);
  std::string string(std::string_view key, std::string fallback);
  std::optional<std::string> optional_string(std::string_view key);
  std::optional<double> optional_number(std::string_view key, Range range);
  std::optional<std::int64_t> optional_integer(std::string_view key, std::int64_t min, std::int64_t max);
  std::vector<std::int64_t> integers(std::string_view key, std::vector<std::int64_t> fallback, std::int64_t min,
                                     std::int64_t max);
  std::vector<std::string> strings(std::string_view key, std::vector<std::string> fallback,
                                   const std::vector<std::string>& allowed);

  template <class E>
  E enumeration(std::string_view key, E fallback) {
    const auto names = EnumTraits<E>::names;
    const std::vector<std::string_view> allowed(names.begin(), names.end());
    return static_cast<E>(choice(key, static_cast<std::size_t>(fallback), allowed, EnumTraits<E>::type_name));
  }

  // A list of enum names, e.g. professions = ["medicine", "nursing"]; duplicates are errors.
  template <class E>
  std::vector<E> enumerations(std::string_view key, std::vector<E> fallback) {
    const auto names = EnumTraits<E>::names;
    const std::vector<std::string_view> allowed(names.begin(), names.end());
    std::vector<std::size_t> fallback_index;
    for (E e : fallback) fallback_index.push_back(static_cast<std::size_t>(e));
    std::vector<E> out;
    for (std::size_t i : choices(key, fallback_index, allowed, EnumTraits<E>::type_name))
      out.push_back(static_cast<E>(i));
    return out;
  }

  // A table of shares keyed by enum names ({medicine = 0.3, nursing = 0.7}); names left out are 0;
  // the shares must sum to 1.
  template <class E>
  std::array<double, enum_count<E>> shares(std::string_view key, const std::array<double, enum_count<E>>& fallback) {
    const auto names = EnumTraits<E>::names;
    const std::vector<std::string_view> allowed(names.begin(), names.end());
    std::vector<double> values(fallback.begin(), fallback.end());
    values = share_table(key, values, allowed, EnumTraits<E>::type_name);
    std::array<double, enum_count<E>> out{};
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = values[i];
    return out;
  }

  // A sub-table; an absent one reads as empty (all defaults).
  Reader table(std::string_view key);
  // An array of tables ([[key]]); nullopt when the key is absent.
  std::optional<std::vector<Reader>> tables(std::string_view key);

  // Replaces the value recorded in the resolved table for `key` (when the reader changed what it read).
  void record_integers(std::string_view key, const std::vector<std::int64_t>& values);

  // Declares keys that are valid here although this reader did not read them (read elsewhere).
  void allow(std::string_view key) { known_.emplace(key); }
  // Reports the keys of this table that were never asked for. Call after all reads.
  void finish();

  void error(std::string_view key, std::string message);
  void error_here(std::string message);

 private:
  std::size_t choice(std::string_view key, std::size_t fallback, const std::vector<std::string_view>& allowed,
                     std::string_view type_name);
  std::vector<std::size_t> choices(std::string_view key, const std::vector<std::size_t>& fallback,
                                   const std::vector<std::string_view>& allowed, std::string_view type_name);
  std::vector<double> share_table(std::string_view key, const std::vector<double>& fallback,
                                  const std::vector<std::string_view>& allowed, std::string_view type_name);
  const toml::node* find(std::string_view key);
  void wrong_type(std::string_view key, const toml::node* node, std::string_view expected);

  ReadContext* context_;
  const toml::table* table_;
  std::string path_;
  toml::table* resolved_;
  SourceLocation fallback_;
  std::set<std::string, std::less<>> known_;
};

// Levenshtein distance, for "did you mean" suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);
// The closest candidate within a sensible distance, or empty.
std::string closest(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace mentorsim::scenario
