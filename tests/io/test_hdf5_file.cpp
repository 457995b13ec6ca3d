// The HDF5 writer: round trips, and no file at the target path unless the write completed.

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>

#include "mentorsim/core/errors.hpp"
#include "mentorsim/io/hdf5_file.hpp"
#include "support/temp_dir.hpp"

using mentorsim::IoError;
using mentorsim::io::InputFile;
using mentorsim::io::OutputFile;
using mentorsim::test::TempDir;

namespace {

std::vector<char> file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_sample(const std::filesystem::path& path) {
  OutputFile out(path);
  out.set_attribute("/", "schema_version", std::int64_t{1});
  out.create_group("/meta");
  out.set_attribute("/meta", "note", std::string_view("hello"));
  out.write("/a/b/floats", std::vector<float>{0.5f, 1.5f, -2.0f, 3.25f, 8.0f, 9.0f}, {2, 3});
  out.write("/a/ids", std::vector<std::uint32_t>{7, 8, 9});
  out.write("/a/empty", std::vector<double>{});
  out.write_strings("/codes/names", {"alpha", "beta", ""});
  out.commit();
}

}  // namespace

TEST_CASE("datasets, strings and attributes survive a round trip", "[io]") {
  TempDir dir;
  const auto path = dir / "round.h5";
  write_sample(path);
  InputFile in(path);
  CHECK(in.int_attribute("/", "schema_version") == 1);
  CHECK(in.string_attribute("/meta", "note") == "hello");
  CHECK(in.dims("/a/b/floats") == std::vector<std::uint64_t>{2, 3});
  CHECK(in.read<float>("/a/b/floats") == std::vector<float>{0.5f, 1.5f, -2.0f, 3.25f, 8.0f, 9.0f});
  CHECK(in.read<std::uint32_t>("/a/ids") == std::vector<std::uint32_t>{7, 8, 9});
  CHECK(in.read<double>("/a/empty").empty());
  CHECK(in.read_strings("/codes/names") == std::vector<std::string>{"alpha", "beta", ""});
  CHECK(in.members("/a") == std::vector<std::string>{"b", "empty", "ids"});
  CHECK(dir.entries() == 1);  // no temporary file left beside it
}

TEST_CASE("a small dataset made piece by piece reads back as the data", "[io]") {
  // Under three chunks HDF5 filters the data itself: write_generated asks for all of it at once.
  TempDir dir;
  const auto path = dir / "made.h5";
  std::vector<std::pair<std::uint64_t, std::uint64_t>> asked;
  {
    OutputFile out(path);
    out.write_generated("/made", mentorsim::io::ElementType::u32, {2, 3},
                        [&](std::uint64_t begin, std::uint64_t count, void* piece) {
                          asked.emplace_back(begin, count);
                          for (std::uint64_t i = 0; i < count; ++i) {
                            static_cast<std::uint32_t*>(piece)[i] = static_cast<std::uint32_t>(10 * (begin + i));
                          }
                        });
    out.write_generated("/none", mentorsim::io::ElementType::f32, {0},
                        [&](std::uint64_t begin, std::uint64_t count, void*) { asked.emplace_back(begin, count); });
    out.commit();
  }
  CHECK(asked == std::vector<std::pair<std::uint64_t, std::uint64_t>>{{0, 6}});
  InputFile in(path);
  CHECK(in.dims("/made") == std::vector<std::uint64_t>{2, 3});
  CHECK(in.read<std::uint32_t>("/made") == std::vector<std::uint32_t>{0, 10, 20, 30, 40, 50});
  CHECK(in.read<float>("/none").empty());
}

TEST_CASE("the same content gives the same bytes (no timestamps in the file)", "[io]") {
  TempDir dir;
  write_sample(dir / "one.h5");
  write_sample(dir / "two.h5");
  CHECK(file_bytes(dir / "one.h5") == file_bytes(dir / "two.h5"));
}

TEST_CASE("slabs fill a fixed-size dataset, the rest keeps its fill value", "[io]") {
  TempDir dir;
  {
    OutputFile out(dir / "slab.h5");
    auto ds = out.create_dataset("/t/x", mentorsim::io::ElementType::f64, {2, 3, 2}, -1.0);
    const std::vector<double> row{1, 2, 3, 4};
    ds.write_slab<double>({1, 0, 0}, {1, 2, 2}, row);
    ds.close();
    out.commit();
  }
  InputFile in(dir / "slab.h5");
  const auto x = in.read<double>("/t/x");
  REQUIRE(x.size() == 12);
  CHECK(x[0] == -1.0);
  CHECK(x[6] == 1.0);
  CHECK(x[9] == 4.0);
  CHECK(x[10] == -1.0);
}

TEST_CASE("an interrupted write leaves no output file", "[io]") {
  TempDir dir;
  const auto path = dir / "broken.h5";
  try {
    OutputFile out(path);
    out.write("/x", std::vector<double>{1, 2, 3});
    throw std::runtime_error("simulated failure half way");
  } catch (const std::runtime_error&) {
  }
  CHECK_FALSE(std::filesystem::exists(path));
  CHECK(dir.entries() == 0);
}

TEST_CASE("a missing or unwritable output directory is an I/O error naming the path", "[io]") {
  TempDir dir;
  try {
    OutputFile out(dir / "no/such/dir/out.h5");
    FAIL("expected an IoError");
  } catch (const IoError& e) {
    CHECK(std::string(e.what()).find("does not exist") != std::string::npos);
    CHECK(std::string(e.what()).find("out.h5") != std::string::npos);
  }
  if (::geteuid() != 0) {  // root writes anywhere; the permission case only means something for others
    std::filesystem::permissions(dir.path(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
    CHECK_THROWS_AS(OutputFile(dir / "out.h5"), IoError);
  }
  CHECK_THROWS_AS(OutputFile(dir.path()), IoError);  // a directory is not a file name
}

TEST_CASE("a full disk (file size limit) is an I/O error and leaves nothing behind", "[io]") {
  TempDir dir;
  const auto path = dir / "full.h5";
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The child may only write 64 KiB: a 1 MiB dataset cannot fit.
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit{65536, 65536};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    try {
      OutputFile out(path);
      std::vector<double> noise(131072);
      for (std::size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<double>((i * 2654435761u) % 1000003);
      out.write("/noise", noise);
      out.commit();
      ::_exit(0);
    } catch (const IoError&) {
      ::_exit(3);
    } catch (...) {
      ::_exit(4);
    }
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 3);
  CHECK_FALSE(std::filesystem::exists(path));
  CHECK(dir.entries() == 0);
}

TEST_CASE("a writer killed by SIGTERM removes its temporary file", "[io]") {
  TempDir dir;
  const auto path = dir / "killed.h5";
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    mentorsim::io::install_cleanup_handlers();
    OutputFile out(path);
    out.write("/x", std::vector<double>(1000, 1.0));
    std::raise(SIGTERM);
    ::_exit(0);  // not reached
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGTERM);
  CHECK_FALSE(std::filesystem::exists(path));
  CHECK(dir.entries() == 0);
}

TEST_CASE("reading a file that is not HDF5 is an I/O error", "[io]") {
  TempDir dir;
  std::ofstream(dir / "fake.h5") << "this is not hdf5\n";
  CHECK_THROWS_AS(InputFile(dir / "fake.h5"), IoError);
  CHECK_THROWS_AS(InputFile(dir / "missing.h5"), IoError);
}
