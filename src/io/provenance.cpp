#include "mentorsim/io/provenance.hpp"

#include <H5Cpp.h>
#include <toml++/toml.h>
#include <unistd.h>
#include <boost/version.hpp>

#include <chrono>
#include <cstdlib>
#include <ctime>

namespace mentorsim::io {

std::string utc_timestamp() {
  std::time_t now = std::time(nullptr);
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch != nullptr && *epoch != '\0') {
    char* end = nullptr;
    const long long value = std::strtoll(epoch, &end, 10);
    if (end != nullptr && *end == '\0') now = static_cast<std::time_t>(value);
  }
  std::tm parts{};
  gmtime_r(&now, &parts);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return buffer;
}

std::string host_name() {
  char buffer[256] = {0};
  if (gethostname(buffer, sizeof buffer - 1) != 0) return "unknown";
  return buffer;
}

std::string dependency_versions() {
  unsigned major = 0, minor = 0, release = 0;
  H5get_libversion(&major, &minor, &release);
  const std::string boost = std::to_string(BOOST_VERSION / 100000) + "." + std::to_string(BOOST_VERSION / 100 % 1000) +
                            "." + std::to_string(BOOST_VERSION % 100);
  return "boost " + boost + ", hdf5 " + std::to_string(major) + "." + std::to_string(minor) + "." +
         std::to_string(release) + ", toml++ " + std::to_string(TOML_LIB_MAJOR) + "." + std::to_string(TOML_LIB_MINOR) +
         "." + std::to_string(TOML_LIB_PATCH);
}

}  // namespace mentorsim::io
