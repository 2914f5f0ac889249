// /healthz, /metrics and the 404 path over a real socket.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "support/test_server.hpp"
#include "support/ws_client.hpp"

using namespace gadehold;

TEST_CASE("/healthz reports status, version, schema version and the database ping") {
  test::TestServer server;
  auto reply = test::http_get(server.port(), "/healthz");
  CHECK(reply.status == 200);
  CHECK(reply.content_type == "application/json");
  auto body = boost::json::parse(reply.body).as_object();
  CHECK(body.at("status").as_string() == "ok");
  CHECK(body.at("database").as_string() == "ok");
  CHECK(body.at("schema_version").as_int64() >= 1);
  CHECK_FALSE(body.at("version").as_string().empty());
}

TEST_CASE("/metrics is Prometheus text with the server's metrics") {
  test::TestServer server;
  {
    test::WsClient client(server.port());
    client.send(test::hello(1, "x"));
    client.receive();
    auto reply = test::http_get(server.port(), "/metrics");
    CHECK(reply.status == 200);
    CHECK(reply.content_type.rfind("text/plain; version=0.0.4", 0) == 0);
    for (const char* name :
         {"gadehold_open_connections ", "gadehold_messages_received_total{type=\"hello\"}",
          "gadehold_errors_total{code=\"UNAUTHENTICATED\"}", "gadehold_commit_seconds_bucket",
          "gadehold_write_batch_size_bucket", "gadehold_request_seconds_bucket"}) {
      CAPTURE(name);
      CHECK(reply.body.find(name) != std::string::npos);
    }
    CHECK(reply.body.find("gadehold_open_connections 0\n") == std::string::npos);
  }
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
