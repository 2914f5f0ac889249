#pragma once
// One keep-alive HTTPS connection to a push service: TLS 1.2+ with the certificate and
// the host name checked, every step under a deadline.
#include <chrono>
#include <memory>

#include "server/net/beast.hpp"
#include "server/net/push_retry.hpp"

namespace gadehold::net {

// The client side TLS context for push services: the system's trust store plus `ca_file`
// when it is not empty. Throws std::runtime_error naming the file if it cannot be read.
std::shared_ptr<ssl::context> make_push_tls_context(const std::string& ca_file);

class PushConnection {
 public:
  PushConnection(asio::any_io_executor executor, ssl::context& tls);
  ~PushConnection();
  PushConnection(const PushConnection&) = delete;
  PushConnection& operator=(const PushConnection&) = delete;

  // Resolves, connects and completes the TLS handshake (SNI, certificate for `to.host`),
  // all within `timeout`. Unless `allow_private`, only public addresses are tried
  // (core::is_public_address); when the host has none, it ends with
  // errc::permission_denied without connecting.
  asio::awaitable<beast::error_code> open(const PushTarget& to, std::chrono::milliseconds timeout,
                                          bool allow_private);
  // Writes `request` and reads the answer, each within `timeout`. Afterwards reusable()
  // says whether the connection may carry another request.
  asio::awaitable<beast::error_code> exchange(http::request<http::string_body>& request,
                                              http::response<http::string_body>& response,
                                              std::chrono::milliseconds timeout);
  // Closes the socket; pending operations end with operation_aborted.
  void close();

  bool reusable() const { return reusable_; }
  std::chrono::steady_clock::time_point idle_since() const { return idle_since_; }

 private:
  TlsStream stream_;
  beast::flat_buffer buffer_;
  bool counted_ = false;  // in the open-connections gauge
  bool reusable_ = false;
  bool closed_ = false;  // close() came first: open() must not connect after it
  std::chrono::steady_clock::time_point idle_since_;
};

}  // namespace gadehold::net
