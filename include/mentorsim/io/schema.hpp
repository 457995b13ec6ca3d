#pragma once
// Names in the HDF5 results that other tools rely on (docs/hdf5-schema.md describes each one).
// Bump kSchemaVersion whenever a name, type, shape or meaning changes.

#include <cstdint>
#include <string_view>

namespace mentorsim::io::schema {

inline constexpr std::int64_t kSchemaVersion = 1;

inline constexpr std::string_view kMeta = "/meta";
inline constexpr std::string_view kCodes = "/codes";
inline constexpr std::string_view kAgentsFinal = "/agents/final";
inline constexpr std::string_view kNetworkFinal = "/network/final";
inline constexpr std::string_view kTimeseries = "/timeseries";
inline constexpr std::string_view kGroups = "/groups";
inline constexpr std::string_view kDyads = "/dyads";
inline constexpr std::string_view kReplicates = "/replicates";

// Attributes whose value depends on the machine or the clock, not on the model; a comparison of two
// runs for bitwise reproducibility ignores exactly these.
inline constexpr std::string_view kVolatileAttributes[] = {"created_utc", "threads", "elapsed_seconds", "hostname",
                                                           "stage_seconds"};

}  // namespace mentorsim::io::schema
