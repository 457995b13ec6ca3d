#include "mentorsim/io/hdf5_file.hpp"

#include <H5Cpp.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <zlib.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <stdexcept>
#include <system_error>

#include "mentorsim/core/errors.hpp"
#include "mentorsim/core/parallel.hpp"

namespace mentorsim::io {
namespace {

// One HDF5 call at a time in this process. Debian's HDF5 C library is built thread-safe, but its C++
// wrappers are not promised to be, so every entry point of this file (constructors and destructors
// included: they open and close HDF5 objects) holds this lock; runs on several threads (the pattern
// runs of a sweep or calibration) then write their own files safely, taking turns only for HDF5 calls.
//
// The HDF5 library prints its error stack to stderr unless told not to, and in a thread-safe build
// that setting (like the error stack itself) belongs to each thread: silencing it once at start-up
// leaves every other thread printing "HDF5-DIAG" lines for errors this file handles itself (a link
// that does not exist, a failed open it reports as one line). Every thread that calls HDF5 takes this
// lock first, so the lock silences the calling thread, once.
std::recursive_mutex& hdf5_mutex() {
  static std::recursive_mutex mutex;
  thread_local const bool silenced = [] {
    H5::Exception::dontPrint();
    return true;
  }();
  static_cast<void>(silenced);
  return mutex;
}

constexpr std::uint64_t kChunkElements = 1u << 16;
constexpr unsigned kDeflateLevel = 1;  // the fastest; about 3 % larger than level 4 (docs/hdf5-schema.md)

// ---- temporary files to delete if the process is interrupted (async-signal-safe) ----
constexpr std::size_t kMaxTemporaries = 16;
constexpr std::size_t kMaxPath = 4096;
std::array<std::array<char, kMaxPath>, kMaxTemporaries> temporary_paths{};
std::array<std::atomic<bool>, kMaxTemporaries> temporary_used{};

int register_temporary(const std::filesystem::path& path) {
  const std::string text = path.string();
  if (text.size() + 1 > kMaxPath) return -1;
  for (std::size_t i = 0; i < kMaxTemporaries; ++i) {
    bool expected = false;
    if (temporary_used[i].compare_exchange_strong(expected, true)) {
      std::memcpy(temporary_paths[i].data(), text.c_str(), text.size() + 1);
      return static_cast<int>(i);
    }
  }
  return -1;
}

void unregister_temporary(int slot) {
  if (slot >= 0) temporary_used[static_cast<std::size_t>(slot)].store(false);
}

extern "C" void remove_temporaries_and_die(int signal_number) {
  for (std::size_t i = 0; i < kMaxTemporaries; ++i) {
    if (temporary_used[i].load()) ::unlink(temporary_paths[i].data());
  }
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

// ---- HDF5 helpers ----
const H5::PredType& memory_type(ElementType type) {
  switch (type) {
    case ElementType::u8:
      return H5::PredType::NATIVE_UINT8;
    case ElementType::i8:
      return H5::PredType::NATIVE_INT8;
    case ElementType::u16:
      return H5::PredType::NATIVE_UINT16;
    case ElementType::i16:
      return H5::PredType::NATIVE_INT16;
    case ElementType::u32:
      return H5::PredType::NATIVE_UINT32;
    case ElementType::i32:
      return H5::PredType::NATIVE_INT32;
    case ElementType::u64:
      return H5::PredType::NATIVE_UINT64;
    case ElementType::i64:
      return H5::PredType::NATIVE_INT64;
    case ElementType::f32:
      return H5::PredType::NATIVE_FLOAT;
    case ElementType::f64:
      return H5::PredType::NATIVE_DOUBLE;
  }
  throw std::logic_error("unknown element type");
}

const H5::PredType& file_type(ElementType type) {
  switch (type) {
    case ElementType::u8:
      return H5::PredType::STD_U8LE;
    case ElementType::i8:
      return H5::PredType::STD_I8LE;
    case ElementType::u16:
      return H5::PredType::STD_U16LE;
    case ElementType::i16:
      return H5::PredType::STD_I16LE;
    case ElementType::u32:
      return H5::PredType::STD_U32LE;
    case ElementType::i32:
      return H5::PredType::STD_I32LE;
    case ElementType::u64:
      return H5::PredType::STD_U64LE;
    case ElementType::i64:
      return H5::PredType::STD_I64LE;
    case ElementType::f32:
      return H5::PredType::IEEE_F32LE;
    case ElementType::f64:
      return H5::PredType::IEEE_F64LE;
  }
  throw std::logic_error("unknown element type");
}

H5::StrType utf8_string_type() {
  H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  type.setCset(H5T_CSET_UTF8);
  return type;
}

std::string describe(const H5::Exception& e);

std::vector<hsize_t> to_hsize(const std::vector<std::uint64_t>& v) { return {v.begin(), v.end()}; }

std::uint64_t product(const std::vector<std::uint64_t>& dims) {
  std::uint64_t n = 1;
  for (auto d : dims) n *= d;
  return n;
}

// Chunks of at most kChunkElements: shrink leading dimensions first (replicate, then observation).
std::vector<hsize_t> chunk_for(const std::vector<std::uint64_t>& dims) {
  std::vector<hsize_t> chunk = to_hsize(dims);
  for (auto& c : chunk) c = std::max<hsize_t>(c, 1);
  for (std::size_t d = 0; d < chunk.size(); ++d) {
    std::uint64_t total = 1;
    for (auto c : chunk) total *= c;
    if (total <= kChunkElements) break;
    const std::uint64_t rest = total / chunk[d];
    chunk[d] = std::max<hsize_t>(1, kChunkElements / std::max<std::uint64_t>(rest, 1));
  }
  return chunk;
}

std::size_t element_bytes(ElementType type) {
  switch (type) {
    case ElementType::u8:
    case ElementType::i8:
      return 1;
    case ElementType::u16:
    case ElementType::i16:
      return 2;
    case ElementType::u32:
    case ElementType::i32:
    case ElementType::f32:
      return 4;
    case ElementType::u64:
    case ElementType::i64:
    case ElementType::f64:
      return 8;
  }
  throw std::logic_error("unknown element type");
}

// ---- the filters of a compressed dataset, applied to whole chunks in parallel ----
// A compressed dataset's chunks pass HDF5's shuffle, deflate and Fletcher-32 filters, in that order
// (dataset_properties below). HDF5 runs its filters on the thread that writes, one chunk after another;
// for large datasets write_pieces (behind write and write_generated) instead applies the same three
// steps to many chunks in parallel and hands HDF5 the finished bytes (H5Dwrite_chunk). What a reader gets back is the
// same data, checked by the same checksum; tests/io compares the stored bytes with HDF5's own.

// The shuffle filter: byte k of every element first, for k = 0 .. size - 1 (the HDF5 format
// specification, "Shuffle Filter").
void shuffle_bytes(const unsigned char* in, std::size_t elements, std::size_t size, unsigned char* out) {
  for (std::size_t k = 0; k < size; ++k) {
    unsigned char* to = out + k * elements;
    for (std::size_t e = 0; e < elements; ++e) to[e] = in[e * size + k];
  }
}

// The Fletcher-32 checksum as HDF5 computes it (the HDF5 format specification, "Fletcher32 Checksum"):
// over 16-bit words read most significant byte first, sums reduced modulo 65535 by folding, a trailing
// odd byte taken as the high byte of a last word; second sum in the high half.
std::uint32_t fletcher32(const unsigned char* data, std::size_t bytes) {
  std::uint32_t sum1 = 0;
  std::uint32_t sum2 = 0;
  std::size_t words = bytes / 2;
  while (words > 0) {
    // At most 360 words between folds, so that neither sum overflows 32 bits.
    std::size_t run = std::min<std::size_t>(words, 360);
    words -= run;
    for (; run > 0; --run, data += 2) {
      sum1 += static_cast<std::uint32_t>(data[0]) << 8 | data[1];
      sum2 += sum1;
    }
    sum1 = (sum1 & 0xffffu) + (sum1 >> 16);
    sum2 = (sum2 & 0xffffu) + (sum2 >> 16);
  }
  if (bytes % 2 != 0) {
    sum1 += static_cast<std::uint32_t>(data[0]) << 8;
    sum2 += sum1;
    sum1 = (sum1 & 0xffffu) + (sum1 >> 16);
    sum2 = (sum2 & 0xffffu) + (sum2 >> 16);
  }
  sum1 = (sum1 & 0xffffu) + (sum1 >> 16);
  sum2 = (sum2 & 0xffffu) + (sum2 >> 16);
  return sum2 << 16 | sum1;
}

// One chunk through the three filters: shuffled, deflated at kDeflateLevel, its checksum appended
// (little-endian). `chunk` holds the chunk's whole extent (an edge chunk padded with zeros).
std::vector<unsigned char> filter_chunk(const std::vector<unsigned char>& chunk, std::size_t size) {
  std::vector<unsigned char> shuffled;
  if (size > 1) {  // one-byte elements shuffle to themselves
    shuffled.resize(chunk.size());
    shuffle_bytes(chunk.data(), chunk.size() / size, size, shuffled.data());
  }
  const std::vector<unsigned char>& input = size > 1 ? shuffled : chunk;
  uLongf length = compressBound(static_cast<uLong>(input.size()));
  std::vector<unsigned char> out(length + 4);
  if (compress2(out.data(), &length, input.data(), static_cast<uLong>(input.size()), static_cast<int>(kDeflateLevel)) !=
      Z_OK) {
    throw std::runtime_error("deflate failed");
  }
  const std::uint32_t sum = fletcher32(out.data(), length);
  for (int k = 0; k < 4; ++k) out[length + static_cast<std::size_t>(k)] = static_cast<unsigned char>(sum >> (8 * k));
  out.resize(length + 4);
  return out;
}

// Whether every chunk of a dataset of `dims` in chunks of `chunk` (chunk_for) is one run of consecutive
// elements in row-major order: with `split` the last dimension the chunk does not cover whole, the
// chunk is 1 along every dimension before it. chunk_for makes only such chunks.
bool chunks_are_runs(const std::vector<hsize_t>& dims, const std::vector<hsize_t>& chunk, std::size_t& split) {
  split = 0;
  for (std::size_t d = 0; d < dims.size(); ++d) {
    if (chunk[d] != dims[d]) split = d;
  }
  for (std::size_t d = 0; d < split; ++d) {
    if (chunk[d] != 1) return false;
  }
  return true;
}

// Object creation without timestamps, so identical content gives identical bytes. Every non-empty
// dataset of fixed-size elements is chunked and carries a Fletcher-32 checksum per chunk (the last
// filter, so it covers the bytes as stored): a corrupted chunk fails to read instead of giving wrong
// numbers. HDF5 cannot checksum variable-length data (strings): those stay contiguous and unchecked.
H5::DSetCreatPropList dataset_properties(const std::vector<std::uint64_t>& dims, bool compress,
                                         bool variable_length = false) {
  H5::DSetCreatPropList plist;
  H5Pset_obj_track_times(plist.getId(), false);
  if (product(dims) > 0 && !variable_length) {
    const auto chunk = chunk_for(dims);
    plist.setChunk(static_cast<int>(chunk.size()), chunk.data());
    if (compress) {
      plist.setShuffle();
      plist.setDeflate(kDeflateLevel);
    }
    plist.setFletcher32();
  }
  return plist;
}

// The innermost description of the HDF5 error stack of this thread (the cause, where the exception
// only names the API call), and whether a checksum failed. Call first thing in a catch block.
struct ErrorCause {
  std::string text;
  bool checksum = false;
};

extern "C" herr_t collect_error(unsigned, const H5E_error2_t* error, void* data) {
  auto* cause = static_cast<ErrorCause*>(data);
  if (error->desc != nullptr && error->desc[0] != '\0') {
    std::string text = error->desc;
    if (text.find("checksum") != std::string::npos || text.find("Fletcher32") != std::string::npos) {
      cause->checksum = true;
    }
    std::replace(text.begin(), text.end(), '\n', ' ');
    cause->text = std::move(text);
  }
  return 0;
}

ErrorCause error_cause() {
  ErrorCause cause;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, collect_error, &cause);
  return cause;
}

// A one-line reason for a failed HDF5 call: the innermost cause on the error stack, else the call.
std::string describe(const H5::Exception& e) {
  const ErrorCause cause = error_cause();
  if (!cause.text.empty()) return cause.text;
  std::string detail = e.getDetailMsg();
  return detail.empty() ? std::string("HDF5 error") : detail;
}

// A one-line reason for a failed read, naming corruption when a checksum failed.
std::string read_failure(const H5::Exception& e) {
  const ErrorCause cause = error_cause();
  if (cause.checksum) return "the data fail their checksum: the file is corrupt";
  if (!cause.text.empty()) return cause.text;
  return describe(e);
}

hid_t group_properties() {
  const hid_t plist = H5Pcreate(H5P_GROUP_CREATE);
  H5Pset_obj_track_times(plist, false);
  return plist;
}

hid_t link_properties() {
  const hid_t plist = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(plist, 1);
  return plist;
}

struct Silence {
  Silence() { H5::Exception::dontPrint(); }
};
const Silence silence;

}  // namespace

void install_cleanup_handlers() {
  std::signal(SIGINT, remove_temporaries_and_die);
  std::signal(SIGTERM, remove_temporaries_and_die);
  std::signal(SIGHUP, remove_temporaries_and_die);
  std::signal(SIGQUIT, remove_temporaries_and_die);
  std::signal(SIGXFSZ, SIG_IGN);
}

// ---------------------------------------------------------------- Dataset
struct Dataset::Impl {
  H5::DataSet dataset;
  ElementType type;
  std::string path;
};

Dataset::Dataset() = default;
Dataset::Dataset(Dataset&&) noexcept = default;
Dataset& Dataset::operator=(Dataset&& other) noexcept {
  const std::lock_guard lock(hdf5_mutex());  // the dataset held before closes here
  impl_ = std::move(other.impl_);
  return *this;
}
Dataset::~Dataset() {
  const std::lock_guard lock(hdf5_mutex());
  impl_.reset();
}

void Dataset::close() {
  const std::lock_guard lock(hdf5_mutex());
  impl_.reset();
}

void Dataset::check_type(ElementType type) const {
  const std::lock_guard lock(hdf5_mutex());
  if (!impl_ || impl_->type != type) throw std::logic_error("dataset written with the wrong element type");
}

void Dataset::write_slab(const std::vector<std::uint64_t>& offset, const std::vector<std::uint64_t>& count,
                         const void* data) {
  const std::lock_guard lock(hdf5_mutex());
  try {
    H5::DataSpace file_space = impl_->dataset.getSpace();
    const auto start = to_hsize(offset);
    const auto extent = to_hsize(count);
    file_space.selectHyperslab(H5S_SELECT_SET, extent.data(), start.data());
    H5::DataSpace memory_space(static_cast<int>(extent.size()), extent.data());
    impl_->dataset.write(data, memory_type(impl_->type), memory_space, file_space);
  } catch (const H5::Exception& e) {
    throw IoError("cannot write " + impl_->path + ": " + describe(e));
  }
}

// ---------------------------------------------------------------- OutputFile
// The file is built in memory (HDF5's core driver, no backing store) and its image is written with
// plain POSIX I/O at commit. HDF5 then never writes to disk itself: with the sec2 driver, a failed
// write (disk full) leaves HDF5 1.10 in a state where closing the file, or library shutdown at exit,
// crashes. Here a disk error is an ordinary IoError and the temporary file is removed.
struct OutputFile::Impl {
  H5::H5File file;
  int descriptor = -1;
  int cleanup_slot = -1;
};

namespace {

// The in-memory image grows this much at a time, and each step is resident memory as soon as the file
// grows into it: with 64 MiB steps a 1M-staff run (a file of about 32 MB) held about 60 MB more at its
// memory peak than with 8 MiB steps (docs/performance.md, "Peak memory under 1 GB"). A larger file
// takes more steps, each a reallocation of the image: 40 for the 320 MB of a 10M-staff run.
constexpr std::size_t kCoreIncrement = std::size_t{8} << 20;

std::string system_error_text(int error) { return std::generic_category().message(error); }

}  // namespace

namespace {

std::string kind_of(std::filesystem::file_type type) {
  switch (type) {
    case std::filesystem::file_type::directory:
      return "a directory";
    case std::filesystem::file_type::fifo:
      return "a named pipe (FIFO)";
    case std::filesystem::file_type::character:
      return "a character device";
    case std::filesystem::file_type::block:
      return "a block device";
    case std::filesystem::file_type::socket:
      return "a socket";
    default:
      return "not a regular file";
  }
}

// Removes the temporary files ".NAME.partial-PID-N" beside `target` whose process PID no longer runs
// (left by a process killed with SIGKILL, which no handler can catch). A PID that runs, or that this
// process cannot signal, keeps its file: it may still be writing.
void remove_stale_partials(const std::filesystem::path& directory, const std::string& name) {
  const std::string prefix = "." + name + ".partial-";
  std::error_code ec;
  std::filesystem::directory_iterator it(directory, ec);
  if (ec) return;
  for (const auto& entry : it) {
    const std::string file = entry.path().filename().string();
    if (!file.starts_with(prefix)) continue;
    const std::string rest = file.substr(prefix.size());
    const auto dash = rest.find('-');
    if (dash == std::string::npos || dash == 0 || dash + 1 == rest.size()) continue;
    const std::string pid_text = rest.substr(0, dash);
    const std::string counter = rest.substr(dash + 1);
    const auto digits = [](const std::string& t) {
      return !t.empty() && t.size() < 10 &&
             std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (!digits(pid_text) || !digits(counter)) continue;
    const auto pid = static_cast<pid_t>(std::stol(pid_text));
    if (pid <= 0 || pid == ::getpid()) continue;
    if (::kill(pid, 0) == 0 || errno != ESRCH) continue;
    if (!entry.is_regular_file(ec)) continue;
    std::filesystem::remove(entry.path(), ec);
  }
}

}  // namespace

std::filesystem::path check_output_target(const std::filesystem::path& requested) {
  if (requested.empty()) throw IoError("cannot write the results: the file name is empty");
  std::filesystem::path target = requested;
  std::error_code ec;
  const auto link = std::filesystem::symlink_status(requested, ec);
  if (link.type() == std::filesystem::file_type::symlink) {
    // Written through: the link stays, the file it points to is replaced (atomically, in its directory).
    target = std::filesystem::canonical(requested, ec);
    if (ec) {
      throw IoError("cannot write " + requested.string() +
                    ": it is a symbolic link to a file that does not exist; remove the link or create its target");
    }
  }
  const auto status = std::filesystem::status(target, ec);
  if (status.type() != std::filesystem::file_type::not_found && status.type() != std::filesystem::file_type::regular) {
    if (status.type() == std::filesystem::file_type::directory) {
      throw IoError("cannot write " + requested.string() + ": it is a directory, not a file name");
    }
    throw IoError("cannot write " + requested.string() + ": it is " + kind_of(status.type()) +
                  "; results replace only a regular file");
  }
  std::filesystem::path directory = target.parent_path();
  if (directory.empty()) directory = ".";
  if (!std::filesystem::is_directory(directory, ec)) {
    throw IoError("cannot write " + requested.string() + ": directory " + directory.string() + " does not exist");
  }
  if (target.filename().empty() || target.filename() == "." || target.filename() == "..") {
    throw IoError("cannot write " + requested.string() + ": it is a directory, not a file name");
  }
  return target;
}

OutputFile::OutputFile(std::filesystem::path final_path)
    : impl_(std::make_unique<Impl>()),
      final_path_(std::move(final_path)) {
  const std::lock_guard lock(hdf5_mutex());
  write_path_ = check_output_target(final_path_);
  std::filesystem::path directory = write_path_.parent_path();
  if (directory.empty()) directory = ".";
  remove_stale_partials(directory, write_path_.filename().string());
  static std::atomic<unsigned> counter{0};
  temporary_path_ = directory / ("." + write_path_.filename().string() + ".partial-" + std::to_string(::getpid()) +
                                 "-" + std::to_string(counter++));
  // Create the temporary file now, so an unwritable place fails before any work is done.
  impl_->cleanup_slot = register_temporary(temporary_path_);
  impl_->descriptor = ::open(temporary_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (impl_->descriptor < 0) {
    const int error = errno;
    unregister_temporary(impl_->cleanup_slot);
    throw IoError("cannot write " + final_path_.string() + ": " + system_error_text(error));
  }
  try {
    H5::FileAccPropList access;
    access.setCore(kCoreIncrement, false);
    access.setFcloseDegree(H5F_CLOSE_SEMI);
    impl_->file =
        H5::H5File(temporary_path_.string() + ".in-memory", H5F_ACC_EXCL, H5::FileCreatPropList::DEFAULT, access);
  } catch (const H5::Exception& e) {
    ::close(impl_->descriptor);
    ::unlink(temporary_path_.c_str());
    unregister_temporary(impl_->cleanup_slot);
    throw IoError("cannot create the HDF5 image for " + final_path_.string() + ": " + describe(e));
  }
}

OutputFile::OutputFile(std::filesystem::path final_path, const std::filesystem::path& start_from)
    : OutputFile(std::move(final_path)) {
  const std::lock_guard lock(hdf5_mutex());
  std::vector<char> image;
  {
    std::ifstream in(start_from, std::ios::binary);
    if (!in) throw IoError("cannot read " + start_from.string() + ": no such file");
    image.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) throw IoError("cannot read " + start_from.string());
  }
  impl_->file.close();
  const hid_t access = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_fapl_core(access, kCoreIncrement, 0);
  H5Pset_fclose_degree(access, H5F_CLOSE_SEMI);
  H5Pset_file_image(access, image.data(), image.size());
  const hid_t id = H5Fopen((temporary_path_.string() + ".in-memory").c_str(), H5F_ACC_RDWR, access);
  H5Pclose(access);
  if (id < 0) throw IoError("cannot read " + start_from.string() + ": not an HDF5 file");
  impl_->file = H5::H5File(id);
  // The C++ wrapper takes its own reference to an existing id (HDF5 1.10+): drop the one H5Fopen gave.
  if (H5Iget_ref(id) > 1) H5Idec_ref(id);
}

OutputFile::~OutputFile() {
  const std::lock_guard lock(hdf5_mutex());
  if (committed_) {
    impl_.reset();
    return;
  }
  if (impl_->descriptor >= 0) ::close(impl_->descriptor);
  std::error_code ec;
  std::filesystem::remove(temporary_path_, ec);
  unregister_temporary(impl_->cleanup_slot);
  impl_.reset();  // the in-memory HDF5 file closes here (memory only, cannot fail on disk), under the lock
}

void OutputFile::create_group(std::string_view path) {
  const std::lock_guard lock(hdf5_mutex());
  const std::string name(path);
  if (name == "/" || H5Lexists(impl_->file.getId(), name.c_str(), H5P_DEFAULT) > 0) return;
  const hid_t link = link_properties();
  const hid_t group_plist = group_properties();
  const hid_t group = H5Gcreate2(impl_->file.getId(), name.c_str(), link, group_plist, H5P_DEFAULT);
  H5Pclose(link);
  H5Pclose(group_plist);
  if (group < 0) throw IoError("cannot create group " + name + " in " + final_path_.string());
  H5Gclose(group);
}

void OutputFile::remove(std::string_view path) {
  const std::lock_guard lock(hdf5_mutex());
  const std::string name(path);
  if (name == "/" || H5Lexists(impl_->file.getId(), name.c_str(), H5P_DEFAULT) <= 0) return;
  if (H5Ldelete(impl_->file.getId(), name.c_str(), H5P_DEFAULT) < 0) {
    throw IoError("cannot remove " + name + " in " + final_path_.string());
  }
}

namespace {

// Opens a group or dataset by path for attributes.
template <class Fn>
void with_object(H5::H5File& file, std::string_view object, const std::filesystem::path& where, Fn&& fn) {
  try {
    const std::string name(object);
    const H5O_type_t kind = file.childObjType(name == "/" ? "." : name);
    if (kind == H5O_TYPE_DATASET) {
      H5::DataSet ds = file.openDataSet(name);
      fn(static_cast<H5::H5Object&>(ds));
    } else {
      H5::Group g = file.openGroup(name);
      fn(static_cast<H5::H5Object&>(g));
    }
  } catch (const H5::Exception& e) {
    throw IoError("cannot write attribute on " + std::string(object) + " in " + where.string() + ": " + describe(e));
  }
}

void replace_attribute(H5::H5Object& object, const std::string& name) {
  if (object.attrExists(name)) object.removeAttr(name);
}

}  // namespace

void OutputFile::set_attribute(std::string_view object, std::string_view name, std::string_view value) {
  const std::lock_guard lock(hdf5_mutex());
  with_object(impl_->file, object, final_path_, [&](H5::H5Object& o) {
    const std::string key(name);
    replace_attribute(o, key);
    const H5::StrType type = utf8_string_type();
    H5::Attribute attribute = o.createAttribute(key, type, H5::DataSpace(H5S_SCALAR));
    const std::string text(value);
    const char* pointer = text.c_str();
    attribute.write(type, &pointer);
  });
}

void OutputFile::set_attribute(std::string_view object, std::string_view name, std::int64_t value) {
  const std::lock_guard lock(hdf5_mutex());
  with_object(impl_->file, object, final_path_, [&](H5::H5Object& o) {
    const std::string key(name);
    replace_attribute(o, key);
    H5::Attribute attribute = o.createAttribute(key, H5::PredType::STD_I64LE, H5::DataSpace(H5S_SCALAR));
    attribute.write(H5::PredType::NATIVE_INT64, &value);
  });
}

void OutputFile::set_attribute(std::string_view object, std::string_view name, std::uint64_t value) {
  const std::lock_guard lock(hdf5_mutex());
  with_object(impl_->file, object, final_path_, [&](H5::H5Object& o) {
    const std::string key(name);
    replace_attribute(o, key);
    H5::Attribute attribute = o.createAttribute(key, H5::PredType::STD_U64LE, H5::DataSpace(H5S_SCALAR));
    attribute.write(H5::PredType::NATIVE_UINT64, &value);
  });
}

void OutputFile::set_attribute(std::string_view object, std::string_view name, double value) {
  const std::lock_guard lock(hdf5_mutex());
  with_object(impl_->file, object, final_path_, [&](H5::H5Object& o) {
    const std::string key(name);
    replace_attribute(o, key);
    H5::Attribute attribute = o.createAttribute(key, H5::PredType::IEEE_F64LE, H5::DataSpace(H5S_SCALAR));
    attribute.write(H5::PredType::NATIVE_DOUBLE, &value);
  });
}

void OutputFile::set_attribute(std::string_view object, std::string_view name, const std::vector<std::string>& values) {
  const std::lock_guard lock(hdf5_mutex());
  with_object(impl_->file, object, final_path_, [&](H5::H5Object& o) {
    const std::string key(name);
    replace_attribute(o, key);
    const H5::StrType type = utf8_string_type();
    const hsize_t n = values.size();
    H5::Attribute attribute = o.createAttribute(key, type, H5::DataSpace(1, &n));
    std::vector<const char*> pointers;
    for (const auto& v : values) pointers.push_back(v.c_str());
    attribute.write(type, pointers.data());
  });
}

void OutputFile::write_raw(std::string_view path, ElementType type, const void* data,
                           const std::vector<std::uint64_t>& dims) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  const std::size_t size = element_bytes(type);
  write_pieces(path, type, dims, data, [&](std::uint64_t begin, std::uint64_t count, void* out) {
    std::memcpy(out, bytes + begin * size, count * size);
  });
}

void OutputFile::write_generated(std::string_view path, ElementType type, const std::vector<std::uint64_t>& dims,
                                 FunctionRef<void(std::uint64_t, std::uint64_t, void*)> fill) {
  write_pieces(path, type, dims, nullptr, fill);
}

void OutputFile::write_pieces(std::string_view path, ElementType type, const std::vector<std::uint64_t>& dims,
                              const void* whole, FunctionRef<void(std::uint64_t, std::uint64_t, void*)> fill) {
  std::unique_lock lock(hdf5_mutex());
  const std::string name(path);
  const auto extent = to_hsize(dims);
  const auto chunk = chunk_for(dims);
  const std::size_t size = element_bytes(type);
  std::size_t split = 0;
  // Chunks filtered in parallel (above) when there are several, each is a run of elements, and the
  // file's byte order is the machine's.
  const std::uint64_t elements = product(dims);
  const bool parallel_filters = std::endian::native == std::endian::little && elements > 2 * kChunkElements &&
                                chunks_are_runs(extent, chunk, split);
  try {
    H5::DataSpace space(static_cast<int>(extent.size()), extent.data());
    const hid_t link = link_properties();
    H5::LinkCreatPropList link_plist(link);
    H5::DataSet ds = impl_->file.createDataSet(name, file_type(type), space, dataset_properties(dims, true),
                                               H5::DSetAccPropList::DEFAULT, link_plist);
    if (elements == 0) return;
    if (!parallel_filters) {
      if (whole != nullptr) {
        ds.write(whole, memory_type(type));
      } else {
        std::vector<unsigned char> made(elements * size);
        fill(0, elements, made.data());
        ds.write(made.data(), memory_type(type));
      }
      return;
    }
    // Chunk c covers elements [c * per_chunk, (c + 1) * per_chunk) of the row-major array: along the
    // split dimension chunk[split] rows of `inner` elements each, the last chunk of each run of the
    // leading dimensions cut short (its rest padded with zeros).
    std::uint64_t inner = 1;
    for (std::size_t d = split + 1; d < dims.size(); ++d) inner *= dims[d];
    const std::uint64_t per_chunk = chunk[split] * inner;
    const std::uint64_t along = (dims[split] + chunk[split] - 1) / chunk[split];  // chunks along `split`
    std::uint64_t outer = 1;
    for (std::size_t d = 0; d < split; ++d) outer *= dims[d];
    const std::uint64_t chunks = outer * along;
    // A batch of chunks at a time, so that the filtered bytes held at once stay small.
    constexpr std::uint64_t kBatch = 64;
    std::vector<std::vector<unsigned char>> filtered;
    for (std::uint64_t first = 0; first < chunks; first += kBatch) {
      const std::uint64_t count = std::min(kBatch, chunks - first);
      filtered.assign(count, {});
      std::atomic<bool> failed = false;
      lock.unlock();  // filling and filtering read only the data (and throw nothing: the dataset must close locked)
      parallel::for_each(
          count,
          [&](std::size_t k) {
            try {
              const std::uint64_t c = first + k;
              const std::uint64_t o = c / along;
              const std::uint64_t row = (c % along) * chunk[split];
              const std::uint64_t rows = std::min<std::uint64_t>(chunk[split], dims[split] - row);
              const std::uint64_t begin = (o * dims[split] + row) * inner;
              std::vector<unsigned char> piece(per_chunk * size, 0);
              fill(begin, rows * inner, piece.data());
              filtered[k] = filter_chunk(piece, size);
            } catch (...) {
              failed = true;
            }
          },
          1);
      lock.lock();
      if (failed)
        throw IoError("cannot write " + name + " to " + final_path_.string() + ": compressing its data failed");
      for (std::uint64_t k = 0; k < count; ++k) {
        const std::uint64_t c = first + k;
        std::vector<hsize_t> offset(dims.size(), 0);
        std::uint64_t o = c / along;
        for (std::size_t d = split; d-- > 0;) {
          offset[d] = o % dims[d];
          o /= dims[d];
        }
        offset[split] = (c % along) * chunk[split];
        if (H5Dwrite_chunk(ds.getId(), H5P_DEFAULT, 0, offset.data(), filtered[k].size(), filtered[k].data()) < 0) {
          const ErrorCause cause = error_cause();
          throw IoError("cannot write " + name + " to " + final_path_.string() + ": " +
                        (cause.text.empty() ? std::string("H5Dwrite_chunk failed") : cause.text));
        }
      }
    }
  } catch (const H5::Exception& e) {
    throw IoError("cannot write " + name + " to " + final_path_.string() + ": " + describe(e));
  }
}

void OutputFile::write_strings(std::string_view path, const std::vector<std::string>& values) {
  const std::lock_guard lock(hdf5_mutex());
  const std::string name(path);
  try {
    const hsize_t n = values.size();
    H5::DataSpace space(1, &n);
    const H5::StrType type = utf8_string_type();
    H5::LinkCreatPropList link_plist(link_properties());
    H5::DataSet ds = impl_->file.createDataSet(name, type, space, dataset_properties({n}, false, true),
                                               H5::DSetAccPropList::DEFAULT, link_plist);
    std::vector<const char*> pointers;
    for (const auto& v : values) pointers.push_back(v.c_str());
    if (n > 0) ds.write(pointers.data(), type);
  } catch (const H5::Exception& e) {
    throw IoError("cannot write " + name + " to " + final_path_.string() + ": " + describe(e));
  }
}

void OutputFile::write_compound(std::string_view path, const std::vector<CompoundField>& fields,
                                std::size_t record_size, const void* records, std::size_t count) {
  const std::lock_guard lock(hdf5_mutex());
  const std::string name(path);
  try {
    H5::CompType memory(record_size);
    for (const auto& f : fields) memory.insertMember(f.name, f.offset, memory_type(f.type));
    // The file type is packed: the struct's padding bytes (whatever memory held) never reach the file.
    // (A copy constructor would share the type's id; copy() makes a distinct type.)
    H5::CompType packed;
    packed.copy(memory);
    packed.pack();
    const hsize_t n = count;
    H5::DataSpace space(1, &n);
    H5::LinkCreatPropList link_plist(link_properties());
    H5::DataSet ds = impl_->file.createDataSet(name, packed, space, dataset_properties({n}, false),
                                               H5::DSetAccPropList::DEFAULT, link_plist);
    if (count > 0) ds.write(records, memory);
  } catch (const H5::Exception& e) {
    throw IoError("cannot write " + name + " to " + final_path_.string() + ": " + describe(e));
  }
}

Dataset OutputFile::create_dataset(std::string_view path, ElementType type, const std::vector<std::uint64_t>& dims,
                                   double fill) {
  const std::lock_guard lock(hdf5_mutex());
  const std::string name(path);
  try {
    const auto extent = to_hsize(dims);
    H5::DataSpace space(static_cast<int>(extent.size()), extent.data());
    H5::DSetCreatPropList plist = dataset_properties(dims, true);
    // The fill value in the element's own type.
    std::array<unsigned char, 8> fill_bytes{};
    H5::DataType(H5::PredType::NATIVE_DOUBLE).convert(memory_type(type), 1, &fill, nullptr);
    std::memcpy(fill_bytes.data(), &fill, sizeof(double));
    plist.setFillValue(memory_type(type), fill_bytes.data());
    plist.setFillTime(H5D_FILL_TIME_ALLOC);
    H5::LinkCreatPropList link_plist(link_properties());
    Dataset out;
    out.impl_ = std::make_unique<Dataset::Impl>();
    out.impl_->dataset =
        impl_->file.createDataSet(name, file_type(type), space, plist, H5::DSetAccPropList::DEFAULT, link_plist);
    out.impl_->type = type;
    out.impl_->path = name;
    return out;
  } catch (const H5::Exception& e) {
    throw IoError("cannot create " + name + " in " + final_path_.string() + ": " + describe(e));
  }
}

void OutputFile::commit() {
  const std::lock_guard lock(hdf5_mutex());
  if (committed_) return;
  const hid_t id = impl_->file.getId();
  const ssize_t open_objects = H5Fget_obj_count(id, H5F_OBJ_DATASET | H5F_OBJ_GROUP | H5F_OBJ_ATTR | H5F_OBJ_DATATYPE);
  if (open_objects > 0) throw std::logic_error("OutputFile::commit with HDF5 objects still open");
  std::vector<unsigned char> image;
  try {
    impl_->file.flush(H5F_SCOPE_GLOBAL);
    const ssize_t size = H5Fget_file_image(id, nullptr, 0);
    if (size < 0) throw IoError("cannot build the HDF5 image of " + final_path_.string());
    image.resize(static_cast<std::size_t>(size));
    if (H5Fget_file_image(id, image.data(), image.size()) != size) {
      throw IoError("cannot build the HDF5 image of " + final_path_.string());
    }
    impl_->file.close();
  } catch (const H5::Exception& e) {
    throw IoError("cannot finish " + final_path_.string() + ": " + describe(e));
  }
  std::size_t written = 0;
  while (written < image.size()) {
    const ssize_t n = ::write(impl_->descriptor, image.data() + written, image.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = n < 0 ? errno : EIO;
      throw IoError("cannot write " + final_path_.string() + ": " + system_error_text(error));
    }
    written += static_cast<std::size_t>(n);
  }
  if ((durable_ && ::fsync(impl_->descriptor) != 0) || ::close(impl_->descriptor) != 0) {
    const int error = errno;
    impl_->descriptor = -1;
    throw IoError("cannot write " + final_path_.string() + ": " + system_error_text(error));
  }
  impl_->descriptor = -1;
  std::error_code ec;
  // The target may have become something else than a regular file while the run went on.
  const auto now = std::filesystem::status(write_path_, ec);
  if (now.type() != std::filesystem::file_type::not_found && now.type() != std::filesystem::file_type::regular) {
    throw IoError("cannot write " + final_path_.string() + ": it is now " + kind_of(now.type()) +
                  "; results replace only a regular file");
  }
  std::filesystem::rename(temporary_path_, write_path_, ec);
  if (ec) throw IoError("cannot move the finished output to " + final_path_.string() + ": " + ec.message());
  committed_ = true;
  unregister_temporary(impl_->cleanup_slot);
}

// ---------------------------------------------------------------- InputFile
struct InputFile::Impl {
  H5::H5File file;
  std::string path;
};

InputFile::InputFile(const std::filesystem::path& path) : impl_(std::make_unique<Impl>()) {
  const std::lock_guard lock(hdf5_mutex());
  impl_->path = path.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw IoError("cannot read " + path.string() + ": no such file");
  try {
    if (!H5::H5File::isHdf5(impl_->path)) throw IoError("cannot read " + path.string() + ": not an HDF5 file");
    impl_->file = H5::H5File(impl_->path, H5F_ACC_RDONLY);
  } catch (const H5::Exception& e) {
    throw IoError("cannot read " + path.string() + ": " + read_failure(e));
  }
}

InputFile::~InputFile() {
  const std::lock_guard lock(hdf5_mutex());
  impl_.reset();
}

bool InputFile::exists(std::string_view path) const {
  const std::lock_guard lock(hdf5_mutex());
  const std::string name(path);
  if (name == "/") return true;
  // Every prefix must exist for H5Lexists to answer rather than fail.
  std::size_t pos = 0;
  while ((pos = name.find('/', pos + 1)) != std::string::npos) {
    if (H5Lexists(impl_->file.getId(), name.substr(0, pos).c_str(), H5P_DEFAULT) <= 0) return false;
  }
  return H5Lexists(impl_->file.getId(), name.c_str(), H5P_DEFAULT) > 0;
}

bool InputFile::is_group(std::string_view path) const {
  const std::lock_guard lock(hdf5_mutex());
  if (!exists(path)) return false;
  const std::string name(path);
  return name == "/" || impl_->file.childObjType(name) == H5O_TYPE_GROUP;
}

std::vector<std::uint64_t> InputFile::dims(std::string_view path) const {
  const std::lock_guard lock(hdf5_mutex());
  try {
    H5::DataSpace space = impl_->file.openDataSet(std::string(path)).getSpace();
    std::vector<hsize_t> d(static_cast<std::size_t>(space.getSimpleExtentNdims()));
    space.getSimpleExtentDims(d.data());
    return {d.begin(), d.end()};
  } catch (const H5::Exception& e) {
    throw IoError("cannot read " + std::string(path) + " in " + impl_->path + ": " + read_failure(e));
  }
}

std::size_t InputFile::element_count(std::string_view path) const {
  const std::lock_guard lock(hdf5_mutex());
  std::size_t n = 1;
  for (auto d : dims(path)) n *= d;
  return n;
}

namespace {

// Reads a whole dataset with the C call, so that a failure's cause (a checksum) is still on HDF5's
// error stack when it is examined: the C++ wrappers close objects while unwinding, which clears it.
void read_all(const H5::DataSet& dataset, hid_t memory_type_id, void* out, const std::string& what) {
  if (H5Dread(dataset.getId(), memory_type_id, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) >= 0) return;
  const ErrorCause cause = error_cause();
  throw IoError(what + ": " +
                (cause.checksum ? std::string("the data fail their checksum: the file is corrupt")
                                : (cause.text.empty() ? std::string("H5Dread failed") : cause.text)));
}

}  // namespace

void InputFile::read_raw(std::string_view path, ElementType type, void* out) const {
  const std::lock_guard lock(hdf5_mutex());
  const std::string what = "cannot read " + std::string(path) + " in " + impl_->path;
  try {
    if (element_count(path) == 0) return;
    const H5::DataSet dataset = impl_->file.openDataSet(std::string(path));
    read_all(dataset, memory_type(type).getId(), out, what);
  } catch (const H5::Exception& e) {
    throw IoError(what + ": " + read_failure(e));
  }
}

std::vector<std::string> InputFile::read_strings(std::string_view path) const {
  const std::lock_guard lock(hdf5_mutex());
  try {
    H5::DataSet ds = impl_->file.openDataSet(std::string(path));
    const std::size_t n = element_count(path);
    std::vector<char*> pointers(n, nullptr);
    const H5::StrType type = utf8_string_type();
    if (n > 0) read_all(ds, type.getId(), pointers.data(), "cannot read " + std::string(path) + " in " + impl_->path);
    std::vector<std::string> out;
    for (char* p : pointers) out.emplace_back(p != nullptr ? p : "");
    if (n > 0) {
      H5::DataSpace space = ds.getSpace();
      H5Dvlen_reclaim(type.getId(), space.getId(), H5P_DEFAULT, pointers.data());
    }
    return out;
  } catch (const H5::Exception& e) {
    throw IoError("cannot read " + std::string(path) + " in " + impl_->path + ": " + read_failure(e));
  }
}

namespace {

template <class Fn>
auto with_attribute(H5::H5File& file, std::string_view object, std::string_view name, const std::string& where,
                    Fn&& fn) {
  try {
    const std::string target(object);
    H5::Attribute attribute;
    if (target == "/" || file.childObjType(target) == H5O_TYPE_GROUP) {
      attribute = file.openGroup(target).openAttribute(std::string(name));
    } else {
      attribute = file.openDataSet(target).openAttribute(std::string(name));
    }
    return fn(attribute);
  } catch (const H5::Exception& e) {
    throw IoError("cannot read attribute " + std::string(name) + " of " + std::string(object) + " in " + where + ": " +
                  read_failure(e));
  }
}

}  // namespace

std::string InputFile::string_attribute(std::string_view object, std::string_view name) const {
  const std::lock_guard lock(hdf5_mutex());
  return with_attribute(impl_->file, object, name, impl_->path, [](H5::Attribute& a) {
    std::string value;
    a.read(a.getStrType(), value);
    return value;
  });
}

std::int64_t InputFile::int_attribute(std::string_view object, std::string_view name) const {
  const std::lock_guard lock(hdf5_mutex());
  return with_attribute(impl_->file, object, name, impl_->path, [](H5::Attribute& a) {
    std::int64_t value = 0;
    a.read(H5::PredType::NATIVE_INT64, &value);
    return value;
  });
}

double InputFile::double_attribute(std::string_view object, std::string_view name) const {
  const std::lock_guard lock(hdf5_mutex());
  return with_attribute(impl_->file, object, name, impl_->path, [](H5::Attribute& a) {
    double value = 0;
    a.read(H5::PredType::NATIVE_DOUBLE, &value);
    return value;
  });
}

std::vector<std::string> InputFile::attribute_names(std::string_view object) const {
  const std::lock_guard lock(hdf5_mutex());
  try {
    const std::string target(object);
    std::vector<std::string> names;
    auto collect = [&](H5::H5Object& o) {
      const int count = o.getNumAttrs();
      for (int i = 0; i < count; ++i) names.push_back(o.openAttribute(static_cast<unsigned>(i)).getName());
    };
    if (target == "/" || impl_->file.childObjType(target) == H5O_TYPE_GROUP) {
      H5::Group g = impl_->file.openGroup(target);
      collect(g);
    } else {
      H5::DataSet d = impl_->file.openDataSet(target);
      collect(d);
    }
    std::sort(names.begin(), names.end());
    return names;
  } catch (const H5::Exception& e) {
    throw IoError("cannot list attributes of " + std::string(object) + " in " + impl_->path + ": " + read_failure(e));
  }
}

std::vector<std::string> InputFile::members(std::string_view group) const {
  const std::lock_guard lock(hdf5_mutex());
  try {
    H5::Group g = impl_->file.openGroup(std::string(group));
    std::vector<std::string> names;
    for (hsize_t i = 0; i < g.getNumObjs(); ++i) names.push_back(g.getObjnameByIdx(i));
    std::sort(names.begin(), names.end());
    return names;
  } catch (const H5::Exception& e) {
    throw IoError("cannot list " + std::string(group) + " in " + impl_->path + ": " + read_failure(e));
  }
}

std::vector<std::uint8_t> InputFile::raw_bytes(std::string_view path) const {
  const std::lock_guard lock(hdf5_mutex());
  try {
    H5::DataSet ds = impl_->file.openDataSet(std::string(path));
    H5::DataType type = ds.getDataType();
    if (type.getClass() == H5T_STRING) {
      std::vector<std::uint8_t> out;
      for (const auto& s : read_strings(path)) {
        out.insert(out.end(), s.begin(), s.end());
        out.push_back(0);
      }
      return out;
    }
    const std::size_t bytes = element_count(path) * type.getSize();
    std::vector<std::uint8_t> out(bytes);
    if (bytes > 0) read_all(ds, type.getId(), out.data(), "cannot read " + std::string(path) + " in " + impl_->path);
    return out;
  } catch (const H5::Exception& e) {
    throw IoError("cannot read " + std::string(path) + " in " + impl_->path + ": " + read_failure(e));
  }
}

std::vector<std::uint8_t> InputFile::attribute_bytes(std::string_view object, std::string_view name) const {
  const std::lock_guard lock(hdf5_mutex());
  return with_attribute(impl_->file, object, name, impl_->path, [&](H5::Attribute& a) {
    H5::DataType type = a.getDataType();
    if (type.getClass() == H5T_STRING) {
      std::string text = string_attribute(object, name);
      return std::vector<std::uint8_t>(text.begin(), text.end());
    }
    std::vector<std::uint8_t> out(a.getInMemDataSize());
    a.read(type, out.data());
    return out;
  });
}

}  // namespace mentorsim::io
