#pragma once
// What every HTTP response of the server shares: its security headers, and ETag matching.
#include <string_view>

#include "server/net/beast.hpp"

namespace gadehold::net {

// The Content-Security-Policy of every response: the dashboard loads nothing from elsewhere.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// Sets the headers every response of the server carries: the CSP above, no framing, no
// referrer, no sniffing, its own browsing context group, geolocation for this origin only
// (the volunteers' check-ins), and no camera or microphone.
void set_security_headers(http::fields& fields);

// Whether an If-None-Match value names `etag` (RFC 9110 13.1.2: weak comparison, W/ ignored).
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace gadehold::net
