#pragma once
// Provenance written to /meta: what ran, from which scenario, on what, when.

#include <cstdint>
#include <string>

namespace mentorsim::io {

struct Provenance {
  std::string mentorsim_version;
  std::string git_commit;
  std::string scenario_toml;  // the scenario file's full text
  std::string scenario_path;
  std::string overrides;      // the --set arguments, one per line
  std::string resolved_json;  // every parameter after defaults and overrides
  std::uint64_t seed = 0;
  std::int64_t replicates = 0;
  std::int64_t threads = 0;
  std::string created_utc;  // ISO 8601; SOURCE_DATE_EPOCH is honoured
  std::string hostname;
  std::string dependencies;   // "boost 1.74, tbb 2021.8, hdf5 1.10.8, ..."
  std::string compiler;       // "GNU 12.2.0"
  std::string compile_flags;  // the C++ flags of the build, its build type's included
  std::string build_type;     // "Release", "Debug", ...
};

// The current UTC time as ISO 8601, or SOURCE_DATE_EPOCH's when that variable is set.
std::string utc_timestamp();
std::string host_name();
// Versions of the libraries linked in.
std::string dependency_versions();

}  // namespace mentorsim::io
