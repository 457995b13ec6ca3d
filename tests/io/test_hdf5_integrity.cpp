// Corruption is detected, not read as numbers: every dataset of numbers or records carries a
// Fletcher-32 checksum per chunk, and a chunk that fails it is a one-line IoError naming the file and
// the dataset. And the rule for
// what a results file may replace.

#include <H5Cpp.h>
#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "mentorsim/core/errors.hpp"
#include "mentorsim/io/hdf5_file.hpp"
#include "support/temp_dir.hpp"

using mentorsim::IoError;
using mentorsim::io::InputFile;
using mentorsim::io::OutputFile;
using mentorsim::test::TempDir;

namespace {

struct CompoundRecord {
  std::int32_t a;
  double b;
};

void write_integrity_sample(const std::filesystem::path& path) {
  OutputFile out(path);
  std::vector<double> values(20000);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<double>(i % 977) * 0.25;
  out.write("/data/values", values);
  out.write_strings("/codes/names", {"alpha", "beta", "gamma"});
  const std::vector<CompoundRecord> records{{1, 0.5}, {2, 1.5}};
  out.write_compound("/table",
                     {{"a", mentorsim::io::ElementType::i32, offsetof(CompoundRecord, a)},
                      {"b", mentorsim::io::ElementType::f64, offsetof(CompoundRecord, b)}},
                     sizeof(CompoundRecord), records.data(), records.size());
  auto slab = out.create_dataset("/slab", mentorsim::io::ElementType::f32, {4, 8});
  slab.close();
  out.commit();
}

// The file offset and size of the first chunk of a dataset.
std::pair<haddr_t, hsize_t> first_chunk(const std::filesystem::path& path, const std::string& dataset) {
  H5::H5File file(path.string(), H5F_ACC_RDONLY);
  H5::DataSet ds = file.openDataSet(dataset);
  const int rank = ds.getSpace().getSimpleExtentNdims();
  std::vector<hsize_t> origin(static_cast<std::size_t>(rank), 0);
  unsigned filter_mask = 0;
  haddr_t address = 0;
  hsize_t size = 0;
  REQUIRE(H5Dget_chunk_info_by_coord(ds.getId(), origin.data(), &filter_mask, &address, &size) >= 0);
  return {address, size};
}

void flip_byte(const std::filesystem::path& path, std::uint64_t offset) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(offset));
  const char c = static_cast<char>(f.get());
  f.seekp(static_cast<std::streamoff>(offset));
  f.put(static_cast<char>(c ^ 0x5a));
}

bool has_fletcher32(const std::filesystem::path& path, const std::string& dataset) {
  H5::H5File file(path.string(), H5F_ACC_RDONLY);
  H5::DSetCreatPropList plist = file.openDataSet(dataset).getCreatePlist();
  for (int i = 0; i < plist.getNfilters(); ++i) {
    unsigned flags = 0;
    std::size_t count = 0;
    unsigned config = 0;
    char name[64];
    if (plist.getFilter(i, flags, count, nullptr, sizeof(name), name, config) == H5Z_FILTER_FLETCHER32) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("every dataset is written with a Fletcher-32 checksum", "[io][checksum]") {
  TempDir dir;
  write_integrity_sample(dir / "r.h5");
  for (const char* name : {"/data/values", "/table", "/slab"}) {
    INFO(name);
    CHECK(has_fletcher32(dir / "r.h5", name));
  }
  // HDF5 cannot checksum variable-length strings (its fletcher32 filter refuses them).
  CHECK_FALSE(has_fletcher32(dir / "r.h5", "/codes/names"));
  InputFile in(dir / "r.h5");
  CHECK(in.read<double>("/data/values")[977 + 3] == 0.75);
  CHECK(in.read_strings("/codes/names") == std::vector<std::string>{"alpha", "beta", "gamma"});
}

TEST_CASE("a corrupted chunk is a one-line I/O error naming the file and the dataset", "[io][checksum]") {
  TempDir dir;
  const auto path = dir / "r.h5";
  for (const char* name : {"/data/values", "/table"}) {
    INFO(name);
    write_integrity_sample(path);
    const auto [address, size] = first_chunk(path, name);
    REQUIRE(size > 8);
    flip_byte(path, address + size / 2);
    InputFile in(path);
    try {
      (void)in.raw_bytes(name);
      FAIL("a corrupted chunk was read without an error");
    } catch (const IoError& e) {
      CHECK(std::string(e.what()) == "cannot read " + std::string(name) + " in " + path.string() +
                                         ": the data fail their checksum: the file is corrupt");
    }
    std::filesystem::remove(path);
  }
}

TEST_CASE("a corrupted chunk of numbers fails through the typed read too", "[io][checksum]") {
  TempDir dir;
  const auto path = dir / "r.h5";
  write_integrity_sample(path);
  const auto [address, size] = first_chunk(path, "/data/values");
  flip_byte(path, address + 1);
  InputFile in(path);
  CHECK_THROWS_WITH(in.read<double>("/data/values"), Catch::Contains("/data/values") && Catch::Contains("checksum"));
  CHECK(in.read_strings("/codes/names").size() == 3);  // the other datasets still read
}

TEST_CASE("a results file replaces only a regular file or a new name", "[io][output]") {
  TempDir dir;
  using mentorsim::io::check_output_target;
  CHECK(check_output_target(dir / "new.h5") == dir / "new.h5");
  std::ofstream(dir / "old.h5") << "x";
  CHECK(check_output_target(dir / "old.h5") == dir / "old.h5");
  std::filesystem::create_symlink(dir / "old.h5", dir / "link.h5");
  CHECK(check_output_target(dir / "link.h5") == std::filesystem::canonical(dir / "old.h5"));
  REQUIRE(::mkfifo((dir / "pipe.h5").c_str(), 0600) == 0);
  CHECK_THROWS_WITH(check_output_target(dir / "pipe.h5"), Catch::Contains("a named pipe (FIFO)"));
  CHECK_THROWS_WITH(check_output_target(dir.path()), Catch::Contains("it is a directory, not a file name"));
  CHECK_THROWS_WITH(check_output_target(""), "cannot write the results: the file name is empty");
  CHECK_THROWS_WITH(check_output_target("/dev/null"), Catch::Contains("a character device"));
  std::filesystem::create_symlink(dir / "gone.h5", dir / "dangling.h5");
  CHECK_THROWS_WITH(check_output_target(dir / "dangling.h5"), Catch::Contains("a file that does not exist"));
  CHECK_THROWS_WITH(check_output_target(dir / "no/dir/x.h5"), Catch::Contains("does not exist"));
  // OutputFile applies the same rule before creating anything.
  CHECK_THROWS_AS(OutputFile(dir / "pipe.h5"), IoError);
  CHECK(std::filesystem::is_fifo(dir / "pipe.h5"));
}
