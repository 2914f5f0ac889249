#include "server/core/allocator.hpp"

#include <malloc.h>

#include <cstddef>

// jemalloc's control interface. A weak reference: null unless jemalloc is linked in,
// so gadehold_lib itself does not depend on jemalloc.
extern "C" int mallctl(const char* name, void* oldp, std::size_t* oldlenp, void* newp, std::size_t newlen)
    __attribute__((weak));

namespace gadehold::core {

std::string allocator_name() {
  if (mallctl == nullptr) return "system malloc";
  const char* version = nullptr;
  std::size_t length = sizeof version;
  if (mallctl("version", static_cast<void*>(&version), &length, nullptr, 0) != 0 || version == nullptr) {
    return "jemalloc";
  }
  return std::string("jemalloc ").append(version);
}

void release_free_memory() {
  if (mallctl == nullptr) {
    ::malloc_trim(0);
    return;
  }
  // MALLCTL_ARENAS_ALL (4096): every arena.
  mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0);
}

}  // namespace gadehold::core
