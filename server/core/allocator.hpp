#pragma once
// Which malloc the process runs on: the server binary links jemalloc (CMake option
// GADEHOLD_JEMALLOC); test binaries and sanitizer builds use the system's.
#include <string>

namespace gadehold::core {

// "jemalloc <version>" when jemalloc is linked in, otherwise "system malloc".
std::string allocator_name();

// Gives memory that is free inside the allocator back to the system: jemalloc's dirty
// pages are purged, glibc's arenas trimmed. Idle connections otherwise leave the process
// holding the peak of the last burst of handshakes or traffic.
void release_free_memory();

}  // namespace gadehold::core
