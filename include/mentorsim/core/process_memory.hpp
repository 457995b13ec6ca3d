#pragma once
// How the mentorsim programs (the CLI and mentorsim_bench) set up the process's memory allocator.
// Only the programs' main() calls configure_process_memory(); the library never changes the process.
//
// One setting, for speed only (results do not depend on it): the heap is backed by transparent huge
// pages (2 MB) where the kernel allows it: fewer page faults when the network grows and fewer TLB
// misses when the weekly loops gather neighbours' rows from arrays of tens of megabytes (about 7 % of
// a 1M-staff run with 2 threads on the reference machine; docs/performance.md). glibc reads its
// huge-page tunable (glibc.malloc.hugetlb=1) only at start-up, so the program sets it in
// GLIBC_TUNABLES and re-executes itself once (same process id, arguments and environment otherwise).
// MENTORSIM_HUGE_PAGES=0 turns this off; a hugetlb value already in GLIBC_TUNABLES (the user's own
// choice) is left as it is. glibc's other allocation rules are left as they are (process_memory.cpp).

#include <optional>
#include <string>

namespace mentorsim {

// The GLIBC_TUNABLES value that asks glibc for huge pages, given the current value (nullptr if
// unset) and MENTORSIM_HUGE_PAGES (nullptr if unset); nullopt if nothing is to change: the opt-out
// is "0", or the current value already names glibc.malloc.hugetlb.
[[nodiscard]] std::optional<std::string> tunables_with_huge_pages(const char* current, const char* opt_out);

// Call first in main(). May not return: re-executes the program (its path from /proc/self/exe)
// with the huge-page tunable set. If that fails (no /proc, say) it carries on with normal pages.
void configure_process_memory(char** argv);

// One line for `mentorsim info`: whether huge pages were asked of glibc in this process and the
// kernel's transparent-huge-page mode.
[[nodiscard]] std::string huge_pages_status();

}  // namespace mentorsim
