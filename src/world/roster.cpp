// Loading real staff: a roster CSV becomes a Population (ids in row order, units numbered per
// institution in order of first appearance), and an edge list CSV becomes ties between roster ids.
// What the roster does not give (traits, and skills or years when absent) is drawn exactly as the
// synthesizer draws it, from the same streams. Every bad cell of a file is reported at once.

#include "mentorsim/world/roster.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "mentorsim/core/errors.hpp"
#include "mentorsim/core/parallel.hpp"
#include "mentorsim/scenario/reader.hpp"
#include "mentorsim/world/synthesizer.hpp"

namespace mentorsim {
namespace {

// Beyond this many problems in one file the rest are only counted: a wholly wrong file (say, the
// wrong export) would otherwise drown the terminal.
constexpr std::size_t kMaxReported = 50;

// The problems found in one file. Only the kMaxReported first in (line, column) order are kept, so a
// file with millions of bad cells costs bounded memory.
class Problems {
 public:
  explicit Problems(std::string file) : file_(std::move(file)) {}

  void add(int line, int column, std::string key, std::string message) {
    ++total_;
    kept_.push_back(Diagnostic{SourceLocation{file_, line, column}, std::move(key), std::move(message)});
    if (kept_.size() >= 4 * kMaxReported) keep_first();
  }
  void add_file(std::string message) { add(0, 0, "", std::move(message)); }

  [[nodiscard]] bool any() const noexcept { return total_ > 0; }

  void throw_if_any() {
    if (total_ == 0) return;
    throw InputError(take());
  }

  // The first kMaxReported problems in file order, then a count of the rest.
  std::vector<Diagnostic> take() {
    keep_first();
    std::vector<Diagnostic> out = std::move(kept_);
    if (total_ > out.size()) {
      out.push_back(Diagnostic{SourceLocation{file_, 0, 0}, "",
                               "... and " + std::to_string(total_ - out.size()) + " more problems"});
    }
    kept_.clear();
    total_ = 0;
    return out;
  }

 private:
  void keep_first() {
    std::stable_sort(kept_.begin(), kept_.end(), [](const Diagnostic& a, const Diagnostic& b) {
      return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
    });
    if (kept_.size() > kMaxReported) kept_.resize(kMaxReported);
  }

  std::string file_;
  std::vector<Diagnostic> kept_;
  std::size_t total_ = 0;
};

std::string in_quotes(std::string_view text) { return "\"" + std::string(text) + "\""; }

// "a, b or c", each name quoted.
std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += (i + 1 == names.size()) ? " or " : ", ";
    out += in_quotes(names[i]);
  }
  return out;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string guess = scenario::closest(word, candidates);
  return guess.empty() ? std::string() : "; did you mean " + in_quotes(guess) + "?";
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

// The whole file, or nullopt after reporting why it cannot be read.
std::optional<std::string> read_file(const std::filesystem::path& file, Problems& problems) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    problems.add_file("file does not exist");
    return std::nullopt;
  }
  if (!std::filesystem::is_regular_file(file, ec)) {
    problems.add_file("not a regular file");
    return std::nullopt;
  }
  std::ifstream in(file, std::ios::binary);
  const auto size = std::filesystem::file_size(file, ec);
  if (!in || ec) {
    problems.add_file("cannot open the file for reading");
    return std::nullopt;
  }
  std::string text(size, '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  if (static_cast<std::uintmax_t>(in.gcount()) != size) {
    problems.add_file("read error");
    return std::nullopt;
  }
  constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";  // spreadsheet exports often start with one
  if (std::string_view(text).starts_with(kUtf8Bom)) text.erase(0, kUtf8Bom.size());
  return text;
}

// Splits one line into fields: comma-separated, with RFC 4180 quoting ("a, b" and "say ""hi"""), blanks
// around fields ignored (inside quotes they are kept). A quoted field cannot span lines. Unescaped
// quoted text is written to `scratch`, whose capacity is reserved up front so the views stay valid.
bool split_line(std::string_view line, int line_number, std::vector<std::string_view>& fields, std::string& scratch,
                Problems& problems) {
  fields.clear();
  scratch.clear();
  scratch.reserve(line.size());
  const std::size_t n = line.size();
  std::size_t i = 0;
  while (true) {
    while (i < n && is_blank(line[i])) ++i;
    const int column = static_cast<int>(fields.size()) + 1;
    if (i < n && line[i] == '"') {
      ++i;
      const std::size_t start = scratch.size();
      bool closed = false;
      while (i < n) {
        const char c = line[i++];
        if (c != '"') {
          scratch.push_back(c);
        } else if (i < n && line[i] == '"') {
          scratch.push_back('"');
          ++i;
        } else {
          closed = true;
          break;
        }
      }
      if (!closed) {
        problems.add(line_number, column, "", "unterminated quoted field (a quoted field cannot span lines)");
        return false;
      }
      while (i < n && is_blank(line[i])) ++i;
      if (i < n && line[i] != ',') {
        problems.add(line_number, column, "", "unexpected text after the closing quote of a quoted field");
        return false;
      }
      fields.push_back(std::string_view(scratch).substr(start));
    } else {
      const std::size_t comma = std::min(line.find(',', i), n);
      fields.push_back(trim(line.substr(i, comma - i)));
      i = comma;
    }
    if (i >= n) return true;
    ++i;  // the comma
  }
}

// Calls row(line_number, line) for each non-blank line of `text` after `from`, CR LF or LF endings.
template <class Row>
void for_each_line(std::string_view text, std::size_t& from, int& line_number, Row&& row) {
  while (from < text.size()) {
    const std::size_t end = std::min(text.find('\n', from), text.size());
    std::string_view line = text.substr(from, end - from);
    if (line.ends_with('\r')) line.remove_suffix(1);
    ++line_number;
    from = std::min(end + 1, text.size());  // never past the end (a last line without a line break)
    if (trim(line).empty()) continue;
    if (!row(line_number, line)) return;
  }
}

// The columns of one kind of file and where the header put them.
struct Columns {
  std::vector<std::string> names;  // every column the file may have
  std::size_t required = 0;        // the first `required` names must be present
};

struct Header {
  std::vector<int> field_of;  // 0-based field index of each known column, -1 when absent
  std::size_t fields = 0;
  int line = 0;
};

// Reads the header (the first non-blank line) and leaves `from` after it; nullopt (reported) when the
// file is empty or the header line cannot be split. Unknown, duplicate and missing columns are
// reported, but the rows are still checked against the columns that were found.
std::optional<Header> read_header(std::string_view text, std::size_t& from, int& line_number, const Columns& columns,
                                  std::string_view what, Problems& problems) {
  std::optional<Header> header;
  std::vector<std::string_view> fields;
  std::string scratch;
  for_each_line(text, from, line_number, [&](int line, std::string_view content) {
    if (!split_line(content, line, fields, scratch, problems)) return false;
    header.emplace();
    header->line = line;
    header->field_of.assign(columns.names.size(), -1);
    header->fields = fields.size();
    for (std::size_t f = 0; f < fields.size(); ++f) {
      const std::string_view name = fields[f];
      const int column = static_cast<int>(f) + 1;
      const auto known = std::find(columns.names.begin(), columns.names.end(), name);
      if (name.empty()) {
        problems.add(line, column, "header", "empty column name");
      } else if (known == columns.names.end()) {
        std::string message = "unknown column";
        const std::string hint = did_you_mean(name, columns.names);
        message += hint.empty() ? "; the columns are " + quoted_list(columns.names) : hint;
        problems.add(line, column, "column '" + std::string(name) + "'", std::move(message));
      } else if (int& slot = header->field_of[static_cast<std::size_t>(known - columns.names.begin())]; slot >= 0) {
        problems.add(line, column, "column '" + std::string(name) + "'",
                     "appears twice (first as column " + std::to_string(slot + 1) + ")");
      } else {
        slot = static_cast<int>(f);
      }
    }
    for (std::size_t c = 0; c < columns.required; ++c) {
      if (header->field_of[c] < 0) {
        problems.add(line, 0, "column '" + columns.names[c] + "'", "missing required column");
      }
    }
    return false;  // only the first line is the header
  });
  if (!header && !problems.any()) {
    std::vector<std::string> required(columns.names.begin(),
                                      columns.names.begin() + static_cast<long>(columns.required));
    problems.add_file("the file is empty; expected a header row naming the " + std::string(what) + " columns (" +
                      quoted_list(required) + ")");
  }
  return header;
}

// The cells of one data row, with reporting that names the row and column.
class Row {
 public:
  Row(const Header& header, const Columns& columns, std::span<const std::string_view> fields, int line,
      Problems& problems)
      : header_(header),
        columns_(columns),
        fields_(fields),
        line_(line),
        problems_(problems) {}

  [[nodiscard]] bool has(std::size_t c) const { return header_.field_of[c] >= 0; }
  [[nodiscard]] std::string_view cell(std::size_t c) const {
    return has(c) ? fields_[static_cast<std::size_t>(header_.field_of[c])] : std::string_view();
  }
  [[nodiscard]] int line() const { return line_; }
  [[nodiscard]] int column(std::size_t c) const { return header_.field_of[c] + 1; }
  [[nodiscard]] std::string key(std::size_t c) const { return "column '" + columns_.names[c] + "'"; }

  void error(std::size_t c, std::string message) const { problems_.add(line_, column(c), key(c), std::move(message)); }

  // A required cell; reports it when empty.
  [[nodiscard]] std::optional<std::string_view> required(std::size_t c) const {
    if (!has(c)) return std::nullopt;  // reported once, at the header
    const std::string_view text = cell(c);
    if (text.empty()) {
      error(c, "empty cell; a value is required");
      return std::nullopt;
    }
    return text;
  }

  // A roster id: a non-negative integer.
  [[nodiscard]] std::optional<std::uint64_t> id(std::size_t c, std::string_view text) const {
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc::result_out_of_range) {
      error(c, "id " + std::string(text) + " is too large (at most " +
                   std::to_string(std::numeric_limits<std::uint64_t>::max()) + ")");
      return std::nullopt;
    }
    if (ec != std::errc() || end != text.data() + text.size()) {
      error(c, "expected a non-negative integer id, got " + in_quotes(text));
      return std::nullopt;
    }
    return value;
  }

  // A number within `range`; an empty cell is nullopt without a problem (the caller's default).
  [[nodiscard]] std::optional<double> number(std::size_t c, const scenario::Range& range) const {
    const std::string_view text = cell(c);
    if (text.empty()) return std::nullopt;
    double value = 0.0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
      error(c, "expected a number, got " + in_quotes(text));
      return std::nullopt;
    }
    if (!range.contains(value)) {
      const std::string bound = range.describe();
      error(c, std::string(bound.starts_with("[") || bound.starts_with("(") ? "must be in " : "must be ") + bound +
                   ", got " + std::string(text));
      return std::nullopt;
    }
    return value;
  }

 private:
  const Header& header_;
  const Columns& columns_;
  std::span<const std::string_view> fields_;
  int line_;
  Problems& problems_;
};

// Splits each data row and checks its field count; calls body(Row&) for the well-formed ones.
template <class Body>
void for_each_row(std::string_view text, std::size_t from, int line_number, const Header& header,
                  const Columns& columns, Problems& problems, Body&& body) {
  std::vector<std::string_view> fields;
  std::string scratch;
  for_each_line(text, from, line_number, [&](int line, std::string_view content) {
    if (!split_line(content, line, fields, scratch, problems)) return true;
    if (fields.size() != header.fields) {
      const int column = static_cast<int>(std::min(fields.size(), header.fields)) + 1;
      problems.add(line, column, "",
                   "the row has " + std::to_string(fields.size()) + " fields but the header has " +
                       std::to_string(header.fields));
      return true;
    }
    body(Row(header, columns, fields, line, problems));
    return true;
  });
}

template <class E>
std::optional<E> enum_cell(const Row& row, std::size_t c) {
  const auto text = row.required(c);
  if (!text) return std::nullopt;
  if (auto value = parse<E>(*text)) return value;
  const auto& names = EnumTraits<E>::names;
  std::string message = "unknown " + std::string(EnumTraits<E>::type_name) + " " + in_quotes(*text) +
                        did_you_mean(*text, std::vector<std::string>(names.begin(), names.end()));
  row.error(c, message + (message.back() == '?' ? " " : "; ") + "expected " + allowed_names<E>());
  return std::nullopt;
}

// Roster id -> AgentId. Ids spanning a range not much larger than their count (the usual staff
// numbering) get a direct table; others an open-addressing hash table. Either costs about one cache
// miss per lookup, which matters when an edge list looks up millions of ids.
class IdIndex {
 public:
  // Indexes the agents for which has_id(a) holds; duplicate(a, first) is called for each agent whose
  // id an earlier agent already has.
  template <class HasId, class Duplicate>
  IdIndex(std::span<const std::uint64_t> ids, HasId&& has_id, Duplicate&& duplicate) {
    std::uint64_t lo = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t hi = 0;
    std::size_t count = 0;
    for (std::size_t a = 0; a < ids.size(); ++a) {
      if (!has_id(a)) continue;
      lo = std::min(lo, ids[a]);
      hi = std::max(hi, ids[a]);
      ++count;
    }
    dense_ = count > 0 && hi - lo < 4 * static_cast<std::uint64_t>(count) + 1024;
    if (dense_) {
      first_id_ = lo;
      direct_.assign(static_cast<std::size_t>(hi - lo) + 1, kNoAgent);
    } else {
      std::size_t capacity = 16;
      while (capacity < 2 * count) capacity *= 2;
      slots_.assign(capacity, Slot{0, kNoAgent});
      mask_ = capacity - 1;
    }
    for (std::size_t a = 0; a < ids.size(); ++a) {
      if (!has_id(a)) continue;
      if (const AgentId first = insert(ids[a], static_cast<AgentId>(a)); first != a) {
        duplicate(static_cast<AgentId>(a), first);
      }
    }
  }

  // The agent with this id, or kNoAgent.
  [[nodiscard]] AgentId find(std::uint64_t id) const {
    if (dense_) return id - first_id_ < direct_.size() ? direct_[static_cast<std::size_t>(id - first_id_)] : kNoAgent;
    for (std::size_t i = hash(id) & mask_;; i = (i + 1) & mask_) {
      if (slots_[i].agent == kNoAgent || slots_[i].id == id) return slots_[i].agent;
    }
  }

 private:
  struct Slot {
    std::uint64_t id;
    AgentId agent;
  };

  // Inserts id -> agent unless the id is there already; returns the agent the id maps to.
  AgentId insert(std::uint64_t id, AgentId agent) {
    if (dense_) {
      AgentId& slot = direct_[static_cast<std::size_t>(id - first_id_)];
      if (slot == kNoAgent) slot = agent;
      return slot;
    }
    for (std::size_t i = hash(id) & mask_;; i = (i + 1) & mask_) {
      if (slots_[i].agent == kNoAgent) slots_[i] = Slot{id, agent};
      if (slots_[i].id == id) return slots_[i].agent;
    }
  }

  static std::size_t hash(std::uint64_t id) noexcept {  // the splitmix64 finaliser
    id = (id ^ (id >> 30)) * 0xbf58476d1ce4e5b9ULL;
    id = (id ^ (id >> 27)) * 0x94d049bb133111ebULL;
    return static_cast<std::size_t>(id ^ (id >> 31));
  }

  bool dense_ = false;
  std::uint64_t first_id_ = 0;
  std::vector<AgentId> direct_;
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
};

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
};
template <class Value>
using StringMap = std::unordered_map<std::string, Value, StringHash, std::equal_to<>>;

// Roster columns, in the order of `roster_columns().names`.
enum RosterColumn : std::size_t {
  col_id,
  col_institution,
  col_unit,
  col_profession,
  col_stage,
  col_minority,
  col_joint_institution,
  col_joint_unit,
  col_years,
  col_manager,
  col_first_skill  // then one column per domain
};

const Columns& roster_columns() {
  static const Columns columns = [] {
    Columns c;
    c.names = {"id",       "institution",       "unit",       "profession", "stage",
               "minority", "joint_institution", "joint_unit", "years",      "manager"};
    for (std::string_view domain : EnumTraits<Domain>::names) c.names.push_back("skill_" + std::string(domain));
    c.required = col_minority + 1;
    return c;
  }();
  return columns;
}

enum EdgeColumn : std::size_t { col_src, col_dst, col_weight };
constexpr scenario::Range kWeightRange{0.0, 1.0, true, false};

const Columns& edge_columns() {
  static const Columns columns{{"src", "dst", "weight"}, 2};
  return columns;
}

// The unit codes of one institution, for "did you mean".
std::vector<std::string> codes_of(const Population& population, InstitutionId institution) {
  const InstitutionInfo& info = population.institutions[institution];
  std::vector<std::string> codes;
  for (UnitId u = info.first_unit; u < info.first_unit + info.unit_count; ++u) {
    codes.push_back(population.units[u].code);
  }
  return codes;
}

// A joint appointment whose unit is resolved once every unit of the roster is known.
struct PendingJoint {
  AgentId agent;
  int line;
  int institution_column;
  std::string unit_code;  // empty: a unit of the institution drawn at random
  int unit_column;
};

struct PendingManager {
  AgentId agent;
  std::uint64_t manager_id;
  int line;
  int column;
};

}  // namespace

// The roster's population, or nullopt when `problems` has any. `ids` receives every well-formed id of
// the file (also when other cells are bad), so that an edge list can still be checked against them;
// it is left empty when the file cannot be read or has no header.
std::optional<Population> read_roster(const std::filesystem::path& csv, const PopulationSpec& spec,
                                      const RandomSource& random, Problems& problems, std::vector<std::uint64_t>& ids) {
  const auto text = read_file(csv, problems);
  if (!text) return std::nullopt;
  const Columns& columns = roster_columns();
  std::size_t from = 0;
  int line_number = 0;
  const auto header = read_header(*text, from, line_number, columns, "roster", problems);
  if (!header) return std::nullopt;

  std::vector<std::string> institution_names;
  StringMap<InstitutionId> institution_of;
  for (std::size_t i = 0; i < spec.institutions.size(); ++i) {
    institution_names.push_back(spec.institutions[i].name);
    institution_of.emplace(spec.institutions[i].name, static_cast<InstitutionId>(i));
  }
  // Unit codes per institution in order of first appearance.
  std::vector<std::vector<std::string>> unit_codes(spec.institutions.size());
  std::vector<StringMap<std::uint32_t>> unit_index(spec.institutions.size());

  // One agent per line at most; the columns shrink to the real count at the end.
  const auto max_rows =
      static_cast<std::size_t>(std::count(text->begin() + static_cast<long>(from), text->end(), '\n')) + 1;
  if (max_rows >= kNoAgent) {
    problems.add_file("more than " + std::to_string(kNoAgent - 1) + " rows");
    return std::nullopt;
  }
  Population population;
  population.resize(max_rows);
  std::vector<std::uint8_t> has_id(population.size(), 0);
  std::vector<int> line_of;  // line of each agent's row, for messages about ids
  line_of.reserve(population.size());
  const bool has_skills =
      std::any_of(header->field_of.begin() + col_first_skill, header->field_of.end(), [](int f) { return f >= 0; });
  // Values the roster gives (NaN: drawn).
  constexpr float kDrawn = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> given_years(header->field_of[col_years] >= 0 ? population.size() : 0, kDrawn);
  std::vector<float> given_skills(has_skills ? population.size() * kDomains : 0, kDrawn);
  std::vector<PendingJoint> joints;
  std::vector<PendingManager> managers;
  AgentId count = 0;

  const auto institution_cell = [&](const Row& row, std::size_t c, std::string_view text_value) {
    const auto it = institution_of.find(text_value);
    if (it != institution_of.end()) return std::optional<InstitutionId>(it->second);
    std::string message = "unknown institution " + in_quotes(text_value) + did_you_mean(text_value, institution_names);
    row.error(c, message + (message.back() == '?' ? " " : "; ") + "the scenario's institutions are " +
                     quoted_list(institution_names));
    return std::optional<InstitutionId>();
  };

  for_each_row(*text, from, line_number, *header, columns, problems, [&](const Row& row) {
    const AgentId a = count++;
    line_of.push_back(row.line());

    std::optional<std::uint64_t> id;
    if (const auto text_id = row.required(col_id)) id = row.id(col_id, *text_id);
    if (id) {
      population.external_id[a] = *id;
      has_id[a] = 1;
    }

    std::optional<InstitutionId> home;
    if (const auto name = row.required(col_institution)) home = institution_cell(row, col_institution, *name);
    if (const auto code = row.required(col_unit); code && home) {
      auto& index = unit_index[*home];
      auto it = index.find(*code);
      if (it == index.end()) {
        it = index.emplace(std::string(*code), static_cast<std::uint32_t>(unit_codes[*home].size())).first;
        unit_codes[*home].emplace_back(*code);
      }
      population.institution[a] = *home;
      population.unit[a] = it->second;  // local to the institution until every unit is known
    }
    if (const auto p = enum_cell<Profession>(row, col_profession)) population.profession[a] = *p;
    if (const auto s = enum_cell<CareerStage>(row, col_stage)) population.stage[a] = *s;
    if (const auto flag = row.required(col_minority)) {
      if (*flag == "1" || *flag == "true" || *flag == "TRUE" || *flag == "True") {
        population.minority[a] = 1;
      } else if (!(*flag == "0" || *flag == "false" || *flag == "FALSE" || *flag == "False")) {
        row.error(col_minority, "expected 0, 1, true or false, got " + in_quotes(*flag));
      }
    }

    const std::string_view joint_name = row.cell(col_joint_institution);
    const std::string_view joint_unit = row.cell(col_joint_unit);
    if (!joint_name.empty()) {
      if (const auto joint = institution_cell(row, col_joint_institution, joint_name)) {
        if (home && *joint == *home) {
          row.error(col_joint_institution, "the joint appointment is at the home institution " + in_quotes(joint_name) +
                                               "; leave the cell empty for none");
        } else {
          population.joint_institution[a] = *joint;
          joints.push_back(PendingJoint{a, row.line(), row.column(col_joint_institution), std::string(joint_unit),
                                        row.column(col_joint_unit)});
        }
      }
    } else if (!joint_unit.empty()) {
      row.error(col_joint_unit, "a joint unit needs a joint_institution in the same row");
    }

    if (const auto years = row.number(col_years, scenario::kNonNegative)) {
      given_years[a] = static_cast<float>(*years);
    }
    for (std::size_t d = 0; d < kDomains; ++d) {
      if (const auto skill = row.number(col_first_skill + d, scenario::kUnit)) {
        given_skills[a * kDomains + d] = static_cast<float>(*skill);
      }
    }
    if (const std::string_view boss = row.cell(col_manager); !boss.empty()) {
      if (const auto boss_id = row.id(col_manager, boss)) {
        if (id && *boss_id == *id) {
          row.error(col_manager, "id " + std::to_string(*id) + " cannot be its own manager");
        } else {
          managers.push_back(PendingManager{a, *boss_id, row.line(), row.column(col_manager)});
        }
      }
    }
  });
  if (count == 0 && !problems.any()) {
    problems.add(header->line, 0, "", "the roster has a header but no staff rows");
  }

  // Ids are indexed once all are known: manager ids can point forward.
  const IdIndex agent_of(
      std::span<const std::uint64_t>(population.external_id.data(), count),
      [&](std::size_t a) { return has_id[a] != 0; },
      [&](AgentId a, AgentId first) {
        problems.add(line_of[a], header->field_of[col_id] + 1, "column 'id'",
                     "duplicate id " + std::to_string(population.external_id[a]) + " (first on line " +
                         std::to_string(line_of[first]) + ")");
      });
  for (AgentId a = 0; a < count; ++a) {
    if (has_id[a] != 0) ids.push_back(population.external_id[a]);
  }
  for (const PendingManager& m : managers) {
    const AgentId boss = agent_of.find(m.manager_id);
    if (boss == kNoAgent) {
      problems.add(m.line, m.column, "column 'manager'",
                   "manager id " + std::to_string(m.manager_id) + " is not an id in the roster");
    } else {
      population.manager[m.agent] = boss;
    }
  }

  // Institutions in scenario order, each with its roster units as a contiguous block of unit ids.
  describe_institutions(population, spec);
  population.units.clear();
  for (std::size_t i = 0; i < population.institutions.size(); ++i) {
    InstitutionInfo& info = population.institutions[i];
    info.first_unit = static_cast<UnitId>(population.units.size());
    info.unit_count = static_cast<std::uint32_t>(unit_codes[i].size());
    for (auto& code : unit_codes[i]) {
      population.units.push_back(UnitInfo{static_cast<InstitutionId>(i), std::move(code)});
    }
  }

  for (const PendingJoint& j : joints) {
    const InstitutionId partner = population.joint_institution[j.agent];
    const InstitutionInfo& info = population.institutions[partner];
    if (!j.unit_code.empty()) {
      const auto it = unit_index[partner].find(j.unit_code);
      if (it == unit_index[partner].end()) {
        problems.add(j.line, j.unit_column, "column 'joint_unit'",
                     "institution " + in_quotes(info.name) + " has no unit " + in_quotes(j.unit_code) +
                         " in the roster" + did_you_mean(j.unit_code, codes_of(population, partner)));
      } else {
        population.joint_unit[j.agent] = info.first_unit + it->second;
      }
    } else if (info.unit_count == 0) {
      problems.add(j.line, j.institution_column, "column 'joint_institution'",
                   "institution " + in_quotes(info.name) +
                       " has no staff in the roster, so no unit to hold the joint appointment");
    } else {
      Stream stream = random.stream(layout_step::joint, Purpose::population_layout, j.agent);
      population.joint_unit[j.agent] = info.first_unit + stream.below(info.unit_count);
    }
  }
  if (problems.any()) return std::nullopt;

  population.resize(count);
  for (AgentId a = 0; a < count; ++a) {
    population.unit[a] += population.institutions[population.institution[a]].first_unit;
  }
  draw_unit_culture(population, spec, random);
  parallel::for_each(population.size(), [&](std::size_t i) {
    const auto a = static_cast<AgentId>(i);
    Stream stream = random.stream(0, Purpose::population_traits, a);
    draw_agent_state(population, a, spec, stream);
    if (!given_years.empty() && !std::isnan(given_years[a])) population.years[a] = given_years[a];
    if (!given_skills.empty()) {
      for (std::size_t d = 0; d < kDomains; ++d) {
        if (const float skill = given_skills[a * kDomains + d]; !std::isnan(skill)) population.skills.at(a, d) = skill;
      }
    }
  });
  if (header->field_of[col_manager] < 0) assign_managers(population, random);
  return population;
}

namespace {

// The ties of an edge list between the given roster ids (agent a has ids[a]); with ids_known false
// (the roster could not be read) ids are only checked to be ids. Problems go to `problems`.
std::vector<Tie> read_edge_list(const std::filesystem::path& csv, std::span<const std::uint64_t> ids, bool ids_known,
                                double default_weight, EdgeWeightScaling scaling, Problems& problems) {
  const auto text = read_file(csv, problems);
  if (!text) return {};
  const Columns& columns = edge_columns();
  std::size_t from = 0;
  int line_number = 0;
  const auto header = read_header(*text, from, line_number, columns, "edge list", problems);
  if (!header) return {};

  const IdIndex agent_of(
      ids, [](std::size_t) { return true; }, [](AgentId, AgentId) {});

  // With scaling, a weight is a count or a duration: any positive number, scaled once all are read.
  const scenario::Range range = scaling == EdgeWeightScaling::as_is ? kWeightRange : scenario::kPositive;
  std::vector<Tie> ties;
  std::vector<double> weights;  // as read (NaN: not given), one per tie
  for_each_row(*text, from, line_number, *header, columns, problems, [&](const Row& row) {
    const auto endpoint = [&](std::size_t c) -> std::optional<AgentId> {
      const auto cell = row.required(c);
      if (!cell) return std::nullopt;
      const auto id = row.id(c, *cell);
      if (!id) return std::nullopt;
      if (!ids_known) return std::optional<AgentId>(0);
      const AgentId agent = agent_of.find(*id);
      if (agent == kNoAgent) row.error(c, "id " + std::to_string(*id) + " is not an id in the roster");
      return agent == kNoAgent ? std::nullopt : std::optional<AgentId>(agent);
    };
    const auto src = endpoint(col_src);
    const auto dst = endpoint(col_dst);
    if (ids_known && src && dst && *src == *dst) {
      row.error(col_dst, "a tie from id " + std::to_string(ids[*src]) + " to itself");
    }
    const auto weight = row.number(col_weight, range);
    const bool weight_ok = weight || row.cell(col_weight).empty();
    if (ids_known && src && dst && *src != *dst && weight_ok) {
      ties.push_back(Tie{std::min(*src, *dst), std::max(*src, *dst), 0.0f});
      weights.push_back(weight.value_or(std::numeric_limits<double>::quiet_NaN()));
    }
  });
  if (problems.any()) return {};

  double largest = 0.0;
  for (double w : weights) {
    if (!std::isnan(w)) largest = std::max(largest, w);
  }
  for (std::size_t t = 0; t < ties.size(); ++t) {
    const double w = weights[t];
    double strength = default_weight;  // a tie without a weight
    if (!std::isnan(w)) {
      switch (scaling) {
        case EdgeWeightScaling::as_is:
          strength = w;
          break;
        case EdgeWeightScaling::scale_max:
          strength = w / largest;
          break;
        case EdgeWeightScaling::log_scale_max:
          strength = std::log1p(w) / std::log1p(largest);
          break;
      }
      // A weight so small next to the largest that it rounds to 0 keeps the smallest positive strength:
      // every listed tie exists.
      strength = std::max(strength, static_cast<double>(std::numeric_limits<float>::min()));
    }
    ties[t].weight = static_cast<float>(strength);
  }

  // A tie listed twice (either direction) keeps its largest weight.
  std::sort(ties.begin(), ties.end(),
            [](const Tie& x, const Tie& y) { return std::tie(x.a, x.b, y.weight) < std::tie(y.a, y.b, x.weight); });
  ties.erase(std::unique(ties.begin(), ties.end(), [](const Tie& x, const Tie& y) { return x.a == y.a && x.b == y.b; }),
             ties.end());
  return ties;
}

}  // namespace

Population load_roster(const std::filesystem::path& csv, const PopulationSpec& spec, const RandomSource& random) {
  Problems problems(csv.string());
  std::vector<std::uint64_t> ids;
  auto population = read_roster(csv, spec, random, problems, ids);
  problems.throw_if_any();
  return std::move(*population);
}

std::vector<Tie> load_edge_list(const std::filesystem::path& csv, const Population& population, double default_weight,
                                EdgeWeightScaling scaling) {
  Problems problems(csv.string());
  auto ties = read_edge_list(csv, population.external_id, true, default_weight, scaling, problems);
  problems.throw_if_any();
  return ties;
}

RosterInputs load_roster_inputs(const Scenario& scenario, const RandomSource& random) {
  const PopulationSpec& spec = scenario.population();
  const NetworkSpec& network = scenario.network();
  if (!spec.roster) throw std::logic_error("load_roster_inputs: the scenario has no roster");
  Problems roster_problems(spec.roster->string());
  std::vector<std::uint64_t> ids;
  auto population = read_roster(*spec.roster, spec, random, roster_problems, ids);
  RosterInputs out;
  if (network.edges) {
    Problems edge_problems(network.edges->string());
    // With a readable roster, its ids; otherwise (file missing, no header) only the edge list's syntax.
    const bool ids_known = population.has_value() || !ids.empty();
    std::span<const std::uint64_t> known =
        population ? std::span<const std::uint64_t>(population->external_id) : std::span<const std::uint64_t>(ids);
    auto ties =
        read_edge_list(*network.edges, known, ids_known, network.initial_weight, network.edge_weight, edge_problems);
    if (roster_problems.any() || edge_problems.any()) {
      auto all = roster_problems.take();
      for (auto& d : edge_problems.take()) all.push_back(std::move(d));
      throw InputError(std::move(all));
    }
    out.ties = std::move(ties);
  }
  roster_problems.throw_if_any();
  out.population = std::move(*population);
  return out;
}

StaffCounts count_staff(const Population& population, std::size_t institutions) {
  StaffCounts counts(institutions);
  for (AgentId a = 0; a < population.size(); ++a) {
    ++counts[population.institution[a]][index_of(population.profession[a])][index_of(population.stage[a])];
  }
  return counts;
}

}  // namespace mentorsim
