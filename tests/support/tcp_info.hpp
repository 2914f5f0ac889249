#pragma once
// What the kernel counted on a test's own TCP socket (TCP_INFO).
#include <cstdint>

namespace gadehold::test {

// Segments carrying data that the socket has received so far.
std::uint32_t data_segments_received(int fd);

}  // namespace gadehold::test
