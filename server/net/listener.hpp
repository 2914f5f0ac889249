#pragma once
// Accepts TCP connections and gives each its own strand and HTTP session.
#include <memory>

#include "server/net/beast.hpp"
#include "server/net/shared_state.hpp"

namespace gadehold::net {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Binds and listens at once, so the caller learns the port before run(). Throws
  // boost::system::system_error when the address cannot be bound. The metrics listener
  // (`surface` metrics) speaks plain HTTP: `tls` must be null.
  Listener(asio::io_context& ioc, tcp::endpoint endpoint, SharedState& shared, ssl::context* tls,
           Surface surface = Surface::app);

  tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
  void run();
  // Stops accepting; thread-safe.
  void stop();
  // Uses `tls` for connections accepted from now on (a renewed certificate); the
  // caller keeps it alive. Thread-safe.
  void use_tls(ssl::context* tls);

 private:
  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);

  asio::io_context& ioc_;
  tcp::acceptor acceptor_;
  asio::steady_timer backoff_;
  SharedState& shared_;
  ssl::context* tls_;
  Surface surface_;
};

}  // namespace gadehold::net
