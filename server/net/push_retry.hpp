#pragma once
// The pure rules of push delivery (RFC 8030): which message is well formed, what a push
// service's answer means, and when to try again. No sockets, so tests need no server.
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace gadehold::net {

// RFC 8030 section 5.2.
enum class Urgency { very_low, low, normal, high };
std::string_view urgency_name(Urgency u);  // "very-low", "low", "normal", "high"

// RFC 8030 section 5.4: a Topic is at most 32 characters of the base64url alphabet.
bool is_push_topic(std::string_view topic);

// Where a push endpoint lives: "https://host[:port]/path?query" split for the client.
struct PushTarget {
  std::string origin;  // the VAPID aud, as push_endpoint_origin gives it
  std::string host;    // without brackets for IPv6; what SNI and the certificate check use
  std::string port;    // "443" unless given
  std::string target;  // path and query: never logged, it identifies the phone
};
// nullopt unless an https URL without user info.
std::optional<PushTarget> parse_push_endpoint(std::string_view endpoint);

// What became of one message.
enum class PushResult { delivered, gone, rejected, dropped, expired };
std::string_view push_result_name(PushResult r);

// How a push service's status code is handled.
enum class PushAnswer { delivered, gone, retry, rejected };
PushAnswer classify_push_status(unsigned status);

// The delay before attempt `retry` (1 for the first retry): full jitter over an
// exponential ceiling, uniform in [0, min(cap, initial * 2^(retry-1))].
struct BackoffPolicy {
  std::chrono::milliseconds initial{1000};
  std::chrono::milliseconds cap{60000};
  std::chrono::milliseconds give_up_after{300000};  // total, from send()
};
std::chrono::milliseconds backoff_delay(const BackoffPolicy& policy, unsigned retry, std::mt19937_64& rng);

// A Retry-After value (RFC 9110 section 10.2.3): delay-seconds or an HTTP-date, as the
// wait from `now`; a date in the past is no wait. nullopt when it is neither.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

}  // namespace gadehold::net
