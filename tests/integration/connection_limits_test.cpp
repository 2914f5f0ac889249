// What one stolen token or one address can hold (issue 26): at most
// max-connections-per-device authenticated connections per device (the newest wins, the
// oldest closes with 1008 "replaced"), at most max-connections-per-address WebSockets per
// address (more get HTTP 503 before the upgrade), and a message that has begun must be
// whole within message-deadline-s (else 1008 "message deadline").
#include <doctest/doctest.h>
#include <poll.h>
#include <sys/socket.h>

#include <thread>

#include "support/test_server.hpp"
#include "support/ws_client.hpp"

using namespace gadehold;
using test::WsClient;
using namespace std::chrono_literals;

namespace {

v1::ClientMessage list_teams(WsClient& c) {
  auto m = c.request();
  m.mutable_list_teams();
  return m;
}

// The status of a WebSocket upgrade on /v1/ws, and its Retry-After.
struct Upgrade {
  unsigned status = 0;
  std::string retry_after;
};

Upgrade try_upgrade(unsigned short port) {
  test::asio::io_context ioc;
  test::websocket::stream<test::beast::tcp_stream> ws(ioc);
  test::beast::get_lowest_layer(ws).connect(
      test::tcp::endpoint(test::asio::ip::make_address("127.0.0.1"), port));
  test::websocket::response_type res;
  test::beast::error_code ec;
  ws.handshake(res, "127.0.0.1", "/v1/ws", ec);
  return {res.result_int(), std::string(res[test::http::field::retry_after])};
}

int fd_of(WsClient& c) { return test::beast::get_lowest_layer(c.stream()).socket().native_handle(); }

void send_bytes(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const auto n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EAGAIN) {
      pollfd p{fd, POLLOUT, 0};
      ::poll(&p, 1, 1000);
      continue;
    }
    if (n <= 0) return;  // closed by the server
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

// A client frame header for a binary message of `length` bytes in one frame, masked with
// the key 0 (legal, and the payload goes out as it is).
std::string frame_header(std::size_t length) {
  std::string h{'\x82'};
  if (length < 126) {
    h += static_cast<char>(0x80 | length);
  } else {
    h += static_cast<char>(0x80 | 126);
    h += static_cast<char>(length >> 8);
    h += static_cast<char>(length & 0xff);
  }
  h.append(4, '\0');
  return h;
}

// Reads raw bytes for up to `timeout`, skipping whole frames, until a close frame comes.
struct RawClose {
  std::uint16_t code = 0;
  std::string reason;
};

class RawReader {
 public:
  explicit RawReader(int fd) : fd_(fd) {}

  std::optional<RawClose> close_within(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (auto close = parse()) return close;
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left <= 0ms) return std::nullopt;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
      char buf[4096];
      const auto n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
      if (n == 0) ended_ = true;
      if (n <= 0) return parse();
      in_.append(buf, static_cast<std::size_t>(n));
    }
  }
  bool ended() const { return ended_; }

 private:
  std::optional<RawClose> parse() {
    while (in_.size() >= 2) {
      const auto b0 = static_cast<std::uint8_t>(in_[0]);
      std::size_t len = static_cast<std::uint8_t>(in_[1]) & 0x7f;
      std::size_t header = 2;
      if (len == 126) {
        if (in_.size() < 4) return std::nullopt;
        len = (static_cast<std::uint8_t>(in_[2]) << 8) | static_cast<std::uint8_t>(in_[3]);
        header = 4;
      }
      if (in_.size() < header + len) return std::nullopt;
      if ((b0 & 0x0f) == 0x8 && len >= 2) {
        RawClose c;
        c.code = static_cast<std::uint16_t>((static_cast<std::uint8_t>(in_[header]) << 8) |
                                            static_cast<std::uint8_t>(in_[header + 1]));
        c.reason = in_.substr(header + 2, len - 2);
        in_.erase(0, header + len);
        return c;
      }
      in_.erase(0, header + len);
    }
    return std::nullopt;
  }

  int fd_;
  std::string in_;
  bool ended_ = false;
};

}  // namespace

TEST_CASE("one device holds at most 3 connections: the newest wins, the oldest closes with 1008 replaced") {
  test::TestServer server;  // max-connections-per-device: the default, 3
  std::vector<std::unique_ptr<WsClient>> clients;
  clients.push_back(std::make_unique<WsClient>(server.port()));
  const auto token = clients.front()->redeem(server.invite(), "kim").device_token();
  for (int i = 0; i < 9; ++i) {
    clients.push_back(std::make_unique<WsClient>(server.port()));
    REQUIRE(clients.back()->call(test::hello(1, token)).has_welcome());
  }
  int replaced = 0;
  for (std::size_t i = 0; i + 3 < clients.size(); ++i) {
    CAPTURE(i);
    const auto code = clients[i]->wait_for_close(2s);
    if (code == std::optional<std::uint16_t>(1008) && clients[i]->stream().reason().reason == "replaced")
      ++replaced;
  }
  CHECK_MESSAGE(replaced == 7, "of 10 connections on one token, ", 10 - replaced, " stayed");
  for (std::size_t i = clients.size() - 3; i < clients.size(); ++i) {
    CAPTURE(i);
    CHECK(clients[i]->call(list_teams(*clients[i])).has_team_list());
  }
  // Another device is not affected.
  WsClient other(server.port());
  CHECK(other.call(test::hello(1, token)).has_welcome());
  WsClient second(server.port());
  second.redeem(server.invite(), "river");
  CHECK(second.call(list_teams(second)).has_team_list());
}

TEST_CASE(
    "one address holds at most max-connections-per-address WebSockets; more get 503 before the upgrade") {
  test::TempDir dir;
  auto cfg = test::test_config(dir);
  cfg.max_connections_per_address = 3;
  test::TestServer server(cfg);
  std::vector<std::unique_ptr<WsClient>> open;
  for (int i = 0; i < 3; ++i) open.push_back(std::make_unique<WsClient>(server.port()));
  const auto refused = try_upgrade(server.port());
  CHECK_MESSAGE(refused.status == 503, "a 4th WebSocket from one address got HTTP ", refused.status);
  CHECK(refused.retry_after == "30");
  // Plain HTTP is not counted.
  CHECK(test::http_get(server.port(), "/healthz").status == 200);
  // A place comes free when a connection ends.
  open.pop_back();
  unsigned status = 0;
  for (int i = 0; i < 50 && status != 101; ++i) {
    std::this_thread::sleep_for(50ms);
    status = try_upgrade(server.port()).status;
  }
  CHECK(status == 101);
  // The open ones still work.
  CHECK(open.front()->redeem(server.invite(), "kim").handle() == "kim");
}

TEST_CASE("a message that has begun must be whole within message-deadline-s") {
  test::TempDir dir;
  auto cfg = test::test_config(dir);
  cfg.message_deadline_s = 1;
  cfg.idle_timeout_s = 60;
  test::TestServer server(cfg);
  WsClient client(server.port());
  client.redeem(server.invite(), "kim");

  SUBCASE("a message dripped one byte at a time is closed at the deadline") {
    const int fd = fd_of(client);
    RawReader reader(fd);
    send_bytes(fd, frame_header(1000));
    const auto started = std::chrono::steady_clock::now();
    std::optional<RawClose> close;
    for (int i = 0; i < 40 && !close; ++i) {  // up to 4 s: one byte every 100 ms
      send_bytes(fd, "x");
      close = reader.close_within(100ms);
    }
    const auto elapsed = std::chrono::steady_clock::now() - started;
    REQUIRE_MESSAGE(close.has_value(), "a part-read message was held for 4 s");
    CHECK(close->code == 1008);
    CHECK(close->reason == "message deadline");
    CHECK(elapsed >= 900ms);
    CHECK(elapsed < 2500ms);
    // The socket is gone soon after, whatever the client does.
    CHECK((reader.close_within(7s), reader.ended()));
  }

  SUBCASE("an idle connection between messages is not closed by it") {
    std::this_thread::sleep_for(2500ms);
    CHECK(client.call(list_teams(client)).has_team_list());
  }

  SUBCASE("a message sent slowly but whole within the deadline is answered") {
    const auto body = list_teams(client);
    const auto payload = body.SerializeAsString();
    const int fd = fd_of(client);
    send_bytes(fd, frame_header(payload.size()));
    for (const char byte : payload) {
      std::this_thread::sleep_for(600ms / payload.size());
      send_bytes(fd, std::string_view(&byte, 1));
    }
    const auto reply = client.receive();
    CHECK(reply.request_id() == body.request_id());
    CHECK(reply.has_team_list());
    // And the deadline starts again with the next message.
    std::this_thread::sleep_for(1500ms);
    CHECK(client.call(list_teams(client)).has_team_list());
  }
}
