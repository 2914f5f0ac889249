#include "server/net/http_headers.hpp"

#include "server/core/text.hpp"

namespace gadehold::net {

void set_security_headers(http::fields& fields) {
  fields.set("Content-Security-Policy", kContentSecurityPolicy);
  fields.set(http::field::x_frame_options, "DENY");
  fields.set("Referrer-Policy", "no-referrer");
  fields.set("X-Content-Type-Options", "nosniff");
  fields.set("Cross-Origin-Opener-Policy", "same-origin");
  // The volunteers' app takes the position for each check-in (and an SOS): this origin only.
  fields.set("Permissions-Policy", "geolocation=(self), camera=(), microphone=()");
}

bool etag_matches(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    auto comma = header.find(',');
    auto item = core::trim(header.substr(0, comma));
    if (item.substr(0, 2) == "W/") item.remove_prefix(2);
    if (item == "*" || item == etag) return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace gadehold::net
