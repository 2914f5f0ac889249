#include "server/net/sessions.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "server/net/http_session.hpp"

namespace gadehold::net {

namespace {
std::string peer_address(const tcp::socket& socket) {
  beast::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  return ec ? std::string("unknown") : endpoint.address().to_string();
}
}  // namespace

void fail(beast::error_code ec, const char* what, std::uint64_t connection_id) {
  if (ec == asio::error::operation_aborted || ec == websocket::error::closed ||
      ec == asio::error::eof || ec == beast::error::timeout || ec == asio::ssl::error::stream_truncated ||
      ec == asio::error::connection_reset || ec == asio::error::broken_pipe) {
    return;
  }
  spdlog::debug("connection {}: {} failed: {}", connection_id, what, ec.message());
}

void set_tcp_cork(tcp::socket& socket, bool on) {
  const int value = on ? 1 : 0;
  ::setsockopt(socket.native_handle(), IPPROTO_TCP, TCP_CORK, &value, sizeof value);
}

void start_plain_session(tcp::socket socket, SharedState& shared) {
  auto peer = peer_address(socket);
  std::make_shared<HttpSession<PlainStream>>(PlainStream(std::move(socket)), shared, std::move(peer))
      ->run();
}

void start_metrics_session(tcp::socket socket, SharedState& shared) {
  auto peer = peer_address(socket);
  std::make_shared<HttpSession<PlainStream>>(PlainStream(std::move(socket)), shared, std::move(peer),
                                             Surface::metrics)
      ->run();
}

void start_tls_session(tcp::socket socket, ssl::context& tls, SharedState& shared) {
  auto peer = peer_address(socket);
  std::make_shared<HttpSession<TlsStream>>(TlsStream(std::move(socket), tls), shared, std::move(peer))
      ->run();
}

}  // namespace gadehold::net
