// RegisterPush and UnregisterPush. The endpoint identifies the phone to whoever reads it,
// and the keys are the phone's: none of them is ever logged or put in an error message.
#include "server/app/push/push.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "server/app/commit.hpp"
#include "server/core/address_ranges.hpp"
#include "server/core/push_keys.hpp"

namespace gadehold::app::push {

namespace {

constexpr std::string_view kScheme = "https://";

core::Refusal endpoint_invalid(std::string message) {
  return core::Refusal(core::Reason::PUSH_ENDPOINT_INVALID, std::move(message), "endpoint",
                       {{"max_bytes", std::to_string(kMaxEndpointBytes)}});
}

// The address a host names without DNS: an IPv4 or IPv6 literal, or one of the other
// forms the resolver also reads as IPv4 (inet_aton: "127.1", "2130706433", "0x7f.1").
std::optional<boost::asio::ip::address> address_literal(std::string_view host) {
  boost::system::error_code not_literal;
  const auto address = boost::asio::ip::make_address(std::string(host), not_literal);
  if (!not_literal) return address;
  in_addr v4{};
  if (::inet_aton(std::string(host).c_str(), &v4) != 0) {
    return boost::asio::ip::address_v4(ntohl(v4.s_addr));
  }
  return std::nullopt;
}

bool is_ipv6_literal(std::string_view text) {
  boost::system::error_code not_v6;
  boost::asio::ip::make_address_v6(std::string(text), not_v6);
  return !not_v6 && text.find('%') == std::string_view::npos;  // no zone id
}

// A host name as DNS carries it (RFC 1123): labels of 1 to 63 letters, digits and '-',
// at most 253 characters; no percent-encoding, no Unicode, no trailing dot. IPv4 in any
// form the resolver reads also passes, and is checked as an address.
bool is_dns_name(std::string_view host) {
  if (host.size() > 253) return false;
  std::size_t label = 0;
  for (const char c : host) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok || ++label > 63) return false;
  }
  return label > 0;
}

bool starts_with_scheme(std::string_view url) {
  return url.size() >= kScheme.size() &&
         std::equal(kScheme.begin(), kScheme.end(), url.begin(),
                    [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
}

// An https:// URL with a host (and optionally a port), no user name or password, no
// fragment, no spaces or control characters, at most kMaxEndpointBytes; unless
// `allow_private`, its host is not an address literal that is loopback, private or
// link-local (a name that resolves to one is refused when sending).
void check_endpoint(std::string_view url, bool allow_private) {
  if (url.empty()) throw core::Refusal(core::Reason::REQUIRED, "endpoint is required", "endpoint");
  if (url.size() > kMaxEndpointBytes) throw endpoint_invalid("endpoint is longer than 2048 bytes");
  if (!starts_with_scheme(url)) throw endpoint_invalid("endpoint must be an https:// URL");
  if (std::any_of(url.begin(), url.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u == 0x7f;
      })) {
    throw endpoint_invalid("endpoint must not contain spaces or control characters");
  }
  if (url.find('#') != std::string_view::npos) throw endpoint_invalid("endpoint must not have a fragment");
  const auto rest = url.substr(kScheme.size());
  const auto authority = rest.substr(0, rest.find_first_of("/?"));
  if (authority.find('@') != std::string_view::npos) {
    throw endpoint_invalid("endpoint must not carry a user name or password");
  }
  // host[:port], the host possibly an IPv6 literal in brackets.
  auto host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) throw endpoint_invalid("endpoint has no valid host");
    host = authority.substr(0, close + 1);
    const auto after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') throw endpoint_invalid("endpoint has no valid host");
    if (!after.empty()) port = after.substr(1);
    if (host.size() <= 2) throw endpoint_invalid("endpoint has no host");
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) throw endpoint_invalid("endpoint has no valid host");
  }
  if (host.empty()) throw endpoint_invalid("endpoint has no host");
  const bool bracketed = host.front() == '[';
  const auto literal = bracketed ? host.substr(1, host.size() - 2) : host;
  if (bracketed ? !is_ipv6_literal(literal) : !is_dns_name(host)) {
    throw endpoint_invalid(
        "endpoint's host must be a DNS name of letters, digits, '-' and '.' (an IDN in its xn-- form), "
        "an IPv4 address or an IPv6 address in brackets");
  }
  if (!allow_private) {
    const auto address = address_literal(literal);
    if (address && !core::is_public_address(*address)) {
      throw endpoint_invalid(
          "endpoint must be on a public address, not a loopback, private or link-local one");
    }
  }
  if (authority.size() != host.size()) {
    const bool port_ok = !port.empty() && port.size() <= 5 &&
                         std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
                         std::stoi(std::string(port)) >= 1 && std::stoi(std::string(port)) <= 65535;
    if (!port_ok) throw endpoint_invalid("endpoint has an invalid port");
  }
}

// Browsers' PushSubscription.toJSON() gives base64url without padding; some libraries pad
// it. The padding carries nothing, so it is removed rather than refused.
std::string without_padding(std::string_view key) {
  while (!key.empty() && key.back() == '=') key.remove_suffix(1);
  return std::string(key);
}

std::string checked_key(std::string_view given, const char* field,
                        std::optional<std::string> (*problem)(std::string_view)) {
  if (given.empty()) throw core::Refusal(core::Reason::REQUIRED, std::string(field) + " is required", field);
  auto key = without_padding(given);
  if (auto why = problem(key)) throw core::Refusal(core::Reason::PUSH_KEY_INVALID, *why, field);
  return key;
}

}  // namespace

store::PushSubscription checked_subscription(const v1::RegisterPush& req, bool allow_private) {
  check_endpoint(req.endpoint(), allow_private);
  store::PushSubscription sub;
  sub.endpoint = req.endpoint();
  sub.p256dh = checked_key(req.p256dh(), "p256dh", core::p256dh_problem);
  sub.auth = checked_key(req.auth(), "auth", core::auth_problem);
  return sub;
}

void register_push(const Services& s, RequestPtr request) {
  auto sub = checked_subscription(request->message.register_push(), s.config.push_allow_private_endpoints);
  const auto now = s.clock.now_ms();
  struct Registered {
    std::string device_id;
    bool unchanged = false;
  };
  commit_then<Registered>(
      s, request,
      [sub = std::move(sub), now](store::Connection& c, const Principal& caller) {
        auto row = sub;
        row.device_id = caller.device_id;
        const auto old = store::push_subscription(c, caller.device_id);
        const bool unchanged =
            old && old->endpoint == row.endpoint && old->p256dh == row.p256dh && old->auth == row.auth;
        if (!unchanged) store::save_push_subscription(c, row, now);
        return Registered{caller.device_id, unchanged};
      },
      [](Request& r, Registered& done) { r.ack(done.device_id, done.unchanged); });
}

void unregister_push(const Services& s, RequestPtr request) {
  struct Unregistered {
    std::string device_id;
    bool deleted = false;
  };
  commit_then<Unregistered>(
      s, request,
      [](store::Connection& c, const Principal& caller) {
        return Unregistered{caller.device_id, store::delete_push_subscription(c, caller.device_id)};
      },
      [](Request& r, Unregistered& done) { r.ack(done.device_id, !done.deleted); });
}

}  // namespace gadehold::app::push
