#pragma once
// One client WebSocket connection of the load generator: connects from a chosen source
// address, upgrades, then sends queued ClientMessages one write at a time and hands
// every ServerMessage to its owner. Single-threaded: the whole process runs one
// io_context on one thread, so nothing here locks.
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "gadehold/v1/envelope.pb.h"

namespace gadehold::load {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  struct Handlers {
    std::function<void(Connection&)> open;                             // upgraded
    std::function<void(Connection&, const v1::ServerMessage&)> message;
    std::function<void(Connection&, beast::error_code, int close_code)> closed;  // once
  };

  Connection(asio::io_context& ioc, std::size_t index) : ws_(ioc), index_(index) {}

  // Connects to `server` from `source` (port chosen by the kernel at connect time, so
  // each source address has its own range of ephemeral ports).
  void start(const tcp::endpoint& server, const asio::ip::address& source, Handlers handlers);
  void send(const v1::ClientMessage& msg);
  // Stops reading: the server's queue for this connection fills up (a slow reader).
  void pause_reading() { paused_ = true; }
  void resume_reading();
  void close();

  std::size_t index() const { return index_; }
  bool is_open() const { return open_ && !closed_; }
  std::uint64_t next_request_id() { return ++request_id_; }
  std::size_t queued() const { return out_.size(); }

 private:
  void on_connect(beast::error_code ec);
  void on_handshake(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t);
  void do_write();
  void finish(beast::error_code ec);

  websocket::stream<tcp::socket> ws_;
  std::size_t index_;
  Handlers handlers_;
  tcp::endpoint server_;
  beast::flat_buffer buffer_;
  std::deque<std::string> out_;
  v1::ServerMessage incoming_;
  std::uint64_t request_id_ = 0;
  bool open_ = false;
  bool closed_ = false;
  bool writing_ = false;
  bool reading_ = false;
  bool paused_ = false;
};

}  // namespace gadehold::load
