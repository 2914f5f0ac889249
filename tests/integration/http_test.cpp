// /healthz, /metrics and the 404 path over a real socket: the app port's public answers,
// and the metrics listener's.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "support/test_server.hpp"
#include "support/ws_client.hpp"

using namespace gadehold;

TEST_CASE("the public /healthz says status and schema version, nothing more") {
  test::TestServer server;
  test::WsClient client(server.port());  // a live connection the answer must not count
  client.send(test::hello(1, "x"));
  client.receive();
  auto reply = test::http_get(server.port(), "/healthz");
  CHECK(reply.status == 200);
  CHECK(reply.content_type == "application/json");
  auto body = boost::json::parse(reply.body).as_object();
  CHECK(body.at("status").as_string() == "ok");
  CHECK(body.at("schema_version").as_int64() >= 1);
  CHECK(body.size() == 2);
  for (const char* hidden : {"connections", "revision", "version", "database", "writes"}) {
    CAPTURE(hidden);
    CHECK_FALSE(body.contains(hidden));
  }
}

TEST_CASE("/healthz on the metrics listener has the full detail") {
  test::TestServer server;
  REQUIRE(server.metrics_port() != 0);
  REQUIRE(server.metrics_port() != server.port());
  test::WsClient client(server.port());
  client.send(test::hello(1, "x"));
  client.receive();
  auto reply = test::http_get(server.metrics_port(), "/healthz");
  CHECK(reply.status == 200);
  CHECK(reply.content_type == "application/json");
  auto body = boost::json::parse(reply.body).as_object();
  CHECK(body.at("status").as_string() == "ok");
  CHECK(body.at("database").as_string() == "ok");
  CHECK(body.at("writes").as_string() == "ok");
  CHECK(body.at("schema_version").as_int64() >= 1);
  CHECK_FALSE(body.at("version").as_string().empty());
  CHECK(body.contains("revision"));
  CHECK(body.at("connections").as_int64() >= 1);
}

TEST_CASE("/metrics is Prometheus text on the metrics listener, and 404 on the app port") {
  test::TestServer server;
  {
    test::WsClient client(server.port());
    client.send(test::hello(1, "x"));
    client.receive();
    const auto public_reply = test::http_get(server.port(), "/metrics");
    CHECK(public_reply.status == 404);
    CHECK(public_reply.body.find("gadehold_") == std::string::npos);
    auto reply = test::http_get(server.metrics_port(), "/metrics");
    CHECK(reply.status == 200);
    CHECK(reply.content_type.rfind("text/plain; version=0.0.4", 0) == 0);
    for (const char* name :
         {"gadehold_open_connections ", "gadehold_messages_received_total{type=\"hello\"}",
          "gadehold_errors_total{code=\"UNAUTHENTICATED\"}", "gadehold_commit_seconds_bucket",
          "gadehold_write_batch_size_bucket", "gadehold_write_wait_seconds_bucket",
          "gadehold_request_seconds_bucket"}) {
      CAPTURE(name);
      CHECK(reply.body.find(name) != std::string::npos);
    }
    CHECK(reply.body.find("gadehold_open_connections 0\n") == std::string::npos);
  }
}

TEST_CASE("the metrics listener serves nothing else: no dashboard, no feeds, no WebSocket") {
  test::TestServer server;
  for (const char* path :
       {"/", "/index.html", "/app.js", "/v1/ws", "/v1/calendar/AAAAAAAAAAAAAAAAAAAA.ics", "/nope"}) {
    CAPTURE(path);
    CHECK(test::http_get(server.metrics_port(), path).status == 404);
  }
  CHECK_THROWS(test::WsClient(server.metrics_port()));
}

TEST_CASE("an empty metrics-listen turns the metrics listener off") {
  test::TempDir dir;
  auto cfg = test::test_config(dir);
  cfg.metrics_listen = "";
  test::TestServer server(cfg);
  CHECK(server.metrics_port() == 0);
  CHECK(test::http_get(server.port(), "/metrics").status == 404);
  CHECK(test::http_get(server.port(), "/healthz").status == 200);
}

TEST_CASE("unknown paths get 404 and other methods 405") {
  test::TestServer server;
  CHECK(test::http_get(server.port(), "/nope").status == 404);
  CHECK(test::http_get(server.port(), "/v1/ws").status == 426);

  namespace http = test::http;
  test::asio::io_context ioc;
  test::beast::tcp_stream stream(ioc);
  stream.connect(test::tcp::endpoint(test::asio::ip::make_address("127.0.0.1"), server.port()));
  http::request<http::empty_body> req{http::verb::post, "/healthz", 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(stream, req);
  test::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  CHECK(res.result_int() == 405);
}

TEST_CASE("oversized request headers get 431 and do not disturb the server") {
  test::TestServer server;
  {
    test::asio::io_context ioc;
    test::beast::tcp_stream stream(ioc);
    stream.connect(test::tcp::endpoint(test::asio::ip::make_address("127.0.0.1"), server.port()));
    std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 * 1024, 'a') + "\r\n\r\n";
    test::beast::error_code ec;
    test::asio::write(stream.socket(), test::asio::buffer(request), ec);
    test::beast::flat_buffer buffer;
    test::http::response<test::http::string_body> res;
    test::http::read(stream, buffer, res, ec);
    if (!ec) CHECK(res.result_int() == 431);
  }
  CHECK(test::http_get(server.port(), "/healthz").status == 200);
}

namespace {

// Sends `request` as written and returns the raw response, read until the server closes.
namespace asio = boost::asio;
using tcp = boost::asio::ip::tcp;

std::string raw_http(unsigned short port, const std::string& request) {
  asio::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  asio::write(socket, asio::buffer(request));
  std::string out;
  char buf[4096];
  boost::system::error_code ec;
  for (;;) {
    const auto n = socket.read_some(asio::buffer(buf), ec);
    out.append(buf, n);
    if (ec) break;
  }
  return out;
}

}  // namespace

TEST_CASE("calendar feeds over HTTP: ETag, 304 without a length, HEAD with the GET's length, 404s") {
  test::TestServer server;
  test::WsClient coordinator(server.port());
  coordinator.redeem(server.invite(), "coordinator");
  v1::ClientMessage m;
  m.set_request_id(coordinator.next_request_id());
  m.mutable_get_calendar_feed()->set_scope(v1::CALENDAR_SCOPE_MINE);
  const auto path = coordinator.call(m).calendar_feed().url_path();
  REQUIRE(path.rfind("/v1/calendar/", 0) == 0);

  const auto get = raw_http(server.port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  REQUIRE(get.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(get.find("Content-Type: text/calendar; charset=utf-8\r\n") != std::string::npos);
  CHECK(get.find("BEGIN:VCALENDAR\r\n") != std::string::npos);
  const auto etag_at = get.find("ETag: ");
  REQUIRE(etag_at != std::string::npos);
  const auto etag = get.substr(etag_at + 6, get.find("\r\n", etag_at) - etag_at - 6);
  const auto body_size = get.size() - get.find("\r\n\r\n") - 4;

  const auto fresh = raw_http(server.port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\nIf-None-Match: W/" + etag +
                                                 ", \"other\"\r\nConnection: close\r\n\r\n");
  CHECK(fresh.rfind("HTTP/1.1 304", 0) == 0);
  CHECK(fresh.find("Content-Length") == std::string::npos);
  CHECK(fresh.find("ETag: " + etag) != std::string::npos);
  CHECK(fresh.substr(fresh.find("\r\n\r\n") + 4).empty());

  const auto stale = raw_http(server.port(), "GET " + path +
                                                 " HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"old\"\r\nConnection: close\r\n\r\n");
  CHECK(stale.rfind("HTTP/1.1 200", 0) == 0);

  const auto head = raw_http(server.port(), "HEAD " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK(head.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(head.find("Content-Length: " + std::to_string(body_size) + "\r\n") != std::string::npos);
  CHECK(head.substr(head.find("\r\n\r\n") + 4).empty());

  for (const auto& bad : {std::string("/v1/calendar/") + std::string(43, 'A') + ".ics", std::string("/v1/calendar/.ics"),
                          path.substr(0, path.size() - 4), path + "x", std::string("/v1/calendar/a%2Fb..ics"),
                          std::string("/v1/calendar/") + std::string(200, 'b') + ".ics"}) {
    CAPTURE(bad);
    CHECK(test::http_get(server.port(), bad).status == 404);
  }
  CHECK(test::http_get(server.port(), "/healthz").status == 200);
}
