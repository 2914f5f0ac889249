#include "server/net/push_retry.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>

#include "server/net/vapid.hpp"

namespace gadehold::net {

std::string_view urgency_name(Urgency u) {
  switch (u) {
    case Urgency::very_low:
      return "very-low";
    case Urgency::low:
      return "low";
    case Urgency::normal:
      return "normal";
    case Urgency::high:
      return "high";
  }
  return "normal";
}

bool is_push_topic(std::string_view topic) {
  if (topic.empty() || topic.size() > 32) return false;
  return std::all_of(topic.begin(), topic.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

std::optional<PushTarget> parse_push_endpoint(std::string_view endpoint) {
  constexpr std::string_view scheme = "https://";
  if (endpoint.size() <= scheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    if (static_cast<char>(std::tolower(static_cast<unsigned char>(endpoint[i]))) != scheme[i])
      return std::nullopt;
  }
  for (char c : endpoint) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return std::nullopt;  // no header injection
  }
  const auto rest = endpoint.substr(scheme.size());
  const auto authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) return std::nullopt;
  auto origin = push_endpoint_origin(endpoint);
  if (!origin) return std::nullopt;
  PushTarget t;
  t.origin = *origin;
  std::string_view hostport = std::string_view(t.origin).substr(scheme.size());
  if (!hostport.empty() && hostport.front() == '[') {
    const auto close = hostport.find(']');
    t.host = std::string(hostport.substr(1, close - 1));
    hostport.remove_prefix(close + 1);
  } else {
    const auto colon = hostport.find(':');
    t.host = std::string(hostport.substr(0, colon));
    hostport.remove_prefix(colon == std::string_view::npos ? hostport.size() : colon);
  }
  t.port = hostport.empty() ? "443" : std::string(hostport.substr(1));
  auto path = rest.substr(authority.size());
  path = path.substr(0, path.find('#'));
  // "https://host?q" has the query but no path (push_back: GCC 12 warns falsely on "/").
  if (path.empty() || path.front() != '/') t.target.push_back('/');
  t.target.append(path);
  return t;
}

std::string_view push_result_name(PushResult r) {
  switch (r) {
    case PushResult::delivered:
      return "delivered";
    case PushResult::gone:
      return "gone";
    case PushResult::rejected:
      return "rejected";
    case PushResult::dropped:
      return "dropped";
    case PushResult::expired:
      return "expired";
  }
  return "rejected";
}

PushAnswer classify_push_status(unsigned status) {
  if (status == 200 || status == 201 || status == 202) return PushAnswer::delivered;
  if (status == 404 || status == 410) return PushAnswer::gone;
  if (status == 429 || status >= 500) return PushAnswer::retry;
  return PushAnswer::rejected;
}

std::chrono::milliseconds backoff_delay(const BackoffPolicy& policy, unsigned retry, std::mt19937_64& rng) {
  const auto shift = std::min(retry == 0 ? 0u : retry - 1, 30u);
  const auto ceiling = std::min<std::int64_t>(policy.cap.count(), policy.initial.count() << shift);
  std::uniform_int_distribution<std::int64_t> pick(0, std::max<std::int64_t>(ceiling, 0));
  return std::chrono::milliseconds(pick(rng));
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    std::uint32_t seconds = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec != std::errc{} || end != value.data() + value.size()) seconds = 86400;  // too large: a day
    return std::chrono::milliseconds(std::int64_t{seconds} * 1000);
  }
  // IMF-fixdate, the form RFC 9110 asks senders to use: "Sun, 06 Nov 1994 08:49:37 GMT".
  std::tm tm{};
  const std::string text(value);
  const char* end = ::strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  const auto at = std::chrono::system_clock::from_time_t(::timegm(&tm));
  return std::max(std::chrono::milliseconds(0),
                  std::chrono::duration_cast<std::chrono::milliseconds>(at - now));
}

}  // namespace gadehold::net
