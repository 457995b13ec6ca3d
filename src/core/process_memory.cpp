#include "mentorsim/core/process_memory.hpp"

#include <array>
#include <cstdlib>
#include <cstring>
#include <fstream>

#if defined(__GLIBC__)
#include <unistd.h>
#endif

namespace mentorsim {

namespace {
constexpr const char* kHugeTunable = "glibc.malloc.hugetlb";
constexpr const char* kHugeSetting = "glibc.malloc.hugetlb=1";
constexpr const char* kOptOut = "MENTORSIM_HUGE_PAGES";
}  // namespace

std::optional<std::string> tunables_with_huge_pages(const char* current, const char* opt_out) {
  if (opt_out != nullptr && std::strcmp(opt_out, "0") == 0) return std::nullopt;
  if (current == nullptr || *current == '\0') return std::string(kHugeSetting);
  if (std::strstr(current, kHugeTunable) != nullptr) return std::nullopt;
  return std::string(current) + ":" + kHugeSetting;
}

void configure_process_memory(char** argv) {
#if defined(__GLIBC__) && defined(__linux__)
  if (const auto tunables = tunables_with_huge_pages(std::getenv("GLIBC_TUNABLES"), std::getenv(kOptOut))) {
    const char* current = std::getenv("GLIBC_TUNABLES");
    const std::optional<std::string> previous = current ? std::optional<std::string>(current) : std::nullopt;
    // The new value names the tunable, so the re-executed program does not come back here.
    // Executed by its real path, not /proc/self/exe, so the process keeps its name (ps, top).
    std::array<char, 4096> path{};
    const ssize_t length = readlink("/proc/self/exe", path.data(), path.size() - 1);
    if (length > 0 && static_cast<std::size_t>(length) < path.size() - 1 &&
        setenv("GLIBC_TUNABLES", tunables->c_str(), 1) == 0) {
      execv(path.data(), argv);
    }
    // Could not re-execute: carry on with normal pages, with the environment as it was (so that
    // huge_pages_status() does not claim a setting glibc never read).
    if (previous) {
      setenv("GLIBC_TUNABLES", previous->c_str(), 1);
    } else {
      unsetenv("GLIBC_TUNABLES");
    }
  }
  // glibc's own rules for large blocks are kept (mmap above a threshold that adapts up to 32 MB, so a
  // large block freed goes back to the kernel). This program used to keep every freed block in the
  // heap (mallopt M_MMAP_THRESHOLD and M_TRIM_THRESHOLD of 1 GiB) so that network rebuilds reused
  // pages; since ties are merged in the network's own arrays that gains nothing measurable at 1M
  // staff, and at 10M staff the freed blocks (old network arrays, the dyad table's earlier columns)
  // stayed resident: a peak of 8.0 GiB against 7.2 GiB (docs/performance.md).
#else
  (void)argv;
#endif
}

std::string huge_pages_status() {
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  std::string status;
#if defined(__GLIBC__)
  if (tunables != nullptr && std::strstr(tunables, kHugeTunable) != nullptr) {
    status = "GLIBC_TUNABLES=" + std::string(tunables);
  } else {
    status = "off (glibc.malloc.hugetlb not set)";
  }
#else
  (void)tunables;
  status = "not asked (not glibc)";
#endif
  std::ifstream mode("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string line;
  if (mode && std::getline(mode, line)) {
    status += "; kernel transparent huge pages: " + line;
  } else {
    status += "; kernel transparent huge pages: unknown";
  }
  return status;
}

}  // namespace mentorsim
