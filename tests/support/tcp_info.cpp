// A translation unit of its own: <linux/tcp.h> has the full struct tcp_info, and it
// cannot be included together with glibc's <netinet/tcp.h>, which Asio includes.
#include "support/tcp_info.hpp"

#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <stdexcept>

namespace gadehold::test {

std::uint32_t data_segments_received(int fd) {
  tcp_info info{};
  socklen_t length = sizeof info;
  if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0 ||
      length < offsetof(tcp_info, tcpi_data_segs_in) + sizeof info.tcpi_data_segs_in) {
    throw std::runtime_error("TCP_INFO without tcpi_data_segs_in");
  }
  return info.tcpi_data_segs_in;
}

}  // namespace gadehold::test
