#include "commands.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

int main(int argc, char** argv) {
#if defined(__GLIBC__)
  // The network is rebuilt every few weeks into arrays of tens of megabytes. By default glibc maps
  // each such array fresh from the kernel and unmaps it when freed, so every rebuild pays a page
  // fault per 4 kB touched (more than half of the tie stage's time in a 20-week run at 1M agents).
  // Served from the heap and kept there when freed, the next rebuild reuses the same pages. Peak
  // memory is unchanged: it is set by the old and the new network alive together.
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
  return mentorsim::cli::main(argc, argv);
}
