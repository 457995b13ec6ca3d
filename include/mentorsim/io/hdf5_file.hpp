#pragma once
// HDF5 files written atomically. An OutputFile builds the file in memory (HDF5 core driver), writes
// its image to a hidden temporary file beside the target (".NAME.partial-PID-N") at commit() and
// renames it into place; the target must be a new name or a regular file (a symbolic link is followed
// to its regular file, which is replaced: see check_output_target). Every dataset is chunked with a
// Fletcher-32 checksum per chunk, and InputFile reports a chunk that fails it as corruption. If
// it is destroyed without commit (an exception, a disk-full error) or the process gets
// SIGINT/SIGTERM/SIGHUP, the temporary file is removed, so a file at the target path is always
// complete. The temporary file is created in the constructor, so an unwritable place fails at once.
// Memory holds the whole (compressed) file until commit: outputs are aggregates plus requested
// snapshots, bounded by the scenario. Object headers carry no timestamps, so equal content gives
// equal bytes. Only one thread may use a file at a time (HDF5 is not thread-safe here).
//
// H5Cpp.h stays out of this header: the element type of a dataset is given as an ElementType.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mentorsim/core/function_ref.hpp"

namespace mentorsim::io {

enum class ElementType : std::uint8_t { u8, i8, u16, i16, u32, i32, u64, i64, f32, f64 };

template <class T>
constexpr ElementType element_type_of();
template <>
constexpr ElementType element_type_of<std::uint8_t>() {
  return ElementType::u8;
}
template <>
constexpr ElementType element_type_of<std::int8_t>() {
  return ElementType::i8;
}
template <>
constexpr ElementType element_type_of<std::uint16_t>() {
  return ElementType::u16;
}
template <>
constexpr ElementType element_type_of<std::int16_t>() {
  return ElementType::i16;
}
template <>
constexpr ElementType element_type_of<std::uint32_t>() {
  return ElementType::u32;
}
template <>
constexpr ElementType element_type_of<std::int32_t>() {
  return ElementType::i32;
}
template <>
constexpr ElementType element_type_of<std::uint64_t>() {
  return ElementType::u64;
}
template <>
constexpr ElementType element_type_of<std::int64_t>() {
  return ElementType::i64;
}
template <>
constexpr ElementType element_type_of<float>() {
  return ElementType::f32;
}
template <>
constexpr ElementType element_type_of<double>() {
  return ElementType::f64;
}

// A field of a compound (table) dataset.
struct CompoundField {
  std::string name;
  ElementType type;
  std::size_t offset;  // in bytes within one record
};

// A dataset created with fixed dimensions and written piece by piece (hyperslabs).
class Dataset {
 public:
  Dataset();
  Dataset(Dataset&&) noexcept;
  Dataset& operator=(Dataset&&) noexcept;
  ~Dataset();
  // Releases the dataset (OutputFile::commit needs every dataset released).
  void close();
  // Writes `data` (row-major, count elements per dimension) at `offset`.
  void write_slab(const std::vector<std::uint64_t>& offset, const std::vector<std::uint64_t>& count, const void* data);
  template <class T>
  void write_slab(const std::vector<std::uint64_t>& offset, const std::vector<std::uint64_t>& count,
                  std::span<const T> data) {
    check_type(element_type_of<T>());
    write_slab(offset, count, static_cast<const void*>(data.data()));
  }

 private:
  friend class OutputFile;
  void check_type(ElementType type) const;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Where results asked for at `requested` are written: the path itself when it does not exist or is a
// regular file; for a symbolic link, the file it points to (which must exist and be a regular file;
// the link is kept and its target replaced). Throws IoError, naming the path, for an empty name, a
// directory, a device (/dev/null), a FIFO, a socket, a dangling link, or a missing directory.
std::filesystem::path check_output_target(const std::filesystem::path& requested);

class OutputFile {
 public:
  // Checks the target (check_output_target), removes stale temporary files that killed processes
  // left beside it, and opens a new temporary file there. Throws IoError when the target is not a
  // regular file or a new name, or the directory does not exist or cannot be written, naming the path.
  explicit OutputFile(std::filesystem::path final_path);
  // The same, starting from a copy of the HDF5 file `start_from` (read whole into memory; it may be
  // final_path itself): commit() replaces the target with that content plus what was written since, so
  // adding a group to an existing results file is as safe as writing a new one. Throws IoError when
  // start_from cannot be read as HDF5.
  OutputFile(std::filesystem::path final_path, const std::filesystem::path& start_from);
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();

  [[nodiscard]] const std::filesystem::path& final_path() const noexcept { return final_path_; }
  [[nodiscard]] const std::filesystem::path& temporary_path() const noexcept { return temporary_path_; }

  // Creates the group and its parents if needed ("/agents/final").
  void create_group(std::string_view path);

  // Removes a group or dataset (and everything under it) if it exists.
  void remove(std::string_view path);

  // Attributes on a group or dataset (which must exist; "/" is the root).
  void set_attribute(std::string_view object, std::string_view name, std::string_view value);
  void set_attribute(std::string_view object, std::string_view name, std::int64_t value);
  void set_attribute(std::string_view object, std::string_view name, std::uint64_t value);
  void set_attribute(std::string_view object, std::string_view name, double value);
  void set_attribute(std::string_view object, std::string_view name, const std::vector<std::string>& values);

  // A whole dataset at once; parents are created. dims empty means one dimension of data.size().
  template <class T>
  void write(std::string_view path, std::span<const T> data, std::vector<std::uint64_t> dims = {}) {
    if (dims.empty()) dims = {data.size()};
    write_raw(path, element_type_of<T>(), data.data(), dims);
  }
  template <class T>
  void write(std::string_view path, const std::vector<T>& data, std::vector<std::uint64_t> dims = {}) {
    write(path, std::span<const T>(data), std::move(dims));
  }
  // A whole dataset made piece by piece, for data too large to hold whole beside the file being built:
  // fill(begin, count, out) writes elements [begin, begin + count) of the row-major array to `out`
  // (count elements of `type`, in the machine's layout). It is called for disjoint pieces, possibly on
  // several threads at once, and must not throw. The file gets the data write() would give it.
  void write_generated(std::string_view path, ElementType type, const std::vector<std::uint64_t>& dims,
                       FunctionRef<void(std::uint64_t begin, std::uint64_t count, void* out)> fill);
  // A 1-D dataset of variable-length UTF-8 strings.
  void write_strings(std::string_view path, const std::vector<std::string>& values);
  // A 1-D table of records with the given fields (record_size bytes each).
  void write_compound(std::string_view path, const std::vector<CompoundField>& fields, std::size_t record_size,
                      const void* records, std::size_t count);

  // A dataset with fixed dimensions to fill with Dataset::write_slab; `fill` is its initial value.
  Dataset create_dataset(std::string_view path, ElementType type, const std::vector<std::uint64_t>& dims,
                         double fill = 0.0);

  // Flushes, closes and renames the temporary file into place. Throws IoError on failure (and then
  // removes the temporary file).
  void commit();
  // false: commit() does not fsync the file, for scratch files read once and removed (the runs of a
  // calibration); a crash may then leave it incomplete. Default true.
  void set_durable(bool durable) noexcept { durable_ = durable; }

 private:
  void write_raw(std::string_view path, ElementType type, const void* data, const std::vector<std::uint64_t>& dims);
  // write_raw and write_generated: `whole` is the whole array, or null when only `fill` gives it.
  void write_pieces(std::string_view path, ElementType type, const std::vector<std::uint64_t>& dims, const void* whole,
                    FunctionRef<void(std::uint64_t begin, std::uint64_t count, void* out)> fill);
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::filesystem::path final_path_;
  std::filesystem::path write_path_;  // final_path_, or the file a symbolic link there points to
  std::filesystem::path temporary_path_;
  bool committed_ = false;
  bool durable_ = true;
};

// Read access, for tests, `mentorsim info` and round trips.
class InputFile {
 public:
  explicit InputFile(const std::filesystem::path& path);  // IoError if missing or not HDF5
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  [[nodiscard]] bool exists(std::string_view path) const;
  [[nodiscard]] std::vector<std::uint64_t> dims(std::string_view path) const;
  template <class T>
  std::vector<T> read(std::string_view path) const {
    std::vector<T> out(element_count(path));
    read_raw(path, element_type_of<T>(), out.data());
    return out;
  }
  [[nodiscard]] std::vector<std::string> read_strings(std::string_view path) const;
  [[nodiscard]] std::string string_attribute(std::string_view object, std::string_view name) const;
  [[nodiscard]] std::int64_t int_attribute(std::string_view object, std::string_view name) const;
  [[nodiscard]] double double_attribute(std::string_view object, std::string_view name) const;
  [[nodiscard]] std::vector<std::string> attribute_names(std::string_view object) const;
  // Names of the members of a group, sorted.
  [[nodiscard]] std::vector<std::string> members(std::string_view group) const;
  [[nodiscard]] bool is_group(std::string_view path) const;
  // The raw bytes of a dataset's data, for bitwise comparisons.
  [[nodiscard]] std::vector<std::uint8_t> raw_bytes(std::string_view path) const;
  // The raw bytes of an attribute's value (strings as their text).
  [[nodiscard]] std::vector<std::uint8_t> attribute_bytes(std::string_view object, std::string_view name) const;

 private:
  [[nodiscard]] std::size_t element_count(std::string_view path) const;
  void read_raw(std::string_view path, ElementType type, void* out) const;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Installs SIGINT/SIGTERM/SIGHUP/SIGQUIT handlers that delete every open temporary output file before
// the process dies of the signal, and ignores SIGXFSZ so that exceeding a file-size limit is an I/O
// error, not a crash. (SIGKILL cannot be caught: the next OutputFile for the same target removes the
// temporary files of processes that no longer run.)
void install_cleanup_handlers();

}  // namespace mentorsim::io
