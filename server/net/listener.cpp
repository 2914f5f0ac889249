#include "server/net/listener.hpp"

#include <spdlog/spdlog.h>

#include "server/net/sessions.hpp"

namespace gadehold::net {

Listener::Listener(asio::io_context& ioc, tcp::endpoint endpoint, SharedState& shared, ssl::context* tls,
                   Surface surface)
    : ioc_(ioc),
      acceptor_(asio::make_strand(ioc)),
      backoff_(acceptor_.get_executor()),
      shared_(shared),
      tls_(tls),
      surface_(surface) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
}

void Listener::run() { do_accept(); }

void Listener::stop() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ec;
    self->backoff_.cancel();
    self->acceptor_.close(ec);
  });
}

void Listener::use_tls(ssl::context* tls) {
  asio::post(acceptor_.get_executor(), [self = shared_from_this(), tls] { self->tls_ = tls; });
}

void Listener::do_accept() {
  acceptor_.async_accept(asio::make_strand(ioc_),
                         beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    // Out of descriptors or memory: wait a little instead of spinning on accept.
    spdlog::warn("accept failed: {}", ec.message());
    backoff_.expires_after(std::chrono::milliseconds(100));
    backoff_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
      if (!wait_ec) self->do_accept();
    });
    return;
  }
  do_accept();
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  try {
    if (surface_ == Surface::metrics) {
      start_metrics_session(std::move(socket), shared_);
    } else if (tls_ != nullptr) {
      start_tls_session(std::move(socket), *tls_, shared_);
    } else {
      start_plain_session(std::move(socket), shared_);
    }
  } catch (const std::exception& e) {
    spdlog::error("could not start a session: {}", e.what());
  }
}

}  // namespace gadehold::net
