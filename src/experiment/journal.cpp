#include "mentorsim/experiment/journal.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "mentorsim/core/errors.hpp"
#include "mentorsim/engine/build.hpp"
#include "mentorsim/experiment/experiment.hpp"
#include "mentorsim/io/provenance.hpp"

namespace mentorsim::experiment {
namespace {

constexpr char kMagic[8] = {'M', 'S', 'J', 'O', 'U', 'R', 'N', '1'};
constexpr std::uint32_t kRunTag = 0x4E55524Au;  // "JRUN"
constexpr std::uint32_t kEndTag = 0x444E454Au;  // "JEND"

// FNV-1a, 64 bits: detects torn and corrupted records (not an adversary).
std::uint64_t checksum(const std::uint8_t* data, std::size_t size) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (std::size_t i = 0; i < size; ++i) {
    h ^= data[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

class Bytes {
 public:
  void u32(std::uint32_t v) { raw(&v, sizeof v); }
  void u64(std::uint64_t v) { raw(&v, sizeof v); }
  void i32(std::int32_t v) { raw(&v, sizeof v); }
  void f64(double v) { raw(&v, sizeof v); }
  void str(const std::string& s) {
    u64(s.size());
    raw(s.data(), s.size());
  }
  void strs(const std::vector<std::string>& v) {
    u64(v.size());
    for (const auto& s : v) str(s);
  }
  void raw(const void* p, std::size_t n) {
    const auto* b = static_cast<const std::uint8_t*>(p);
    data.insert(data.end(), b, b + n);
  }
  std::vector<std::uint8_t> data;
};

class Cursor {
 public:
  explicit Cursor(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  std::uint32_t u32() { return value<std::uint32_t>(); }
  std::uint64_t u64() { return value<std::uint64_t>(); }
  std::int32_t i32() { return value<std::int32_t>(); }
  double f64() { return value<double>(); }
  std::string str() {
    const std::uint64_t n = u64();
    need(n);
    std::string s(reinterpret_cast<const char*>(bytes_.data() + pos_), n);
    pos_ += n;
    return s;
  }
  std::vector<std::string> strs() {
    const std::uint64_t n = u64();
    need(n);  // at least a byte per element
    std::vector<std::string> v;
    for (std::uint64_t i = 0; i < n; ++i) v.push_back(str());
    return v;
  }
  std::span<const std::uint8_t> take(std::uint64_t n) {
    need(n);
    auto out = bytes_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  [[nodiscard]] bool done() const { return pos_ == bytes_.size(); }

 private:
  template <class T>
  T value() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  void need(std::uint64_t n) const {
    if (n > bytes_.size() - pos_) throw std::runtime_error("malformed manifest");
  }
  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
};

// The manifest as named fields, in order; each field's bytes are compared on resume and merge.
struct Field {
  std::string name;
  std::vector<std::uint8_t> bytes;
};

std::vector<Field> fields_of(const Manifest& m) {
  std::vector<Field> out;
  auto add = [&](const char* name, auto&& write) {
    Bytes b;
    write(b);
    out.push_back({name, std::move(b.data)});
  };
  add("mentorsim_version", [&](Bytes& b) { b.str(m.mentorsim_version); });
  add("git_commit", [&](Bytes& b) { b.str(m.git_commit); });
  add("experiment_path", [&](Bytes& b) { b.str(m.experiment_path); });
  add("experiment_toml", [&](Bytes& b) { b.str(m.experiment_toml); });
  add("scenario_path", [&](Bytes& b) { b.str(m.scenario_path); });
  add("scenario_toml", [&](Bytes& b) { b.str(m.scenario_toml); });
  add("overrides", [&](Bytes& b) { b.strs(m.overrides); });
  add("resolved_json", [&](Bytes& b) { b.str(m.resolved_json); });
  add("dependencies", [&](Bytes& b) { b.str(m.dependencies); });
  add("design_kind", [&](Bytes& b) { b.str(m.design_kind); });
  add("random_numbers", [&](Bytes& b) { b.str(m.random_numbers); });
  add("seed", [&](Bytes& b) { b.u64(m.seed); });
  add("replicates", [&](Bytes& b) { b.u64(m.replicates); });
  add("bootstrap", [&](Bytes& b) { b.u32(m.bootstrap); });
  add("confidence", [&](Bytes& b) { b.f64(m.confidence); });
  add("design", [&](Bytes& b) {
    const Design& d = m.design;
    b.u64(static_cast<std::uint64_t>(d.kind));
    b.strs(d.keys);
    b.u64(d.points());
    for (std::size_t k = 0; k < d.keys.size(); ++k) {
      for (std::size_t p = 0; p < d.points(); ++p) {
        b.str(d.text[k][p]);
        b.f64(d.number[k][p]);
      }
    }
    b.u64(d.base_samples);
    b.u64(d.saltelli_matrix.size());
    for (std::size_t p = 0; p < d.saltelli_matrix.size(); ++p) {
      b.u32(d.saltelli_matrix[p]);
      b.u32(d.saltelli_row[p]);
    }
  });
  add("arm_names", [&](Bytes& b) { b.strs(m.arm_names); });
  add("run_arms", [&](Bytes& b) {
    b.u64(m.run_arms);
    b.u64(m.arms_per_run);
  });
  add("outcomes", [&](Bytes& b) {
    b.strs(m.outcomes);
    b.u64(m.widths.size());
    for (auto w : m.widths) b.u64(w);
  });
  add("metrics", [&](Bytes& b) {
    b.strs(m.metrics);
    b.u64(m.observed_weeks.size());
    for (auto w : m.observed_weeks) b.i32(w);
  });
  add("contrasts", [&](Bytes& b) {
    b.u64(m.contrasts.size());
    for (auto [x, y] : m.contrasts) {
      b.u64(x);
      b.u64(y);
    }
  });
  add("values_per_run", [&](Bytes& b) { b.u64(m.values_per_run); });
  add("patterns", [&](Bytes& b) {
    b.strs(m.patterns);
    b.str(m.patterns_toml);
  });
  return out;
}

// Words for a field that differs (paths and library versions do not make a different sweep).
const char* field_words(const std::string& name) {
  if (name == "mentorsim_version" || name == "git_commit") return "the mentorsim build";
  if (name == "experiment_toml") return "the experiment file's text";
  if (name == "scenario_toml") return "the base scenario's text";
  if (name == "overrides") return "the --set overrides";
  if (name == "resolved_json") return "the base scenario's resolved parameters";
  if (name == "design_kind") return "the design";
  if (name == "random_numbers") return "random_numbers";
  if (name == "seed") return "the experiment seed";
  if (name == "replicates") return "the number of replicates";
  if (name == "bootstrap") return "bootstrap";
  if (name == "confidence") return "confidence";
  if (name == "design") return "the design points";
  if (name == "arm_names" || name == "run_arms") return "the arms";
  if (name == "outcomes") return "the outcomes kept";
  if (name == "metrics") return "the time series kept";
  if (name == "contrasts") return "the contrasts";
  if (name == "values_per_run") return "the values kept per run";
  if (name == "patterns") return "the patterns";
  return nullptr;
}

std::string describe_value(const std::string& name, const Manifest& m) {
  if (name == "git_commit" || name == "mentorsim_version") return m.mentorsim_version + " " + m.git_commit;
  if (name == "replicates") return std::to_string(m.replicates);
  if (name == "seed") return std::to_string(m.seed);
  if (name == "design_kind") return m.design_kind;
  if (name == "random_numbers") return m.random_numbers;
  if (name == "overrides") {
    std::string out;
    for (const auto& o : m.overrides) out += (out.empty() ? "" : " ") + ("--set " + o);
    return out.empty() ? "none" : out;
  }
  if (name == "design") return std::to_string(m.points()) + " points";
  return "";
}

std::string errno_text() { return std::strerror(errno); }

void write_all(int fd, const std::uint8_t* data, std::size_t size, const std::filesystem::path& path) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IoError(path.string() + ": cannot write the journal: " + errno_text());
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

void flush_to_disk(int fd, const std::filesystem::path& path) {
  if (::fdatasync(fd) != 0) throw IoError(path.string() + ": cannot flush the journal to disk: " + errno_text());
}

void sync_directory(const std::filesystem::path& path) {
  const std::filesystem::path dir = path.parent_path().empty() ? "." : path.parent_path();
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

void lock(int fd, const std::filesystem::path& path) {
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    throw IoError(path.string() + ": another mentorsim process is writing this journal");
  }
}

std::vector<std::uint8_t> read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path.string() + ": cannot open (" + errno_text() + ")");
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw IoError(path.string() + ": cannot read");
  return bytes;
}

std::uint32_t load_u32(const std::uint8_t* p) {
  std::uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
std::uint64_t load_u64(const std::uint8_t* p) {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

struct Parsed {
  JournalContents contents;
  std::size_t good_end = 0;  // bytes up to the last complete record
  bool torn = false;
};

Parsed parse_journal(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
  const std::string name = path.string();
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    throw IoError(name + ": not a mentorsim sweep journal or shard");
  }
  std::size_t pos = sizeof kMagic;
  if (bytes.size() < pos + 16) throw IoError(name + ": truncated header");
  Parsed out;
  out.contents.rank = load_u32(&bytes[pos]);
  out.contents.ranks = load_u32(&bytes[pos + 4]);
  const std::uint64_t manifest_size = load_u64(&bytes[pos + 8]);
  pos += 16;
  if (bytes.size() - pos < manifest_size + 8) throw IoError(name + ": truncated header");
  const std::uint64_t stored = load_u64(&bytes[pos + manifest_size]);
  if (checksum(bytes.data(), pos + manifest_size) != stored) throw IoError(name + ": corrupt header (bad checksum)");
  try {
    out.contents.manifest = Manifest::deserialise(std::span(bytes).subspan(pos, manifest_size));
  } catch (const std::runtime_error&) {
    throw IoError(name + ": corrupt header (malformed manifest)");
  }
  pos += manifest_size + 8;
  const std::uint64_t n = out.contents.manifest.values_per_run;
  const std::size_t run_size = 16 + 8 * n + 8;
  const std::size_t end_size = 24;
  std::uint64_t records = 0;
  while (pos < bytes.size()) {
    const std::size_t left = bytes.size() - pos;
    const bool zeros = std::all_of(bytes.begin() + static_cast<std::ptrdiff_t>(pos), bytes.end(),
                                   [](std::uint8_t b) { return b == 0; });
    const std::uint32_t tag = left >= 4 ? load_u32(&bytes[pos]) : 0;
    const std::size_t size = tag == kEndTag ? end_size : run_size;
    if (left < 4 || left < size || zeros) {
      out.torn = true;  // a record cut short by a crash, or blocks the file system zero-filled
      break;
    }
    if (out.contents.complete)
      throw IoError(name + ": corrupt (data after the end record, at byte " + std::to_string(pos) + ")");
    const bool last = pos + size == bytes.size();
    if ((tag != kRunTag && tag != kEndTag) || checksum(&bytes[pos], size - 8) != load_u64(&bytes[pos + size - 8])) {
      if (last) {
        out.torn = true;
        break;
      }
      throw IoError(name + ": corrupt record at byte " + std::to_string(pos));
    }
    if (tag == kEndTag) {
      if (load_u64(&bytes[pos + 8]) != records) {
        throw IoError(name + ": corrupt (its end record counts " + std::to_string(load_u64(&bytes[pos + 8])) +
                      " runs, it holds " + std::to_string(records) + ")");
      }
      out.contents.complete = true;
    } else {
      CompletedRun run;
      run.run = load_u64(&bytes[pos + 8]);
      if (run.run >= out.contents.manifest.runs()) {
        throw IoError(name + ": corrupt record at byte " + std::to_string(pos) + " (run " + std::to_string(run.run) +
                      " of " + std::to_string(out.contents.manifest.runs()) + ")");
      }
      run.values.resize(n);
      std::memcpy(run.values.data(), &bytes[pos + 16], 8 * n);
      out.contents.runs.push_back(std::move(run));
      ++records;
    }
    pos += size;
    out.good_end = pos;
  }
  if (out.good_end == 0) out.good_end = sizeof kMagic + 16 + manifest_size + 8;
  return out;
}

}  // namespace

std::vector<std::uint8_t> Manifest::serialise() const {
  Bytes b;
  const auto fields = fields_of(*this);
  b.u64(fields.size());
  for (const auto& f : fields) {
    b.str(f.name);
    b.u64(f.bytes.size());
    b.raw(f.bytes.data(), f.bytes.size());
  }
  return b.data;
}

Manifest Manifest::deserialise(std::span<const std::uint8_t> bytes) {
  Cursor top(bytes);
  Manifest m;
  const std::uint64_t count = top.u64();
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::string name = top.str();
    Cursor c(top.take(top.u64()));
    if (name == "mentorsim_version") m.mentorsim_version = c.str();
    if (name == "git_commit") m.git_commit = c.str();
    if (name == "experiment_path") m.experiment_path = c.str();
    if (name == "experiment_toml") m.experiment_toml = c.str();
    if (name == "scenario_path") m.scenario_path = c.str();
    if (name == "scenario_toml") m.scenario_toml = c.str();
    if (name == "overrides") m.overrides = c.strs();
    if (name == "resolved_json") m.resolved_json = c.str();
    if (name == "dependencies") m.dependencies = c.str();
    if (name == "design_kind") m.design_kind = c.str();
    if (name == "random_numbers") m.random_numbers = c.str();
    if (name == "seed") m.seed = c.u64();
    if (name == "replicates") m.replicates = c.u64();
    if (name == "bootstrap") m.bootstrap = c.u32();
    if (name == "confidence") m.confidence = c.f64();
    if (name == "design") {
      Design& d = m.design;
      const std::uint64_t kind = c.u64();
      if (kind > 3) throw std::runtime_error("malformed manifest");
      d.kind = static_cast<DesignKind>(kind);
      d.keys = c.strs();
      const std::uint64_t points = c.u64();
      d.text.assign(d.keys.size(), {});
      d.number.assign(d.keys.size(), {});
      for (std::size_t k = 0; k < d.keys.size(); ++k) {
        for (std::uint64_t p = 0; p < points; ++p) {
          d.text[k].push_back(c.str());
          d.number[k].push_back(c.f64());
        }
      }
      d.base_samples = c.u64();
      const std::uint64_t saltelli = c.u64();
      for (std::uint64_t p = 0; p < saltelli; ++p) {
        d.saltelli_matrix.push_back(static_cast<std::uint8_t>(c.u32()));
        d.saltelli_row.push_back(c.u32());
      }
      d.point_count = points;
    }
    if (name == "arm_names") m.arm_names = c.strs();
    if (name == "run_arms") {
      m.run_arms = c.u64();
      m.arms_per_run = c.u64();
    }
    if (name == "outcomes") {
      m.outcomes = c.strs();
      const std::uint64_t n = c.u64();
      for (std::uint64_t k = 0; k < n; ++k) m.widths.push_back(c.u64());
    }
    if (name == "metrics") {
      m.metrics = c.strs();
      const std::uint64_t n = c.u64();
      for (std::uint64_t k = 0; k < n; ++k) m.observed_weeks.push_back(c.i32());
    }
    if (name == "contrasts") {
      const std::uint64_t n = c.u64();
      for (std::uint64_t k = 0; k < n; ++k) {
        const std::uint64_t x = c.u64();
        m.contrasts.emplace_back(x, c.u64());
      }
    }
    if (name == "values_per_run") m.values_per_run = c.u64();
    if (name == "patterns") {
      m.patterns = c.strs();
      m.patterns_toml = c.str();
    }
  }
  if (!top.done()) throw std::runtime_error("malformed manifest");
  return m;
}

Manifest make_manifest(const Experiment& e) {
  Manifest m;
  m.mentorsim_version = build::version();
  m.git_commit = build::git_commit();
  m.experiment_path = e.name();
  m.experiment_toml = e.text();
  m.scenario_path = e.base().name();
  m.scenario_toml = e.base().source_text();
  m.overrides = e.scenario_overrides();
  m.resolved_json = e.base().resolved_json();
  m.dependencies = io::dependency_versions();
  m.design_kind = std::string(to_string(e.design().kind));
  m.random_numbers = std::string(to_string(e.random_numbers()));
  m.seed = e.seed();
  m.replicates = e.replicates();
  m.bootstrap = e.bootstrap();
  m.confidence = e.confidence();
  m.design = e.design();
  m.arm_names = e.arm_names();
  m.run_arms = e.run_arms();
  m.arms_per_run = e.arms_per_run();
  m.outcomes = e.outcomes();
  for (const auto& o : m.outcomes) m.widths.push_back(outcome_width(o));
  m.metrics = e.timeseries();
  m.observed_weeks = e.observed_weeks();
  for (auto [x, y] : e.contrasts()) m.contrasts.emplace_back(x, y);
  m.values_per_run = e.values_per_run();
  for (const auto& p : e.patterns()) m.patterns.push_back(p.id);
  m.patterns_toml = e.patterns_text();
  return m;
}

std::optional<std::string> manifest_difference(const Manifest& a, const Manifest& b) {
  const auto fa = fields_of(a);
  const auto fb = fields_of(b);
  for (std::size_t i = 0; i < fa.size() && i < fb.size(); ++i) {
    const char* words = field_words(fa[i].name);
    if (words == nullptr || fa[i].bytes == fb[i].bytes) continue;
    std::string out = words;
    const std::string x = describe_value(fa[i].name, a);
    const std::string y = describe_value(fa[i].name, b);
    if (!x.empty() && x != y) out += " (" + x + " vs " + y + ")";
    return out;
  }
  return std::nullopt;
}

std::filesystem::path journal_path(const std::filesystem::path& output, std::uint32_t rank, std::uint32_t ranks) {
  std::filesystem::path p = output;
  if (ranks <= 1) return p += ".journal";
  return p += "." + std::to_string(rank) + "-of-" + std::to_string(ranks) + ".journal";
}

Journal::Journal(std::filesystem::path path, int fd, std::uint64_t values_per_run)
    : path_(std::move(path)),
      fd_(fd),
      values_per_run_(values_per_run) {}

Journal::Journal(Journal&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(other.fd_),
      values_per_run_(other.values_per_run_) {
  other.fd_ = -1;
}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

Journal Journal::create(const std::filesystem::path& path, const Manifest& manifest, std::uint32_t rank,
                        std::uint32_t ranks) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw IoError(path.string() + ": cannot create the sweep journal: " + errno_text());
  lock(fd, path);
  Journal journal(path, fd, manifest.values_per_run);
  Bytes header;
  header.raw(kMagic, sizeof kMagic);
  header.u32(rank);
  header.u32(ranks);
  const auto bytes = manifest.serialise();
  header.u64(bytes.size());
  header.raw(bytes.data(), bytes.size());
  header.u64(checksum(header.data.data(), header.data.size()));
  write_all(fd, header.data.data(), header.data.size(), path);
  flush_to_disk(fd, path);
  sync_directory(path);
  return journal;
}

Journal Journal::resume(const std::filesystem::path& path, const Manifest& manifest, std::uint32_t rank,
                        std::uint32_t ranks, std::vector<CompletedRun>& completed) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) throw IoError(path.string() + ": cannot open the sweep journal: " + errno_text());
  lock(fd, path);
  Journal journal(path, fd, manifest.values_per_run);
  Parsed parsed = parse_journal(path, read_bytes(path));
  if (auto difference = manifest_difference(parsed.contents.manifest, manifest)) {
    throw InputError(Diagnostic{SourceLocation{path.string(), 0, 0}, "",
                                "--resume: this journal is from a different experiment: " + *difference +
                                    " differs; finish it with the original files, or delete it to start afresh"});
  }
  if (parsed.contents.rank != rank || parsed.contents.ranks != ranks) {
    throw InputError(Diagnostic{SourceLocation{path.string(), 0, 0}, "",
                                "--resume: this journal is shard " + std::to_string(parsed.contents.rank) + " of " +
                                    std::to_string(parsed.contents.ranks) + ", not " + std::to_string(rank) + " of " +
                                    std::to_string(ranks)});
  }
  if (parsed.contents.complete) {
    // Finished, but the results file was not written (a crash in between): the end record goes, the
    // runs stay, and the sweep writes its file again.
    parsed.good_end -= 24;
  }
  if (parsed.torn || parsed.contents.complete) {
    if (::ftruncate(fd, static_cast<off_t>(parsed.good_end)) != 0) {
      throw IoError(path.string() + ": cannot cut the torn record off the journal: " + errno_text());
    }
    flush_to_disk(fd, path);
  }
  for (auto& run : parsed.contents.runs) completed.push_back(std::move(run));
  return journal;
}

void Journal::append(std::uint64_t run, std::span<const double> values) {
  Bytes record;
  record.u32(kRunTag);
  record.u32(0);
  record.u64(run);
  record.raw(values.data(), values.size() * sizeof(double));
  record.u64(checksum(record.data.data(), record.data.size()));
  {
    const std::lock_guard lock(locks_->write);
    write_all(fd_, record.data.data(), record.data.size(), path_);
  }
  // One thread flushes at a time; the others carry on (their records are in the next flush).
  std::unique_lock lock(locks_->sync, std::try_to_lock);
  if (!lock.owns_lock()) return;
  const auto now = std::chrono::steady_clock::now();
  if (std::chrono::duration<double>(now - locks_->last_sync).count() < sync_interval_) return;
  flush_to_disk(fd_, path_);
  locks_->last_sync = now;
}

void Journal::sync() {
  const std::lock_guard lock(locks_->sync);
  flush_to_disk(fd_, path_);
  locks_->last_sync = std::chrono::steady_clock::now();
}

void Journal::finish(std::uint64_t records) {
  Bytes record;
  record.u32(kEndTag);
  record.u32(0);
  record.u64(records);
  record.u64(checksum(record.data.data(), record.data.size()));
  {
    const std::lock_guard lock(locks_->write);
    write_all(fd_, record.data.data(), record.data.size(), path_);
  }
  sync();
}

JournalContents read_journal(const std::filesystem::path& path, bool require_complete) {
  Parsed parsed = parse_journal(path, read_bytes(path));
  if (require_complete && !parsed.contents.complete) {
    throw IoError(path.string() + ": incomplete shard (" + std::to_string(parsed.contents.runs.size()) +
                  " runs, no end record" + (parsed.torn ? ", a torn last record" : "") +
                  "): its rank did not finish; run the sweep again with --resume");
  }
  return std::move(parsed.contents);
}

}  // namespace mentorsim::experiment
