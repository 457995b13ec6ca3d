// The huge-page request: which GLIBC_TUNABLES value the programs set before re-executing.

#include <catch2/catch.hpp>

#include "mentorsim/core/process_memory.hpp"

using mentorsim::tunables_with_huge_pages;

TEST_CASE("tunables_with_huge_pages adds the huge-page tunable unless told not to or already set", "[memory]") {
  // Unset or empty: the tunable alone.
  CHECK(tunables_with_huge_pages(nullptr, nullptr) == std::optional<std::string>("glibc.malloc.hugetlb=1"));
  CHECK(tunables_with_huge_pages("", nullptr) == std::optional<std::string>("glibc.malloc.hugetlb=1"));
  // Other tunables are kept, colon-separated as glibc expects.
  CHECK(tunables_with_huge_pages("glibc.malloc.arena_max=2", nullptr) ==
        std::optional<std::string>("glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1"));
  // The user's own hugetlb choice (off, or hugetlbfs pages) is left alone; so is our own value,
  // which is what stops the re-executed program from re-executing again.
  CHECK_FALSE(tunables_with_huge_pages("glibc.malloc.hugetlb=0", nullptr).has_value());
  CHECK_FALSE(tunables_with_huge_pages("glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2", nullptr).has_value());
  CHECK_FALSE(tunables_with_huge_pages("glibc.malloc.hugetlb=1", nullptr).has_value());
  // MENTORSIM_HUGE_PAGES=0 turns it off; any other value does not.
  CHECK_FALSE(tunables_with_huge_pages(nullptr, "0").has_value());
  CHECK(tunables_with_huge_pages(nullptr, "1") == std::optional<std::string>("glibc.malloc.hugetlb=1"));
}
