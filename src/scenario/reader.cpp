#include "mentorsim/scenario/reader.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <tuple>

namespace mentorsim::scenario {
namespace {

std::string format_number(double value) {
  std::ostringstream out;
  out.precision(10);
  out << value;
  return out.str();
}

SourceLocation location_of_node(const toml::node* node, const SourceLocation& fallback) {
  if (node == nullptr) return fallback;
  const auto& source = node->source();
  if (source.begin.line == 0) return fallback;
  SourceLocation out = fallback;
  if (source.path) out.file = *source.path;
  out.line = static_cast<int>(source.begin.line);
  out.column = static_cast<int>(source.begin.column);
  return out;
}

std::string_view type_name_of(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time:
      return "a date/time";
    default:
      return "nothing";
  }
}

std::string quoted_list(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += (i + 1 == names.size()) ? " or " : ", ";
    out += '"';
    out += names[i];
    out += '"';
  }
  return out;
}

}  // namespace

bool Range::contains(double value) const noexcept {
  if (!std::isfinite(value)) return false;
  if (min_open ? value <= min : value < min) return false;
  if (max_open ? value >= max : value > max) return false;
  return true;
}

std::string Range::describe() const {
  if (max >= 1e300) return std::string(min_open ? "> " : ">= ") + format_number(min);
  return std::string(min_open ? "(" : "[") + format_number(min) + ", " + format_number(max) + (max_open ? ")" : "]");
}

void ReadContext::error(SourceLocation where, std::string key, std::string message) {
  errors_.push_back(Entry{Diagnostic{std::move(where), std::move(key), std::move(message)}, total_errors_++});
  if (errors_.size() >= 4 * kMaxDiagnostics) keep_first();
}

void ReadContext::keep_first() {
  // Problems in the file first, by line and column; then those of --set arguments (whose location
  // names the argument, without a line) in the order they were found.
  const auto order = [this](const Entry& e) {
    const bool in_file = e.diagnostic.where.file == file_;
    return std::tuple(in_file ? 0 : 1, in_file ? e.diagnostic.where.line : 0, in_file ? e.diagnostic.where.column : 0,
                      e.sequence);
  };
  std::sort(errors_.begin(), errors_.end(), [&](const Entry& a, const Entry& b) { return order(a) < order(b); });
  if (errors_.size() > kMaxDiagnostics) errors_.resize(kMaxDiagnostics);
}

std::vector<Diagnostic> ReadContext::take_errors() {
  keep_first();
  std::vector<Diagnostic> out;
  out.reserve(errors_.size() + 1);
  for (auto& e : errors_) out.push_back(std::move(e.diagnostic));
  if (total_errors_ > out.size()) {
    out.push_back(Diagnostic{SourceLocation{file_, 0, 0}, "",
                             "... and " + std::to_string(total_errors_ - out.size()) + " more problems"});
  }
  errors_.clear();
  total_errors_ = 0;
  return out;
}

bool ReadContext::overridden(const std::string& key_path) const {
  return std::any_of(overrides_.begin(), overrides_.end(), [&](const auto& o) {
    return key_path == o.first || key_path.starts_with(o.first + ".") || key_path.starts_with(o.first + "[");
  });
}

SourceLocation ReadContext::locate(const std::string& key_path, const toml::node* node,
                                   const SourceLocation& fallback) const {
  // The newest --set that gave this key or one of its parents wins.
  for (auto it = overrides_.rbegin(); it != overrides_.rend(); ++it) {
    const auto& [path, text] = *it;
    if (key_path == path || key_path.starts_with(path + ".") || key_path.starts_with(path + "[")) {
      return SourceLocation{text, 0, 0};
    }
  }
  // A table that only exists because an override created it has no place in the file.
  if (node != nullptr && node->source().begin.line == 0) {
    for (auto it = overrides_.rbegin(); it != overrides_.rend(); ++it) {
      if (it->first.starts_with(key_path + ".")) return SourceLocation{it->second, 0, 0};
    }
  }
  return location_of_node(node, fallback);
}

Reader::Reader(ReadContext& context, const toml::table* table, std::string path, toml::table& resolved,
               SourceLocation fallback)
    : context_(&context),
      table_(table),
      path_(std::move(path)),
      resolved_(&resolved),
      fallback_(std::move(fallback)) {
  if (table_ != nullptr) fallback_ = location_of_node(table_, fallback_);
}

bool Reader::has(std::string_view key) const { return table_ != nullptr && table_->contains(key); }

std::string Reader::key_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

SourceLocation Reader::location() const { return context_->locate(path_, table_, fallback_); }

SourceLocation Reader::location_of(std::string_view key) const {
  const toml::node* node = table_ != nullptr ? table_->get(key) : nullptr;
  return context_->locate(key_path(key), node, fallback_);
}

const toml::node* Reader::find(std::string_view key) {
  known_.emplace(key);
  return table_ != nullptr ? table_->get(key) : nullptr;
}

void Reader::error(std::string_view key, std::string message) {
  context_->error(location_of(key), key_path(key), std::move(message));
}

void Reader::error_here(std::string message) { context_->error(location(), path_, std::move(message)); }

void Reader::wrong_type(std::string_view key, const toml::node* node, std::string_view expected) {
  error(key, "expected " + std::string(expected) + ", got " + std::string(type_name_of(*node)));
}

double Reader::number(std::string_view key, double fallback, Range range) {
  double value = fallback;
  if (const toml::node* node = find(key)) {
    if (auto f = node->value_exact<double>()) {
      value = *f;
    } else if (auto i = node->value_exact<std::int64_t>()) {
      value = static_cast<double>(*i);
    } else {
      wrong_type(key, node, "a number");
      resolved_->insert_or_assign(key, fallback);
      return fallback;
    }
    if (!range.contains(value)) {
      error(key, "must be " + (range.max >= 1e300 ? range.describe() : "in " + range.describe()) + ", got " +
                     format_number(value));
      value = fallback;
    }
  }
  resolved_->insert_or_assign(key, value);
  return value;
}

std::optional<double> Reader::optional_number(std::string_view key, Range range) {
  if (!has(key)) {
    known_.emplace(key);
    return std::nullopt;
  }
  return number(key, range.min, range);
}

std::int64_t Reader::integer(std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max) {
  std::int64_t value = fallback;
  if (const toml::node* node = find(key)) {
    if (auto i = node->value_exact<std::int64_t>()) {
      value = *i;
      if (value < min || value > max) {
        error(key, "must be an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "], got " +
                       std::to_string(value));
        value = fallback;
      }
    } else {
      wrong_type(key, node, "an integer");
    }
  }
  resolved_->insert_or_assign(key, value);
  return value;
}

std::optional<std::int64_t> Reader::optional_integer(std::string_view key, std::int64_t min, std::int64_t max) {
  if (!has(key)) {
    known_.emplace(key);
    return std::nullopt;
  }
  return integer(key, min, min, max);
}

bool Reader::boolean(std::string_view key, bool fallback) {
  bool value = fallback;
  if (const toml::node* node = find(key)) {
    if (auto b = node->value_exact<bool>()) {
      value = *b;
    } else {
      wrong_type(key, node, "true or false");
    }
  }
  resolved_->insert_or_assign(key, value);
  return value;
}

std::string Reader::string(std::string_view key, std::string fallback) {
  std::string value = std::move(fallback);
  if (const toml::node* node = find(key)) {
    if (auto s = node->value_exact<std::string>()) {
      value = *s;
    } else {
      wrong_type(key, node, "a string");
    }
  }
  resolved_->insert_or_assign(key, value);
  return value;
}

std::optional<std::string> Reader::optional_string(std::string_view key) {
  if (!has(key)) {
    known_.emplace(key);
    return std::nullopt;
  }
  return string(key, "");
}

std::vector<std::int64_t> Reader::integers(std::string_view key, std::vector<std::int64_t> fallback, std::int64_t min,
                                           std::int64_t max) {
  std::vector<std::int64_t> values = std::move(fallback);
  if (const toml::node* node = find(key)) {
    if (const toml::array* array = node->as_array()) {
      std::vector<std::int64_t> read;
      bool ok = true;
      for (std::size_t i = 0; i < array->size(); ++i) {
        const toml::node& element = *array->get(i);
        const std::string where = key_path(key) + "[" + std::to_string(i) + "]";
        if (auto v = element.value_exact<std::int64_t>()) {
          if (*v < min || *v > max) {
            context_->error(context_->locate(key_path(key), &element, fallback_), where,
                            "must be an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "], got " +
                                std::to_string(*v));
            ok = false;
          }
          read.push_back(*v);
        } else {
          context_->error(context_->locate(key_path(key), &element, fallback_), where,
                          "expected an integer, got " + std::string(type_name_of(element)));
          ok = false;
        }
      }
      if (ok) values = std::move(read);
    } else {
      wrong_type(key, node, "an array of integers");
    }
  }
  toml::array out;
  for (auto v : values) out.push_back(v);
  resolved_->insert_or_assign(key, std::move(out));
  return values;
}

void Reader::record_integers(std::string_view key, const std::vector<std::int64_t>& values) {
  toml::array out;
  for (auto v : values) out.push_back(v);
  resolved_->insert_or_assign(key, std::move(out));
}

std::vector<std::string> Reader::strings(std::string_view key, std::vector<std::string> fallback,
                                         const std::vector<std::string>& allowed) {
  std::vector<std::string> values = std::move(fallback);
  if (const toml::node* node = find(key)) {
    if (const toml::array* array = node->as_array()) {
      std::vector<std::string> read;
      bool ok = true;
      for (std::size_t i = 0; i < array->size(); ++i) {
        const toml::node& element = *array->get(i);
        const std::string where = key_path(key) + "[" + std::to_string(i) + "]";
        const SourceLocation at = context_->locate(key_path(key), &element, fallback_);
        auto v = element.value_exact<std::string>();
        if (!v) {
          context_->error(at, where, "expected a string, got " + std::string(type_name_of(element)));
          ok = false;
          continue;
        }
        if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), *v) == allowed.end()) {
          std::string message = "unknown value \"" + *v + "\"";
          if (auto guess = closest(*v, allowed); !guess.empty()) message += "; did you mean \"" + guess + "\"?";
          context_->error(at, where, message);
          ok = false;
          continue;
        }
        if (std::find(read.begin(), read.end(), *v) != read.end()) {
          context_->error(at, where, "\"" + *v + "\" is listed twice");
          ok = false;
          continue;
        }
        read.push_back(*v);
      }
      if (ok) values = std::move(read);
    } else {
      wrong_type(key, node, "an array of strings");
    }
  }
  toml::array out;
  for (const auto& v : values) out.push_back(v);
  resolved_->insert_or_assign(key, std::move(out));
  return values;
}

std::size_t Reader::choice(std::string_view key, std::size_t fallback, const std::vector<std::string_view>& allowed,
                           std::string_view type_name) {
  std::size_t value = fallback;
  if (const toml::node* node = find(key)) {
    if (auto s = node->value_exact<std::string>()) {
      auto it = std::find(allowed.begin(), allowed.end(), std::string_view(*s));
      if (it != allowed.end()) {
        value = static_cast<std::size_t>(it - allowed.begin());
      } else {
        error(key, "unknown " + std::string(type_name) + " \"" + *s + "\"; expected " + quoted_list(allowed));
      }
    } else {
      wrong_type(key, node, "a string (" + quoted_list(allowed) + ")");
    }
  }
  resolved_->insert_or_assign(key, std::string(allowed[value]));
  return value;
}

std::vector<std::size_t> Reader::choices(std::string_view key, const std::vector<std::size_t>& fallback,
                                         const std::vector<std::string_view>& allowed, std::string_view type_name) {
  std::vector<std::size_t> values = fallback;
  if (const toml::node* node = find(key)) {
    if (const toml::array* array = node->as_array()) {
      std::vector<std::size_t> read;
      bool ok = true;
      for (std::size_t i = 0; i < array->size(); ++i) {
        const toml::node& element = *array->get(i);
        const std::string where = key_path(key) + "[" + std::to_string(i) + "]";
        const SourceLocation at = context_->locate(key_path(key), &element, fallback_);
        auto s = element.value_exact<std::string>();
        auto it = s ? std::find(allowed.begin(), allowed.end(), std::string_view(*s)) : allowed.end();
        if (!s || it == allowed.end()) {
          context_->error(at, where,
                          (s ? "unknown " + std::string(type_name) + " \"" + *s + "\"" : std::string("not a string")) +
                              "; expected " + quoted_list(allowed));
          ok = false;
          continue;
        }
        const auto index = static_cast<std::size_t>(it - allowed.begin());
        if (std::find(read.begin(), read.end(), index) != read.end()) {
          context_->error(at, where, "\"" + *s + "\" is listed twice");
          ok = false;
          continue;
        }
        read.push_back(index);
      }
      if (ok) values = std::move(read);
    } else {
      wrong_type(key, node, "an array of strings");
    }
  }
  toml::array out;
  for (auto v : values) out.push_back(std::string(allowed[v]));
  resolved_->insert_or_assign(key, std::move(out));
  return values;
}

std::vector<double> Reader::share_table(std::string_view key, const std::vector<double>& fallback,
                                        const std::vector<std::string_view>& allowed, std::string_view type_name) {
  std::vector<double> values = fallback;
  if (const toml::node* node = find(key)) {
    if (const toml::table* table = node->as_table()) {
      std::vector<double> read(allowed.size(), 0.0);
      bool ok = true;
      for (const auto& [name, element] : *table) {
        const std::string where = key_path(key) + "." + std::string(name.str());
        const SourceLocation at = context_->locate(where, &element, fallback_);
        auto it = std::find(allowed.begin(), allowed.end(), name.str());
        if (it == allowed.end()) {
          std::vector<std::string> candidates(allowed.begin(), allowed.end());
          std::string message = "unknown " + std::string(type_name) + " \"" + std::string(name.str()) + "\"";
          if (auto guess = closest(name.str(), candidates); !guess.empty())
            message += "; did you mean \"" + guess + "\"?";
          context_->error(at, where, message);
          ok = false;
          continue;
        }
        double share = 0.0;
        if (auto f = element.value_exact<double>()) {
          share = *f;
        } else if (auto i = element.value_exact<std::int64_t>()) {
          share = static_cast<double>(*i);
        } else {
          context_->error(at, where, "expected a number, got " + std::string(type_name_of(element)));
          ok = false;
          continue;
        }
        if (!kUnit.contains(share)) {
          context_->error(at, where, "must be in [0, 1], got " + format_number(share));
          ok = false;
          continue;
        }
        read[static_cast<std::size_t>(it - allowed.begin())] = share;
      }
      if (ok) {
        double sum = 0.0;
        for (double v : read) sum += v;
        if (std::fabs(sum - 1.0) > 1e-6) {
          error(key, "shares must sum to 1, got " + format_number(sum));
        } else {
          values = std::move(read);
        }
      }
    } else {
      wrong_type(key, node, "a table of shares");
    }
  }
  toml::table out;
  for (std::size_t i = 0; i < allowed.size(); ++i) out.insert_or_assign(allowed[i], values[i]);
  resolved_->insert_or_assign(key, std::move(out));
  return values;
}

Reader Reader::table(std::string_view key) {
  const toml::table* sub = nullptr;
  if (const toml::node* node = find(key)) {
    sub = node->as_table();
    if (sub == nullptr) wrong_type(key, node, "a table");
  }
  auto [it, inserted] = resolved_->insert_or_assign(key, toml::table{});
  (void)inserted;
  return Reader(*context_, sub, key_path(key), *it->second.as_table(), location_of(key));
}

std::optional<std::vector<Reader>> Reader::tables(std::string_view key) {
  const toml::node* node = find(key);
  if (node == nullptr) return std::nullopt;
  const toml::array* array = node->as_array();
  if (array == nullptr || !array->is_array_of_tables()) {
    if (array == nullptr || !array->empty()) {
      wrong_type(key, node, "an array of tables ([[" + key_path(key) + "]])");
      return std::nullopt;
    }
  }
  auto [it, inserted] = resolved_->insert_or_assign(key, toml::array{});
  (void)inserted;
  toml::array& out = *it->second.as_array();
  std::vector<Reader> readers;
  for (std::size_t i = 0; i < array->size(); ++i) out.push_back(toml::table{});
  for (std::size_t i = 0; i < array->size(); ++i) {
    readers.emplace_back(*context_, array->get(i)->as_table(), key_path(key) + "[" + std::to_string(i) + "]",
                         *out.get(i)->as_table(), location_of(key));
  }
  return readers;
}

void Reader::finish() {
  if (table_ == nullptr) return;
  std::vector<std::string> candidates(known_.begin(), known_.end());
  for (const auto& [name, node] : *table_) {
    if (known_.contains(name.str())) continue;
    const std::string where = key_path(name.str());
    std::string message = "unknown key \"" + std::string(name.str()) + "\"";
    if (auto guess = closest(name.str(), candidates); !guess.empty()) message += "; did you mean \"" + guess + "\"?";
    SourceLocation at = context_->locate(where, &node, fallback_);
    // Point at the key itself rather than its value when the file says where the key is.
    if (name.source().begin.line > 0 && !at.file.starts_with("--set ")) {
      at.line = static_cast<int>(name.source().begin.line);
      at.column = static_cast<int>(name.source().begin.column);
    }
    context_->error(at, where, message);
  }
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string closest(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 2) + 1;
  for (const auto& candidate : candidates) {
    const std::size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

}  // namespace mentorsim::scenario
