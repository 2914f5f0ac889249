// The dashboard over a real socket: the page and its gzip twins, the icons, ETags, HEAD,
// and the security headers on every response of the server.
#include <doctest/doctest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include <boost/beast/zlib/inflate_stream.hpp>
#include <boost/crc.hpp>

#include "server/net/web_assets.hpp"
#include "support/test_server.hpp"

using namespace gadehold;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

// Written out here, not taken from the server's code: the contract of issue 10.
constexpr std::string_view kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

using Headers = std::vector<std::pair<std::string, std::string>>;

http::response<http::string_body> fetch(unsigned short port, http::verb method, const std::string& target,
                                        const Headers& headers = {}) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  http::request<http::empty_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) req.insert(name, value);
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 * 1024 * 1024);
  parser.skip(method == http::verb::head);
  http::read(stream, buffer, parser);
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return parser.release();
}

http::response<http::string_body> get(unsigned short port, const std::string& target, const Headers& headers = {}) {
  return fetch(port, http::verb::get, target, headers);
}

// Sends `request` as written; returns what comes back up to the end of the response head,
// or everything until the server closes with `to_close`.
std::string raw_http(unsigned short port, const std::string& request, bool to_close = true) {
  asio::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  boost::system::error_code ec;
  asio::write(socket, asio::buffer(request), ec);  // the server may answer and close before the end
  std::string out;
  char buf[4096];
  while (to_close || out.find("\r\n\r\n") == std::string::npos) {
    const auto n = socket.read_some(asio::buffer(buf), ec);
    out.append(buf, n);
    if (ec) break;
  }
  return out;
}

void check_security_headers(const http::fields& res) {
  CHECK(res["Content-Security-Policy"] == kCsp);
  CHECK(res["X-Frame-Options"] == "DENY");
  CHECK(res["Referrer-Policy"] == "no-referrer");
  CHECK(res["X-Content-Type-Options"] == "nosniff");
  CHECK(res["Cross-Origin-Opener-Policy"] == "same-origin");
  CHECK(res["Permissions-Policy"] == "geolocation=(self), camera=(), microphone=()");
}

// The same checks on a raw response head.
void check_security_headers(const std::string& raw) {
  CAPTURE(raw.substr(0, raw.find("\r\n")));
  CHECK(raw.find(std::string("\r\nContent-Security-Policy: ").append(kCsp).append("\r\n")) != std::string::npos);
  for (const char* line : {"X-Frame-Options: DENY", "Referrer-Policy: no-referrer",
                           "X-Content-Type-Options: nosniff", "Cross-Origin-Opener-Policy: same-origin",
                           "Permissions-Policy: geolocation=(self), camera=(), microphone=()"}) {
    CAPTURE(line);
    CHECK(raw.find(std::string("\r\n").append(line).append("\r\n")) != std::string::npos);
  }
}

}  // namespace

TEST_SUITE("web") {

TEST_CASE("every response of the server carries the security headers") {
  test::TestServer server;
  for (const char* path : {"/healthz", "/metrics", "/nope", "/v1/ws", "/app.js.gz", "/sw.js.gz"}) {
    CAPTURE(path);
    check_security_headers(get(server.port(), path));
  }
  for (const char* path : {"/healthz", "/metrics", "/nope"}) {
    CAPTURE(path);
    check_security_headers(get(server.metrics_port(), path));
  }
  CHECK(get(server.port(), "/nope").result_int() == 404);
  CHECK(get(server.port(), "/app.js.gz").result_int() == 404);  // twins are not files of their own

  const auto post = fetch(server.port(), http::verb::post, "/");
  CHECK(post.result_int() == 405);
  CHECK(post[http::field::allow] == "GET, HEAD");
  CHECK(post.body().find("<html") == std::string::npos);
  check_security_headers(post);

  // bad_request(): a request line that does not parse, and headers over the limit.
  const auto garbage = raw_http(server.port(), "NOT HTTP AT ALL\r\n\r\n");
  CHECK(garbage.rfind("HTTP/1.1 400", 0) == 0);
  check_security_headers(garbage);
  const auto big = raw_http(server.port(), std::string("GET / HTTP/1.1\r\nHost: x\r\nX-Big: ")
                                               .append(std::string(64 * 1024, 'a'))
                                               .append("\r\n\r\n"));
  if (big.rfind("HTTP/1.1 431", 0) == 0) check_security_headers(big);  // else the server closed first

  // The WebSocket handshake's 101.
  const auto upgrade = raw_http(server.port(),
                                "GET /v1/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
                                false);
  CHECK(upgrade.rfind("HTTP/1.1 101", 0) == 0);
  check_security_headers(upgrade);
  // And Beast's refusal of a handshake without a key.
  const auto refused = raw_http(server.port(),
                                "GET /v1/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                "Sec-WebSocket-Version: 13\r\n\r\n",
                                false);
  CHECK(refused.rfind("HTTP/1.1 400", 0) == 0);
  check_security_headers(refused);
}

#ifdef GADEHOLD_WEB_DIST_DIR

namespace {

std::string bundle_file(const std::string& name) {
  std::ifstream in(std::string(GADEHOLD_WEB_DIST_DIR "/").append(name), std::ios::binary);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::uint32_t le32(std::string_view bytes) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
  return v;
}

// RFC 1952 with Beast's raw inflate: the header build.mjs writes (no name, no time), the
// deflate stream, and a trailer whose CRC-32 and length must match what came out.
std::string gunzip(std::string_view gz) {
  REQUIRE(gz.size() >= 18);
  REQUIRE(static_cast<unsigned char>(gz[0]) == 0x1f);
  REQUIRE(static_cast<unsigned char>(gz[1]) == 0x8b);
  REQUIRE(gz[2] == 8);  // deflate
  REQUIRE(gz[3] == 0);  // no name, comment or extra field
  beast::zlib::inflate_stream inflater;
  beast::zlib::z_params zs;
  zs.next_in = gz.data() + 10;
  zs.avail_in = gz.size() - 10;
  std::string out;
  char buf[16384];
  for (;;) {
    zs.next_out = buf;
    zs.avail_out = sizeof buf;
    beast::error_code ec;
    inflater.write(zs, beast::zlib::Flush::none, ec);
    out.append(buf, sizeof buf - zs.avail_out);
    if (ec == beast::zlib::error::end_of_stream) break;
    REQUIRE_MESSAGE(!ec, ec.message());
    REQUIRE(zs.avail_out == 0);  // more output to come
  }
  REQUIRE(zs.avail_in == 8);
  const auto trailer = gz.substr(gz.size() - 8);
  boost::crc_32_type crc;
  crc.process_bytes(out.data(), out.size());
  CHECK(le32(trailer) == crc.checksum());
  CHECK(le32(trailer.substr(4)) == static_cast<std::uint32_t>(out.size()));
  return out;
}

}  // namespace

TEST_CASE("the dashboard's files are served with their types, the service worker and manifest too") {
  test::TestServer server;
  const auto page = bundle_file("index.html");
  const auto root = get(server.port(), "/");
  REQUIRE(root.result_int() == 200);
  CHECK(root[http::field::content_type] == "text/html; charset=utf-8");
  CHECK(root.body() == page);
  CHECK(root.find(http::field::content_encoding) == root.end());
  CHECK(root[http::field::cache_control] == "no-cache");
  CHECK(root[http::field::vary] == "Accept-Encoding");
  CHECK(root[http::field::etag].starts_with("\""));  // strong
  CHECK(root[http::field::etag].size() > 2);
  check_security_headers(root);

  for (const char* path : {"/index.html", "/?lang=da"}) {
    CAPTURE(path);
    const auto same = get(server.port(), path);
    CHECK(same.result_int() == 200);
    CHECK(same.body() == page);
    CHECK(same[http::field::etag] == root[http::field::etag]);
  }

  const auto js = get(server.port(), "/app.js");
  CHECK(js.result_int() == 200);
  CHECK(js[http::field::content_type] == "text/javascript; charset=utf-8");
  CHECK(js.body() == bundle_file("app.js"));
  check_security_headers(js);
  const auto css = get(server.port(), "/app.css");
  CHECK(css.result_int() == 200);
  CHECK(css[http::field::content_type] == "text/css; charset=utf-8");
  CHECK(css.body() == bundle_file("app.css"));
  CHECK(js[http::field::etag] != css[http::field::etag]);

  // The service worker (scope /, so at the root) and the web app manifest.
  const auto sw = get(server.port(), "/sw.js");
  CHECK(sw.result_int() == 200);
  CHECK(sw[http::field::content_type] == "text/javascript; charset=utf-8");
  CHECK(sw[http::field::cache_control] == "no-cache");
  CHECK(sw.body() == bundle_file("sw.js"));
  check_security_headers(sw);
  const auto manifest = get(server.port(), "/manifest.webmanifest");
  CHECK(manifest.result_int() == 200);
  CHECK(manifest[http::field::content_type] == "application/manifest+json");
  CHECK(manifest.body() == bundle_file("manifest.webmanifest"));
  check_security_headers(manifest);
}

TEST_CASE("the app's icons are served as images, without gzip twins") {
  test::TestServer server;
  const std::vector<std::pair<std::string, std::string>> icons = {
      {"/icon-192.png", "image/png"},          {"/icon-512.png", "image/png"},
      {"/icon-maskable-192.png", "image/png"}, {"/icon-maskable-512.png", "image/png"},
      {"/apple-touch-icon.png", "image/png"},  {"/favicon.ico", "image/x-icon"}};
  for (const auto& icon : icons) {
    const auto& path = icon.first;
    CAPTURE(path);
    const auto res = get(server.port(), path, {{"Accept-Encoding", "gzip"}});
    CHECK(res.result_int() == 200);
    CHECK(res[http::field::content_type] == icon.second);
    CHECK(res.find(http::field::content_encoding) == res.end());
    CHECK(res.find(http::field::vary) == res.end());
    CHECK(res[http::field::cache_control] == "no-cache");
    CHECK(res.body() == bundle_file(path.substr(1)));
    check_security_headers(res);
    const auto fresh = get(server.port(), path, {{"If-None-Match", std::string(res[http::field::etag])}});
    CHECK(fresh.result_int() == 304);
  }
  CHECK(get(server.port(), "/icon-192.png.gz").result_int() == 404);
  CHECK(get(server.port(), "/apple-touch-icon-precomposed.png").result_int() == 404);
}

TEST_CASE("the dashboard's gzip twin goes only to a client that accepts gzip") {
  test::TestServer server;
  for (const char* name : {"index.html", "app.js", "app.css"}) {
    CAPTURE(name);
    const auto path = std::string(name) == "index.html" ? std::string("/") : std::string("/").append(name);
    const auto plain = get(server.port(), path);
    const auto gz = get(server.port(), path, {{"Accept-Encoding", "gzip, deflate, br"}});
    REQUIRE(gz.result_int() == 200);
    CHECK(gz[http::field::content_encoding] == "gzip");
    CHECK(gz[http::field::vary] == "Accept-Encoding");
    CHECK(gz[http::field::content_type] == plain[http::field::content_type]);
    CHECK(gz.body() == bundle_file(std::string(name).append(".gz")));
    CHECK(gunzip(gz.body()) == bundle_file(name));
    CHECK(gz[http::field::etag] != plain[http::field::etag]);  // another representation
    check_security_headers(gz);
  }

  const auto page = bundle_file("index.html");
  const std::vector<std::pair<std::string, bool>> cases = {
      {"gzip", true},           {"GZIP;q=0.5", true},        {"br, gzip;q=0.001", true},
      {"x-gzip", true},         {"*", true},                 {"br;q=1, *;q=0.1", true},
      {"gzip;q=0", false},      {"gzip; q=0.000, br", false}, {"gzip;Q=0.", false},
      {"*;q=0", false},         {"*, gzip;q=0", false},       {"identity", false},
      {"br, deflate", false},   {"", false},                  {"gzip;q=2", false},
      {"gzip;q=1.001", false},
  };
  for (const auto& c : cases) {
    // Not a structured binding: clang 14 (the sanitizer build) cannot capture one.
    const auto& accept = c.first;
    const bool gzip = c.second;
    CAPTURE(accept);
    const auto res = get(server.port(), "/", {{"Accept-Encoding", accept}});
    CHECK(res.result_int() == 200);
    CHECK((res[http::field::content_encoding] == "gzip") == gzip);
    if (!gzip) CHECK(res.body() == page);
  }
  // Two Accept-Encoding fields are one list.
  const auto two = get(server.port(), "/", {{"Accept-Encoding", "br"}, {"Accept-Encoding", "gzip"}});
  CHECK(two[http::field::content_encoding] == "gzip");
  // No header at all: identity.
  const auto none = get(server.port(), "/");
  CHECK(none.find(http::field::content_encoding) == none.end());
  CHECK(none.body() == page);
}

TEST_CASE("the dashboard answers 304 to If-None-Match with its ETag") {
  test::TestServer server;
  const auto first = get(server.port(), "/app.js");
  const std::string etag(first[http::field::etag]);
  REQUIRE(etag.size() > 2);

  for (const auto& match : {etag, std::string("W/").append(etag), std::string("\"x\", ").append(etag), std::string("*")}) {
    CAPTURE(match);
    const auto fresh = get(server.port(), "/app.js", {{"If-None-Match", match}});
    CHECK(fresh.result_int() == 304);
    CHECK(fresh.body().empty());
    CHECK(fresh.find(http::field::content_length) == fresh.end());
    CHECK(fresh[http::field::etag] == etag);
    CHECK(fresh[http::field::cache_control] == "no-cache");
    CHECK(fresh[http::field::vary] == "Accept-Encoding");
    check_security_headers(fresh);
  }
  const auto stale = get(server.port(), "/app.js", {{"If-None-Match", "\"0123456789abcdef\""}});
  CHECK(stale.result_int() == 200);
  CHECK(stale.body() == first.body());
  // Another file's ETag is not this one's.
  const auto css_etag = std::string(get(server.port(), "/app.css")[http::field::etag]);
  CHECK(get(server.port(), "/app.js", {{"If-None-Match", css_etag}}).result_int() == 200);

  // The gzip twin has an ETag of its own: a cached plain copy does not stand for it.
  const Headers gzip = {{"Accept-Encoding", "gzip"}};
  CHECK(get(server.port(), "/app.js", {{"Accept-Encoding", "gzip"}, {"If-None-Match", etag}}).result_int() == 200);
  const auto gz_etag = std::string(get(server.port(), "/app.js", gzip)[http::field::etag]);
  const auto fresh_gz = get(server.port(), "/app.js", {{"Accept-Encoding", "gzip"}, {"If-None-Match", gz_etag}});
  CHECK(fresh_gz.result_int() == 304);
  CHECK(fresh_gz[http::field::etag] == gz_etag);

  // On the wire: a 304 has no body and no Content-Length.
  const auto raw = raw_http(server.port(), std::string("GET / HTTP/1.1\r\nHost: x\r\nIf-None-Match: ")
                                               .append(get(server.port(), "/")[http::field::etag])
                                               .append("\r\nConnection: close\r\n\r\n"));
  CHECK(raw.rfind("HTTP/1.1 304", 0) == 0);
  CHECK(raw.find("Content-Length") == std::string::npos);
  CHECK(raw.substr(raw.find("\r\n\r\n") + 4).empty());
}

TEST_CASE("HEAD of the dashboard sends the GET's headers and no body") {
  test::TestServer server;
  const auto page = bundle_file("index.html");
  const auto head = raw_http(server.port(), "HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK(head.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(head.find("\r\nContent-Type: text/html; charset=utf-8\r\n") != std::string::npos);
  CHECK(head.find(std::string("\r\nContent-Length: ").append(std::to_string(page.size())).append("\r\n")) !=
        std::string::npos);
  CHECK(head.substr(head.find("\r\n\r\n") + 4).empty());
  check_security_headers(head);

  const auto gz = bundle_file("app.css.gz");
  const auto head_gz =
      raw_http(server.port(), "HEAD /app.css HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n");
  CHECK(head_gz.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(head_gz.find("\r\nContent-Encoding: gzip\r\n") != std::string::npos);
  CHECK(head_gz.find(std::string("\r\nContent-Length: ").append(std::to_string(gz.size())).append("\r\n")) !=
        std::string::npos);
  CHECK(head_gz.substr(head_gz.find("\r\n\r\n") + 4).empty());
}

TEST_CASE("the binary embeds the bundle's sixteen files") {
  const auto files = net::embedded_web_files();
  CHECK(files.size() == 16);
  for (const char* name :
       {"index.html", "index.html.gz", "app.js", "app.js.gz", "app.css", "app.css.gz", "sw.js", "sw.js.gz",
        "manifest.webmanifest", "manifest.webmanifest.gz", "icon-192.png", "icon-512.png",
        "icon-maskable-192.png", "icon-maskable-512.png", "apple-touch-icon.png", "favicon.ico"}) {
    CAPTURE(name);
    bool found = false;
    for (const auto& f : files) found = found || (f.name == name && f.bytes == bundle_file(name));
    CHECK(found);
  }
}

#else

TEST_CASE("a binary built with GADEHOLD_WEB=OFF answers / with 404") {
  CHECK(net::embedded_web_files().empty());
  test::TestServer server;
  for (const char* path : {"/", "/index.html", "/app.js", "/app.css", "/favicon.ico", "/icon-192.png"}) {
    CAPTURE(path);
    const auto res = get(server.port(), path, {{"Accept-Encoding", "gzip"}});
    CHECK(res.result_int() == 404);
    check_security_headers(res);
  }
  CHECK(get(server.port(), "/healthz").result_int() == 200);
}

#endif

}  // TEST_SUITE("web")
