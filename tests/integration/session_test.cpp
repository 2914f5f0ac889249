// The WebSocket endpoint over real loopback sockets, against the in-process server.
#include <doctest/doctest.h>

#include <set>
#include <thread>

#include "server/core/metrics.hpp"

#include "support/test_server.hpp"
#include "support/ws_client.hpp"

using namespace gadehold;
using test::WsClient;

TEST_CASE("a Hello with an unknown token gets UNAUTHENTICATED with its request_id") {
  test::TestServer server;
  WsClient client(server.port());
  client.send(test::hello(42, "not-a-real-token"));
  auto reply = client.receive();
  CHECK(reply.request_id() == 42);
  REQUIRE(reply.has_error());
  CHECK(reply.error().code() == v1::ERROR_CODE_UNAUTHENTICATED);
}

TEST_CASE("an unsupported protocol version names the supported range") {
  test::TestServer server;
  WsClient client(server.port());
  client.send(test::hello(7, "token", 99));
  auto reply = client.receive();
  REQUIRE(reply.has_error());
  CHECK(reply.error().code() == v1::ERROR_CODE_FAILED_PRECONDITION);
  CHECK(reply.error().field() == "protocol_version");
  CHECK(reply.error().message().find("1 to 1") != std::string::npos);
}

TEST_CASE("garbage bytes get INVALID_ARGUMENT and the connection stays usable") {
  test::TestServer server;
  WsClient client(server.port());
  client.send_raw(std::string("\xff\xff\xff\xff\x0f garbage", 13));
  auto reply = client.receive();
  REQUIRE(reply.has_error());
  CHECK(reply.error().code() == v1::ERROR_CODE_INVALID_ARGUMENT);
  CHECK(reply.request_id() == 0);

  SUBCASE("a parseable frame with no known body names the body field") {
    v1::ClientMessage empty;
    empty.set_request_id(5);
    client.send(empty);
    auto r = client.receive();
    REQUIRE(r.has_error());
    CHECK(r.error().code() == v1::ERROR_CODE_INVALID_ARGUMENT);
    CHECK(r.error().field() == "body");
    CHECK(r.request_id() == 5);
  }
  SUBCASE("a later Hello is still answered") {
    client.send(test::hello(9, "x"));
    auto r = client.receive();
    CHECK(r.request_id() == 9);
    CHECK(r.error().code() == v1::ERROR_CODE_UNAUTHENTICATED);
  }
}

TEST_CASE("a text frame closes the connection with 1003") {
  test::TestServer server;
  WsClient client(server.port());
  client.send_raw("hello as text", /*text=*/true);
  auto code = client.wait_for_close();
  REQUIRE(code.has_value());
  CHECK(*code == 1003);
}

TEST_CASE("a message over the limit closes the connection with 1009") {
  test::TestServer server;
  WsClient client(server.port());
  client.send_raw(std::string(64 * 1024 + 1, 'x'));
  auto code = client.wait_for_close();
  REQUIRE(code.has_value());
  CHECK(*code == 1009);
}

TEST_CASE("a message exactly at the limit is read and answered") {
  test::TestServer server;
  WsClient client(server.port());
  auto msg = test::hello(3, "");
  std::size_t token = 64 * 1024 - 16;
  for (int i = 0; i < 8 && msg.ByteSizeLong() != 64 * 1024; ++i) {
    msg.mutable_hello()->set_device_token(std::string(token, 'a'));
    token += 64 * 1024 - msg.ByteSizeLong();
  }
  REQUIRE(msg.ByteSizeLong() == 64 * 1024);
  client.send(msg);
  auto reply = client.receive();
  CHECK(reply.request_id() == 3);
  CHECK(reply.error().code() == v1::ERROR_CODE_UNAUTHENTICATED);
}

TEST_CASE("a connection that sends no Hello in time is closed with 1008") {
  test::TempDir dir;
  auto cfg = test::test_config(dir);
  cfg.hello_timeout_s = 1;
  test::TestServer server(cfg);
  WsClient client(server.port());
  const auto started = std::chrono::steady_clock::now();
  auto code = client.wait_for_close(std::chrono::seconds(5));
  const auto waited = std::chrono::steady_clock::now() - started;
  REQUIRE(code.has_value());
  CHECK(*code == 1008);
  CHECK(waited >= std::chrono::milliseconds(900));
}

TEST_CASE("five failed authentications close the connection with 1008") {
  test::TestServer server;
  WsClient client(server.port());
  for (int i = 1; i <= 5; ++i) {
    client.send(test::hello(static_cast<std::uint64_t>(i), "wrong"));
    auto reply = client.receive();
    CHECK(reply.request_id() == static_cast<std::uint64_t>(i));
    CHECK(reply.error().code() == v1::ERROR_CODE_UNAUTHENTICATED);
  }
  auto code = client.wait_for_close();
  REQUIRE(code.has_value());
  CHECK(*code == 1008);
}

TEST_CASE("pipelined requests each get exactly one reply") {
  test::TestServer server;
  WsClient client(server.port());
  for (std::uint64_t i = 1; i <= 4; ++i) {
    v1::ClientMessage m;
    m.set_request_id(100 + i);
    client.send(m);
  }
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 4; ++i) seen.insert(client.receive().request_id());
  CHECK(seen == std::set<std::uint64_t>{101, 102, 103, 104});
}

TEST_CASE("shutdown closes open sessions with 1001") {
  test::TestServer server;
  WsClient client(server.port());
  client.send(test::hello(1, "x"));
  client.receive();
  server.runtime().shutdown();
  auto code = client.wait_for_close();
  REQUIRE(code.has_value());
  CHECK(*code == 1001);
  server.stop();
}

TEST_CASE("a WebSocket upgrade on another path is refused") {
  test::TestServer server;
  CHECK_THROWS(WsClient(server.port(), "/elsewhere"));
}

TEST_CASE("a client that stops answering pings is dropped after the idle timeout") {
  test::TempDir dir;
  auto cfg = test::test_config(dir);
  cfg.idle_timeout_s = 5;
  cfg.hello_timeout_s = 30;
  test::TestServer server(cfg);
  WsClient client(server.port());
  // Not reading means not answering the server's pings.
  std::this_thread::sleep_for(std::chrono::milliseconds(6500));
  auto r = client.read(std::chrono::seconds(3));
  CHECK(r.ec);  // the connection is gone: closed by the server, not by a reply
  CHECK(core::metrics().open_connections.value() == 0);
}

TEST_CASE("a client that does not read its replies is closed with 1008 and nothing else stalls") {
  test::TempDir dir;
  auto cfg = test::test_config(dir);
  cfg.outbound_queue_limit = 8;
  test::TestServer server(cfg);

  // A tiny receive window, so the server's writes back up into its queue.
  test::asio::io_context ioc;
  test::websocket::stream<test::beast::tcp_stream> ws(ioc);
  auto& socket = test::beast::get_lowest_layer(ws).socket();
  socket.open(test::tcp::v4());
  socket.set_option(test::asio::socket_base::receive_buffer_size(2048));
  socket.connect(test::tcp::endpoint(test::asio::ip::make_address("127.0.0.1"), server.port()));
  ws.handshake("127.0.0.1", "/v1/ws");
  ws.binary(true);
  // Frames that are not a ClientMessage are answered at once; session-start frames would
  // be answered one at a time.
  v1::ClientMessage junk;
  junk.set_request_id(2);
  const auto bytes = junk.SerializeAsString() + std::string(200, '\0');
  test::beast::error_code ec;
  for (int i = 0; i < 20000 && !ec; ++i) ws.write(test::asio::buffer(bytes), ec);

  // Meanwhile another client is served normally.
  WsClient other(server.port());
  other.send(test::hello(9, "x"));
  CHECK(other.receive().request_id() == 9);

  // Reading again, the slow client gets what was already sent, then the close.
  std::optional<std::uint16_t> code;
  for (int i = 0; i < 100000; ++i) {
    test::beast::flat_buffer buffer;
    ws.read(buffer, ec);
    if (ec) {
      if (ec == test::websocket::error::closed) code = ws.reason().code;
      break;
    }
  }
  REQUIRE(code.has_value());
  CHECK(*code == 1008);
}
