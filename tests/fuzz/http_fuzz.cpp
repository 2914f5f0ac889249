// Fuzz target: the bytes a client sends on a new connection, read as HttpSession reads
// them (Beast's request_parser, the same header and body limits, one request after the
// other while the connection is kept alive) and answered by the same routes on the
// fixture's database. The input arrives in chunks, as TCP delivers it. Placeholders in
// the bytes name the walker's calendar feed secrets (fuzz_app.hpp).
//
// Invariants: every response serializes and reads back as the same status; the status is
// one the server documents; every response carries the security headers; HEAD and 304
// carry no body; a calendar answer is private and only for a live feed secret; a live
// feed's path is always answered with the feed; the dashboard's paths are answered with
// one of the embedded files, gzipped only when Accept-Encoding names gzip or "*";
// /healthz is JSON; X-Forwarded-For yields the peer or a real address; no log line
// carries a feed secret or a calendar path.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <future>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "fuzz/fuzz_app.hpp"
#include "fuzz/fuzz_check.hpp"
#include "server/net/client_address.hpp"
#include "server/net/http_routes.hpp"
#include "server/net/http_session.hpp"
#include "server/net/web_assets.hpp"

using namespace gadehold;
namespace asio = net::asio;
namespace beast = net::beast;
namespace http = net::http;
using fuzz::FuzzApp;
using fuzz::Slot;

namespace {

// A SyncReadStream over fixed bytes, `chunk` bytes per read, then end of file.
class ByteStream {
 public:
  ByteStream(std::string_view bytes, std::size_t chunk) : bytes_(bytes), chunk_(chunk) {}

  template <class MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers, beast::error_code& ec) {
    if (bytes_.empty()) {
      ec = asio::error::eof;
      return 0;
    }
    ec = {};
    const auto n = asio::buffer_copy(buffers, asio::buffer(bytes_.substr(0, chunk_)));
    bytes_.remove_prefix(n);
    return n;
  }
  template <class MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers) {
    beast::error_code ec;
    const auto n = read_some(buffers, ec);
    if (ec) throw beast::system_error(ec);
    return n;
  }

 private:
  std::string_view bytes_;
  std::size_t chunk_;
};

struct Server {
  net::SessionRegistry sessions;
  net::SharedState shared;
  explicit Server(FuzzApp& app) : shared(app.config(), app.dispatcher(), sessions) {
    shared.lifecycle = net::Lifecycle::serving;
  }
};

bool has(const http::response<http::string_body>& res, http::field f) { return res.find(f) != res.end(); }

// The response as it goes on the wire, read back by a client.
void check_wire(const http::response<http::string_body>& res, bool head) {
  std::ostringstream wire;
  wire << res;
  FUZZ_CHECK(!wire.fail());
  const auto bytes = wire.str();
  http::response_parser<http::string_body> parser;
  parser.eager(true);
  parser.skip(head);
  beast::error_code ec;
  const auto used = parser.put(asio::buffer(bytes), ec);
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  FUZZ_CHECK(!ec);
  FUZZ_CHECK(parser.is_done());
  FUZZ_CHECK(head || used == bytes.size());
  FUZZ_CHECK(parser.get().result() == res.result());
}

void check_security_headers(const http::response<http::string_body>& res) {
  FUZZ_CHECK(res["Content-Security-Policy"] == net::kContentSecurityPolicy);
  FUZZ_CHECK(res[http::field::x_frame_options] == "DENY");
  FUZZ_CHECK(res["Referrer-Policy"] == "no-referrer");
  FUZZ_CHECK(res["X-Content-Type-Options"] == "nosniff");
}

bool is_page_path(std::string_view path) {
  return path == "/" || path == "/index.html" || path == "/app.js" || path == "/app.css" ||
         path == "/sw.js" || path == "/manifest.webmanifest" || path == "/icon-192.png" ||
         path == "/icon-512.png" || path == "/icon-maskable-192.png" || path == "/icon-maskable-512.png" ||
         path == "/apple-touch-icon.png" || path == "/favicon.ico";
}

// A GET or HEAD of the dashboard in a binary that has it: one of the embedded files, named
// by its ETag.
void check_page(const http::request<http::empty_body>& req, const http::response<http::string_body>& res) {
  using http::status;
  const auto s = res.result();
  FUZZ_CHECK(s == status::ok || s == status::not_modified);
  FUZZ_CHECK(res[http::field::cache_control] == "no-cache");
  const auto etag = res[http::field::etag];
  const net::EmbeddedFile* file = nullptr;
  for (const auto& f : net::embedded_web_files()) {
    if (f.etag == etag) file = &f;
  }
  FUZZ_CHECK(file != nullptr);
  const bool gzip = file->name.ends_with(".gz");
  // Vary only for a file with a gzip twin (the icons have none).
  const auto plain = gzip ? file->name.substr(0, file->name.size() - 3) : file->name;
  bool twin = false;
  for (const auto& f : net::embedded_web_files()) twin = twin || f.name == std::string(plain).append(".gz");
  FUZZ_CHECK(res[http::field::vary] == (twin ? "Accept-Encoding" : ""));
  if (gzip) {
    // Only a request that names gzip, or "*", gets it.
    std::string accept;
    for (auto [it, end] = req.equal_range(http::field::accept_encoding); it != end; ++it) accept.append(it->value());
    std::transform(accept.begin(), accept.end(), accept.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    FUZZ_CHECK(accept.find("gzip") != std::string::npos || accept.find('*') != std::string::npos);
  }
  if (s == status::not_modified) {
    FUZZ_CHECK(!has(res, http::field::content_type));
    FUZZ_CHECK(!has(res, http::field::content_length));
    FUZZ_CHECK(req.find(http::field::if_none_match) != req.end());
    return;
  }
  FUZZ_CHECK(res[http::field::content_encoding] == (gzip ? "gzip" : ""));
  const auto type = res[http::field::content_type];
  FUZZ_CHECK(type.ends_with("; charset=utf-8") || type == "application/manifest+json" ||
             type.starts_with("image/"));
  FUZZ_CHECK(res[http::field::content_length] == std::to_string(file->bytes.size()));
  if (req.method() == http::verb::get) FUZZ_CHECK(res.body() == file->bytes);
}

void check_routed(const http::request<http::empty_body>& req, const http::response<http::string_body>& res,
                  FuzzApp& app) {
  using http::status;
  const auto s = res.result();
  FUZZ_CHECK(s == status::ok || s == status::not_modified || s == status::not_found ||
             s == status::method_not_allowed || s == status::upgrade_required || s == status::service_unavailable);
  FUZZ_CHECK(res.version() == req.version());
  FUZZ_CHECK(res.keep_alive() == req.keep_alive());
  const bool head = req.method() == http::verb::head;
  if (req.method() != http::verb::get && !head) {
    FUZZ_CHECK(s == status::method_not_allowed);
    FUZZ_CHECK(res[http::field::allow] == "GET, HEAD");
  }
  if (head || s == status::not_modified) FUZZ_CHECK(res.body().empty());
  check_wire(res, head);
  check_security_headers(res);

  const auto path = net::target_path(req.target());
  if (is_page_path(path) && (req.method() == http::verb::get || head)) {
    if (net::embedded_web_files().empty()) {
      FUZZ_CHECK(s == status::not_found);
    } else {
      check_page(req, res);
    }
    return;
  }
  const bool calendar = res[http::field::content_type].starts_with("text/calendar") || s == status::not_modified;
  const auto mine = std::string("/v1/calendar/").append(app.real(Slot::token_feed_mine)).append(".ics");
  const auto team = std::string("/v1/calendar/").append(app.real(Slot::token_feed_team)).append(".ics");
  const bool live_feed = path == mine || path == team;
  if (calendar) {
    FUZZ_CHECK(live_feed);
    FUZZ_CHECK(res[http::field::cache_control] == "private, no-cache");
    FUZZ_CHECK(res["Referrer-Policy"] == "no-referrer");
    FUZZ_CHECK(res[http::field::etag].starts_with("\""));
  } else {
    FUZZ_CHECK(res[http::field::cache_control] == "no-store");
  }
  if (live_feed && (req.method() == http::verb::get || head)) {
    FUZZ_CHECK(s == status::ok || s == status::not_modified);
    if (s == status::ok && !head) {
      FUZZ_CHECK(res.body().starts_with("BEGIN:VCALENDAR\r\n"));
      FUZZ_CHECK(fuzz::is_valid_utf8(res.body()));
    }
    if (s == status::not_modified) FUZZ_CHECK(!has(res, http::field::content_type));
  }
  if (path == "/healthz" && req.method() == http::verb::get) {
    FUZZ_CHECK(s == status::ok);
    boost::system::error_code ec;
    const auto json = boost::json::parse(res.body(), ec);
    FUZZ_CHECK(!ec && json.is_object() && json.as_object().at("status") == "ok");
  }
}

// The address a WebSocket session would be given.
void check_client_address(const http::request<http::empty_body>& req) {
  const std::string peer = "198.51.100.1";
  static const auto trusted = core::AddressRanges::parse("198.51.100.0/24, 2001:db8::/32");
  FUZZ_CHECK(net::client_address(req, peer, false, trusted) == peer);
  FUZZ_CHECK(net::client_address(req, "203.0.113.1", true, trusted) == "203.0.113.1");
  const auto behind = net::client_address(req, peer, true, trusted);
  if (behind == peer) return;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(behind, ec);
  FUZZ_CHECK(!ec);
  FUZZ_CHECK(address.to_string() == behind);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& app = FuzzApp::get();
  static Server server(app);
  const auto bytes = app.substitute({reinterpret_cast<const char*>(data), size});
  ByteStream stream(bytes, 1 + size % 97);
  beast::flat_buffer buffer;
  std::vector<std::string> hidden = app.secrets();  // and every calendar path asked for
  // Like HttpSession: a fresh parser per request, the buffer carries what was read ahead.
  for (int requests = 0; requests < 32; ++requests) {
    http::request_parser<http::empty_body> parser;
    parser.header_limit(net::kHeaderLimit);
    parser.body_limit(0);
    beast::error_code ec;
    http::read(stream, buffer, parser, ec);
    if (ec == http::error::end_of_stream) break;
    if (ec) {
      // HttpSession answers 431 or 400 and closes; anything else ends the connection.
      if (ec.category() != beast::error_code(http::error::bad_target).category()) break;
      const auto status = ec == http::error::header_limit ? http::status::request_header_fields_too_large
                                                          : http::status::bad_request;
      const auto res = net::bad_request(11, status);
      FUZZ_CHECK(!res.keep_alive());
      check_wire(res, false);
      check_security_headers(res);
      break;
    }
    FUZZ_CHECK(parser.is_done());
    auto req = parser.release();
    if (const auto path = net::target_path(req.target()); path.starts_with("/v1/calendar/") && path.size() >= 29) {
      hidden.emplace_back(path);
    }
    if (beast::websocket::is_upgrade(req) && net::target_path(req.target()) == net::kWebSocketPath) {
      check_client_address(req);
      break;  // the connection is a WebSocket from here on
    }
    std::promise<net::Response> answered;
    net::route(req, server.shared, [&answered](net::Response r) { answered.set_value(std::move(r)); });
    const auto res = answered.get_future().get();
    check_routed(req, res, app);
    if (!res.keep_alive()) break;
  }
  for (const auto& line : app.logs().take()) {
    for (const auto& text : hidden) FUZZ_CHECK(line.find(text) == std::string::npos);
  }
  return 0;
}
