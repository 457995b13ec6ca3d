#pragma once
// Every path of the HDF5 results (docs/hdf5-schema.md describes each one; a test checks that the
// document lists exactly what a run writes). Bump kSchemaVersion whenever a name, type, shape or
// meaning changes.

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "mentorsim/core/types.hpp"

namespace mentorsim::io::schema {

inline constexpr std::int64_t kSchemaVersion = 1;

inline constexpr std::string_view kRoot = "/";
inline constexpr std::string_view kMeta = "/meta";
inline constexpr std::string_view kCodes = "/codes";
inline constexpr std::string_view kAgentsFinal = "/agents/final";
inline constexpr std::string_view kNetworkFinal = "/network/final";
inline constexpr std::string_view kTimeseries = "/timeseries";
inline constexpr std::string_view kTimeseriesStep = "/timeseries/step";
inline constexpr std::string_view kGroups = "/groups";
inline constexpr std::string_view kDyads = "/dyads";
inline constexpr std::string_view kOutcomes = "/outcomes";
inline constexpr std::string_view kReplicates = "/replicates";
// Written by `mentorsim patterns` (not by `run`): the pattern table (docs/hdf5-schema.md).
inline constexpr std::string_view kPatterns = "/patterns";

// Sweep files (root attribute kind = "sweep"; mentorsim sweep and merge) and power files (kind =
// "power"; mentorsim power). Run files have no kind attribute.
inline constexpr std::string_view kKindAttribute = "kind";
inline constexpr std::string_view kSweepKind = "sweep";
inline constexpr std::string_view kPowerKind = "power";
inline constexpr std::string_view kDesign = "/design";                // /design/<key> [point]
inline constexpr std::string_view kDesignKeys = "/codes/design_key";  // the swept keys, in order
inline constexpr std::string_view kRuns = "/runs";                    // /runs/<outcome> [point, replicate, arm]
inline constexpr std::string_view kSensitivity = "/sensitivity";      // Sobol indices (sobol designs)
inline constexpr std::string_view kPower = "/power";                  // power per pilot size and analysis

// The attribute on a coded dataset naming the /codes table of its values ("/codes/stage"), and on a
// matrix the /codes table naming its columns ("/codes/domain"). A compound dataset has one
// attribute per coded field, named kCodesAttribute + "_" + field.
inline constexpr std::string_view kCodesAttribute = "codes";
inline constexpr std::string_view kColumnsAttribute = "columns";

// Attributes whose value depends on the machine or the clock, not on the model; a comparison of two
// runs for bitwise reproducibility ignores exactly these.
inline constexpr std::string_view kVolatileAttributes[] = {"created_utc", "threads", "elapsed_seconds", "hostname",
                                                           "stage_seconds"};

// "/codes/<table>".
inline std::string codes_table(std::string_view table) { return std::string(kCodes) + "/" + std::string(table); }

// "/agents/week_<t>" and "/network/week_<t>", t zero-padded to 4 digits: snapshots at week t.
inline std::string agents_week(Step week) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "/agents/week_%04d", week);
  return buffer;
}
inline std::string network_week(Step week) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "/network/week_%04d", week);
  return buffer;
}

// "<group>/<name>": a dataset or group under one of the groups above ("/design/network.mean_degree").
inline std::string child(std::string_view group, std::string_view name) {
  return std::string(group) + "/" + std::string(name);
}

// "/outcomes/by_<subgroup>".
inline std::string outcomes_by(std::string_view subgroup) {
  return std::string(kOutcomes) + "/by_" + std::string(subgroup);
}

// A per-agent or network group of replicate r: the group itself for replicate 0,
// "/replicates/<r><group>" otherwise (e.g. "/replicates/3/agents/final").
inline std::string replicate_group(Replicate replicate, std::string_view group) {
  if (replicate == 0) return std::string(group);
  return std::string(kReplicates) + "/" + std::to_string(replicate) + std::string(group);
}

}  // namespace mentorsim::io::schema
