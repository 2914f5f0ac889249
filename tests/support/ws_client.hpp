#pragma once
// A small blocking WebSocket client for tests, built on Beast, with timeouts on every
// read so a broken server fails the test instead of hanging it.
#include <chrono>
#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "gadehold/v1/envelope.pb.h"
#include "server/net/beast.hpp"
#include "support/error_contract.hpp"

namespace gadehold::test {

namespace asio = net::asio;
namespace beast = net::beast;
namespace websocket = net::websocket;
namespace http = net::http;
using tcp = net::tcp;

class WsClient {
 public:
  explicit WsClient(unsigned short port, const std::string& path = "/v1/ws") : ws_(ioc_) {
    beast::get_lowest_layer(ws_).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    ws_.handshake("127.0.0.1", path);
    ws_.binary(true);
  }

  // Connects from `source` (another loopback address, such as 127.0.0.2) and sends
  // `headers` (X-Forwarded-For, say) with the upgrade request.
  using Headers = std::vector<std::pair<std::string, std::string>>;
  WsClient(unsigned short port, const std::string& source, const Headers& headers) : ws_(ioc_) {
    auto& socket = beast::get_lowest_layer(ws_).socket();
    socket.open(tcp::v4());
    socket.bind(tcp::endpoint(asio::ip::make_address(source), 0));
    beast::get_lowest_layer(ws_).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    ws_.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
      for (const auto& [name, value] : headers) req.insert(name, value);
    }));
    ws_.handshake("127.0.0.1", "/v1/ws");
    ws_.binary(true);
  }

  void send_raw(const std::string& bytes, bool text = false) {
    ws_.text(text);
    ws_.write(asio::buffer(bytes));
    ws_.binary(true);
  }

  void send(const v1::ClientMessage& msg) { send_raw(msg.SerializeAsString()); }

  // The next message, or the error that ended the read.
  struct ReadResult {
    beast::error_code ec;
    std::string bytes;
  };

  ReadResult read(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    ReadResult result;
    bool done = false;
    beast::flat_buffer buffer;
    ws_.async_read(buffer, [&](beast::error_code ec, std::size_t) {
      result.ec = ec;
      done = true;
    });
    ioc_.restart();
    ioc_.run_for(timeout);
    if (!done) {
      beast::get_lowest_layer(ws_).cancel();
      ioc_.restart();
      ioc_.run_for(std::chrono::seconds(1));
      throw std::runtime_error("timed out waiting for a message");
    }
    result.bytes = beast::buffers_to_string(buffer.data());
    return result;
  }

  v1::ServerMessage receive(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    auto r = read(timeout);
    if (r.ec) throw std::runtime_error("connection ended: " + r.ec.message());
    v1::ServerMessage msg;
    if (!msg.ParseFromString(r.bytes)) throw std::runtime_error("server sent an unparseable frame");
    check_error_contract(msg);
    return msg;
  }

  // Reads until the server closes; returns its close code, or nullopt if the
  // connection ended without a close frame.
  std::optional<std::uint16_t> wait_for_close(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    for (;;) {
      auto r = read(timeout);
      if (r.ec == websocket::error::closed) return ws_.reason().code;
      if (r.ec) return std::nullopt;
    }
  }

  // Sends `msg` and returns the reply with its request_id. Pushed events that arrive
  // meanwhile are kept for next_event().
  v1::ServerMessage call(const v1::ClientMessage& msg) {
    send(msg);
    for (;;) {
      auto reply = receive();
      if (reply.request_id() == msg.request_id()) return reply;
      if (reply.request_id() == 0 && reply.has_event()) pushed_.push_back(reply.event());
    }
  }

  // The next pushed event: one kept by call(), or the next one to arrive.
  v1::Event next_event(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    if (!pushed_.empty()) {
      auto e = pushed_.front();
      pushed_.pop_front();
      return e;
    }
    for (;;) {
      auto msg = receive(timeout);
      if (msg.request_id() == 0 && msg.has_event()) return msg.event();
    }
  }

  // Redeems an invite on this connection; returns the Welcome.
  v1::Welcome redeem(const std::string& code, const std::string& handle) {
    v1::ClientMessage msg;
    msg.set_request_id(next_request_id_++);
    msg.mutable_redeem_invite()->set_invite_code(code);
    msg.mutable_redeem_invite()->set_handle(handle);
    msg.mutable_redeem_invite()->set_device_name("test");
    auto reply = call(msg);
    if (!reply.has_welcome()) throw std::runtime_error("redeem failed: " + reply.error().message());
    return reply.welcome();
  }

  std::uint64_t next_request_id() { return next_request_id_++; }
  // An empty request with the next request id.
  v1::ClientMessage request() {
    v1::ClientMessage m;
    m.set_request_id(next_request_id_++);
    return m;
  }
  websocket::stream<beast::tcp_stream>& stream() { return ws_; }

 private:
  asio::io_context ioc_;
  websocket::stream<beast::tcp_stream> ws_;
  std::uint64_t next_request_id_ = 1000;
  std::deque<v1::Event> pushed_;
};

inline v1::ClientMessage hello(std::uint64_t request_id, const std::string& token,
                               std::uint32_t version = 1) {
  v1::ClientMessage msg;
  msg.set_request_id(request_id);
  msg.mutable_hello()->set_protocol_version(version);
  msg.mutable_hello()->set_device_token(token);
  return msg;
}

struct HttpReply {
  unsigned status;
  std::string content_type;
  std::string body;
};

inline HttpReply http_get(unsigned short port, const std::string& target) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return {res.result_int(), std::string(res[http::field::content_type]), res.body()};
}

}  // namespace gadehold::test
