#pragma once
// The plain HTTP endpoints served on the WebSocket port.
#include "server/net/beast.hpp"
#include "server/net/shared_state.hpp"

namespace gadehold::net {

inline constexpr std::string_view kWebSocketPath = "/v1/ws";

// The path of a request target without its query string.
std::string_view target_path(std::string_view target);

// GET /healthz, GET /metrics, the calendar feeds, the dashboard, and 404 for anything else.
http::response<http::string_body> route(const http::request<http::empty_body>& request,
                                        SharedState& shared);

// The Content-Security-Policy of every response: the dashboard loads nothing from elsewhere.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// Sets the headers every response of the server carries: the CSP above, no framing, no
// referrer, no sniffing, its own browsing context group, and no geolocation, camera or
// microphone.
void set_security_headers(http::fields& fields);

// Whether an If-None-Match value names `etag` (RFC 9110 13.1.2: weak comparison, W/ ignored).
bool etag_matches(std::string_view if_none_match, std::string_view etag);

// A response for a request that could not be parsed; the connection closes after it.
http::response<http::string_body> bad_request(unsigned version, http::status status);

// The address a request came from: the peer, or the rightmost X-Forwarded-For entry
// when the server is configured to sit behind a proxy that appends it.
std::string client_address(const http::request<http::empty_body>& request,
                           const std::string& peer, bool behind_proxy);

}  // namespace gadehold::net
