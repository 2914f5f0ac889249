#include "server/net/push_connection.hpp"

#include <openssl/ssl.h>

#include <stdexcept>
#include <vector>

#include "server/core/address_ranges.hpp"
#include "server/core/metrics.hpp"

namespace gadehold::net {

namespace {
// A push service's answer is a status and a few headers; anything longer is not one.
constexpr std::uint64_t kMaxResponseBody = 64 * 1024;
constexpr auto kAwaitEc = [](beast::error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); };
}  // namespace

std::shared_ptr<ssl::context> make_push_tls_context(const std::string& ca_file) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::no_compression);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  boost::system::error_code ec;
  ctx->set_default_verify_paths(ec);  // a system without a store still takes push-ca-file
  if (!ca_file.empty()) {
    ctx->load_verify_file(ca_file, ec);
    if (ec) throw std::runtime_error("--push-ca-file: cannot load '" + ca_file + "': " + ec.message());
  }
  ctx->set_verify_mode(ssl::verify_peer);
  return ctx;
}

PushConnection::PushConnection(asio::any_io_executor executor, ssl::context& tls) : stream_(executor, tls) {}

PushConnection::~PushConnection() {
  if (counted_) core::metrics().push_connections.add(-1);
}

asio::awaitable<beast::error_code> PushConnection::open(const PushTarget& to,
                                                        std::chrono::milliseconds timeout,
                                                        bool allow_private) {
  beast::error_code ec;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  // The resolver has no deadline of its own: a timer cancels it.
  auto resolver = std::make_shared<tcp::resolver>(co_await asio::this_coro::executor);
  asio::steady_timer guard(co_await asio::this_coro::executor, timeout);
  guard.async_wait([resolver](beast::error_code e) {
    if (!e) resolver->cancel();
  });
  const auto endpoints = co_await resolver->async_resolve(to.host, to.port, kAwaitEc(ec));
  guard.cancel();
  if (ec) co_return ec;
  if (closed_) co_return asio::error::operation_aborted;
  std::vector<tcp::endpoint> allowed;
  for (const auto& entry : endpoints) {
    if (allow_private || core::is_public_address(entry.endpoint().address()))
      allowed.push_back(entry.endpoint());
  }
  if (allowed.empty()) co_return make_error_code(boost::system::errc::permission_denied);

  auto& tcp_layer = beast::get_lowest_layer(stream_);
  tcp_layer.expires_at(deadline);
  co_await tcp_layer.async_connect(allowed, kAwaitEc(ec));
  if (ec) co_return ec;
  counted_ = true;
  core::metrics().push_connections.add(1);

  // SNI carries names only, never an address literal (RFC 6066 section 3).
  boost::system::error_code parse_ec;
  asio::ip::make_address(to.host, parse_ec);
  if (parse_ec && SSL_set_tlsext_host_name(stream_.native_handle(), to.host.c_str()) != 1) {
    co_return beast::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
  }
  stream_.set_verify_callback(ssl::host_name_verification(to.host));
  tcp_layer.expires_at(deadline);
  co_await stream_.async_handshake(ssl::stream_base::client, kAwaitEc(ec));
  co_return ec;
}

asio::awaitable<beast::error_code> PushConnection::exchange(http::request<http::string_body>& request,
                                                            http::response<http::string_body>& response,
                                                            std::chrono::milliseconds timeout) {
  beast::error_code ec;
  reusable_ = false;
  auto& tcp_layer = beast::get_lowest_layer(stream_);
  tcp_layer.expires_after(timeout);
  co_await http::async_write(stream_, request, kAwaitEc(ec));
  if (ec) co_return ec;
  http::response_parser<http::string_body> parser;
  // Beast checks a Content-Length against the body limit as the header completes: the
  // limit is set once the header (and its status) is in.
  parser.body_limit(boost::none);
  tcp_layer.expires_after(timeout);
  co_await http::async_read_header(stream_, buffer_, parser, kAwaitEc(ec));
  if (ec) co_return ec;
  // The status decides what became of the message. The body is read only to keep the
  // connection: one too long or too slow closes it, and the status stands (a 201 with a
  // huge body is delivered, not sent again).
  beast::error_code body_ec = http::error::body_limit;
  const auto length = parser.content_length();
  if (parser.is_done()) {
    body_ec = {};
  } else if (!length || *length <= kMaxResponseBody) {
    parser.body_limit(kMaxResponseBody);  // a chunked body is cut at the limit
    co_await http::async_read(stream_, buffer_, parser, kAwaitEc(body_ec));
  }
  tcp_layer.expires_never();
  response = parser.release();
  reusable_ = !body_ec && response.keep_alive() && !response.need_eof();
  idle_since_ = std::chrono::steady_clock::now();
  co_return beast::error_code{};
}

void PushConnection::close() {
  reusable_ = false;
  closed_ = true;
  beast::error_code ignored;
  beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
  beast::get_lowest_layer(stream_).close();
}

}  // namespace gadehold::net
