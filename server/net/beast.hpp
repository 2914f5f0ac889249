#pragma once
// Namespace aliases used throughout server/net, as in Beast's own examples.
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

namespace gadehold::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

template <class Stream>
inline constexpr bool is_tls = std::is_same_v<Stream, TlsStream>;

// Holds back (true) or sends at once (false) what is written to the socket: TCP_CORK.
// Best effort: a failure only costs the batching.
void set_tcp_cork(tcp::socket& socket, bool on);

// Logs a failed socket operation unless it is an expected end of a connection.
void fail(beast::error_code ec, const char* what, std::uint64_t connection_id = 0);

}  // namespace gadehold::net
