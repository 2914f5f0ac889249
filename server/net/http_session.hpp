#pragma once
// Reads HTTP requests on one connection: answers the plain endpoints, and hands a
// WebSocket upgrade on /v1/ws over to a WsSession. TLS connections shake hands first.
// On the metrics listener it answers /metrics and /healthz only, and never upgrades.
#include <chrono>
#include <memory>
#include <optional>

#include "server/core/metrics.hpp"
#include "server/net/beast.hpp"
#include "server/net/client_address.hpp"
#include "server/net/http_routes.hpp"
#include "server/net/ws_session.hpp"

namespace gadehold::net {

inline constexpr std::size_t kHeaderLimit = 16 * 1024;
inline constexpr auto kHttpTimeout = std::chrono::seconds(30);

template <class Stream>
class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  HttpSession(Stream&& stream, SharedState& shared, std::string peer, Surface surface = Surface::app)
      : stream_(std::move(stream)), shared_(shared), peer_(std::move(peer)), surface_(surface) {}

  void run() {
    auto& socket = beast::get_lowest_layer(stream_);
    // Slow handshakes and slow headers are cut off at the same deadline as Hello.
    socket.expires_after(std::chrono::seconds(shared_.config.hello_timeout_s));
    if constexpr (is_tls<Stream>) {
      stream_.async_handshake(ssl::stream_base::server,
                              beast::bind_front_handler(&HttpSession::on_handshake, this->shared_from_this()));
    } else {
      do_read();
    }
  }

 private:
  void on_handshake(beast::error_code ec) {
    if (ec) return fail(ec, "tls handshake");
    do_read();
  }

  void do_read() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(0);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&HttpSession::on_read, this->shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) return do_eof();
    if (ec == http::error::header_limit) return reply_and_close(http::status::request_header_fields_too_large);
    if (ec == beast::error::timeout || ec == asio::error::operation_aborted) return;
    if (ec.category() == beast::error_code(http::error::bad_target).category()) {
      return reply_and_close(http::status::bad_request);
    }
    if (ec) return fail(ec, "http read");

    auto request = parser_->release();
    if (websocket::is_upgrade(request)) {
      if (surface_ != Surface::app || target_path(request.target()) != kWebSocketPath) {
        return answer(request);  // no WebSocket elsewhere: a plain answer
      }
      auto address = client_address(request, peer_, shared_.config.behind_proxy, shared_.trusted_proxies);
      auto slot = shared_.address_connections.acquire(address, shared_.config.max_connections_per_address);
      if (!slot) return refuse_upgrade(request);
      beast::get_lowest_layer(stream_).expires_never();
      if constexpr (is_tls<Stream>) {
        std::make_shared<WsSession<Stream>>(std::move(stream_), shared_, std::move(address), std::move(*slot))
            ->run(std::move(request));
      } else {
        // A plain WebSocket runs on the bare socket: the WebSocket stream keeps its own
        // timer, and tcp_stream's two timers and their state would add to every idle
        // connection's memory (docs/performance.md, "Memory per connection").
        std::make_shared<WsSession<tcp::socket>>(stream_.release_socket(), shared_, std::move(address),
                                                 std::move(*slot))
            ->run(std::move(request));
      }
      return;
    }
    answer(request);
  }

  // The next request is read only after this answer is written (HTTP/1.1 answers in
  // order). An answer that reads the database comes back from a reader thread.
  void answer(const http::request<http::empty_body>& request) {
    route(
        request, shared_,
        [self = this->shared_from_this()](Response response) {
          asio::post(self->stream_.get_executor(),
                     [self, response = std::move(response)]() mutable { self->write(std::move(response)); });
        },
        surface_);
  }

  void write(http::response<http::string_body> response) {
    auto res = std::make_shared<http::response<http::string_body>>(std::move(response));
    beast::get_lowest_layer(stream_).expires_after(kHttpTimeout);
    http::async_write(stream_, *res,
                      [self = this->shared_from_this(), res](beast::error_code ec, std::size_t) {
                        if (ec) return fail(ec, "http write");
                        if (!res->keep_alive()) return self->do_eof();
                        self->do_read();
                      });
  }

  void reply_and_close(http::status status) { write(bad_request(11, status)); }

  // The client's address holds max-connections-per-address WebSockets already: 503
  // before the upgrade, so that no WebSocket state is made for it, and an app retries
  // with its usual backoff (docs/protocol.md).
  void refuse_upgrade(const http::request<http::empty_body>& request) {
    core::metrics().connections_limited.with("address").inc();
    auto res = bad_request(request.version(), http::status::service_unavailable);
    res.set(http::field::retry_after, "30");
    write(std::move(res));
  }

  void do_eof() {
    if constexpr (is_tls<Stream>) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
    } else {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    }
  }

  Stream stream_;
  SharedState& shared_;
  std::string peer_;
  Surface surface_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> parser_;
};

}  // namespace gadehold::net
