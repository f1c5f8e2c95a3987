// Counts heap allocations in a test binary by replacing the global operator new. Include
// it from exactly one source file of the binary (it defines the replacements), and read
// heap_allocations() around the code that must not allocate.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace nfz::test {
inline std::atomic<uint64_t> g_heap_allocations{0};
inline uint64_t heap_allocations() { return g_heap_allocations.load(); }
}  // namespace nfz::test

void* operator new(size_t n) {
  nfz::test::g_heap_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
