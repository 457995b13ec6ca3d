#pragma once
// A read prefetch into all cache levels that the compiler always emits. GCC 12 has silently dropped
// __builtin_prefetch calls at -O3 in some loops (seen in the informal search: of six prefetches,
// the object code held two), so on x86 the instruction is written out; elsewhere it is the builtin.
// A prefetch never faults and changes no result: it only asks for a cache line early.

namespace mentorsim {

inline void prefetch(const void* address) noexcept {
#if defined(__x86_64__) || defined(__i386__)
  asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(address)));
#else
  __builtin_prefetch(address);
#endif
}

}  // namespace mentorsim
