// Large datasets: OutputFile filters their chunks itself, in parallel (shuffle, deflate, Fletcher-32;
// src/io/hdf5_file.cpp). The chunks it stores must be byte for byte those HDF5's own filters store for
// the same data and chunk shape, and read back as the data, for any thread count.

#include <H5Cpp.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "mentorsim/core/parallel.hpp"
#include "mentorsim/io/hdf5_file.hpp"
#include "support/temp_dir.hpp"

using mentorsim::io::InputFile;
using mentorsim::io::OutputFile;
using mentorsim::test::TempDir;

namespace {

// Values with some repetition (so deflate has work) and every byte of an element in use.
template <class T>
std::vector<T> sample(std::size_t n) {
  std::vector<T> v(n);
  std::uint64_t h = 0x9E3779B97F4A7C15ull;
  for (std::size_t i = 0; i < n; ++i) {
    if (i % 7 != 0) h = h * 6364136223846793005ull + 1442695040888963407ull;
    v[i] = static_cast<T>(static_cast<double>(h >> 40) * (std::is_floating_point_v<T> ? 1e-3 : 1.0));
  }
  return v;
}

struct Chunk {
  std::vector<hsize_t> offset;
  unsigned filter_mask = 0;
  std::vector<unsigned char> bytes;
};

// Every stored chunk of a dataset: its offset, filter mask and raw (filtered) bytes.
std::vector<Chunk> raw_chunks(const std::filesystem::path& path, const std::string& name) {
  H5::H5File file(path.string(), H5F_ACC_RDONLY);
  H5::DataSet ds = file.openDataSet(name);
  const H5::DataSpace space = ds.getSpace();
  hsize_t count = 0;
  REQUIRE(H5Dget_num_chunks(ds.getId(), space.getId(), &count) >= 0);
  const int rank = space.getSimpleExtentNdims();
  std::vector<Chunk> chunks(count);
  for (hsize_t k = 0; k < count; ++k) {
    Chunk& c = chunks[k];
    c.offset.resize(static_cast<std::size_t>(rank));
    haddr_t address = 0;
    hsize_t size = 0;
    REQUIRE(H5Dget_chunk_info(ds.getId(), space.getId(), k, c.offset.data(), &c.filter_mask, &address, &size) >= 0);
    c.bytes.resize(size);
    std::uint32_t mask = 0;
    REQUIRE(H5Dread_chunk(ds.getId(), H5P_DEFAULT, c.offset.data(), &mask, c.bytes.data()) >= 0);
  }
  return chunks;
}

// The same data written by HDF5's own filters, with the chunk shape and filters OutputFile chose.
template <class T>
void write_with_hdf5(const std::filesystem::path& written, const std::filesystem::path& path, const std::string& name,
                     const std::vector<T>& data, const std::vector<hsize_t>& dims, const H5::PredType& type) {
  H5::DSetCreatPropList plist;
  {
    H5::H5File source(written.string(), H5F_ACC_RDONLY);
    plist = source.openDataSet(name).getCreatePlist();
  }
  H5::H5File file(path.string(), H5F_ACC_TRUNC);
  H5::DataSpace space(static_cast<int>(dims.size()), dims.data());
  H5::DataSet ds = file.createDataSet(name, type, space, plist);
  ds.write(data.data(), type);
}

template <class T>
void check_dataset(const std::vector<hsize_t>& dims, const H5::PredType& type) {
  std::size_t n = 1;
  for (hsize_t d : dims) n *= d;
  const std::vector<T> data = sample<T>(n);
  TempDir dir;
  for (const int threads : {1, 2}) {
    INFO("threads " << threads << ", " << n << " elements of " << sizeof(T) << " bytes, rank " << dims.size());
    mentorsim::parallel::set_threads(threads);
    const auto ours = dir / ("ours-" + std::to_string(threads) + ".h5");
    std::vector<std::uint8_t> made(n, 0);  // how often write_generated asked for each element
    {
      OutputFile out(ours);
      const std::vector<std::uint64_t> extent(dims.begin(), dims.end());
      out.write("/x", data, extent);
      // The same data made piece by piece.
      out.write_generated("/y", mentorsim::io::element_type_of<T>(), extent,
                          [&](std::uint64_t begin, std::uint64_t count, void* piece) {
                            for (std::uint64_t i = begin; i < begin + count; ++i) {
                              static_cast<T*>(piece)[i - begin] = data[i];
                              ++made[i];  // pieces are disjoint, so no two threads share an element
                            }
                          });
      out.commit();
    }
    CHECK(std::count(made.begin(), made.end(), std::uint8_t{1}) == static_cast<std::ptrdiff_t>(n));
    InputFile in(ours);
    CHECK(in.read<T>("/x") == data);
    CHECK(in.read<T>("/y") == data);
    const auto generated = raw_chunks(ours, "/y");
    const auto theirs = dir / "hdf5.h5";
    write_with_hdf5(ours, theirs, "/x", data, dims, type);
    const auto a = raw_chunks(ours, "/x");
    const auto b = raw_chunks(theirs, "/x");
    REQUIRE(a.size() == b.size());
    REQUIRE(a.size() > 2);  // the parallel path: more than two chunks
    for (std::size_t k = 0; k < a.size(); ++k) {
      INFO("chunk " << k);
      CHECK(a[k].offset == b[k].offset);
      CHECK(a[k].filter_mask == b[k].filter_mask);
      CHECK(a[k].bytes == b[k].bytes);
      REQUIRE(k < generated.size());
      CHECK(generated[k].bytes == a[k].bytes);
    }
  }
  mentorsim::parallel::set_threads(0);
}

}  // namespace

TEST_CASE("large datasets store the chunks HDF5's own filters store, and read back", "[io][checksum]") {
  // Written whole (write) and piece by piece (write_generated): the same stored chunks.
  // One byte (no shuffle), an odd element count (a short last chunk), and the chunk shapes of a
  // per-agent column, a skill matrix (chunks of whole rows) and replicate x observation x agent data.
  check_dataset<std::uint8_t>({200001}, H5::PredType::NATIVE_UINT8);
  check_dataset<std::uint16_t>({140003}, H5::PredType::NATIVE_UINT16);
  check_dataset<float>({30001, 6}, H5::PredType::NATIVE_FLOAT);
  check_dataset<double>({2, 3, 70001}, H5::PredType::NATIVE_DOUBLE);
  check_dataset<std::int64_t>({3, 50000}, H5::PredType::NATIVE_INT64);
}
