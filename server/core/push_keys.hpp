#pragma once
// A push subscription's keys (RFC 8291) as the browser gives them, and the checks that
// tell whether a push can be encrypted for them. In core so that the handler that
// stores a subscription (app/) and the encryption (net/) apply the same rules.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "server/core/p256.hpp"

namespace gadehold::core {

inline constexpr std::size_t kPushAuthSize = 16;

// A subscription's keys as the browser gives them (PushSubscription.toJSON().keys).
struct PushSubscriptionKeys {
  std::string p256dh;  // base64url, no padding: the phone's 65-byte uncompressed P-256 point
  std::string auth;    // base64url, no padding: 16 random bytes, a secret
};

// The keys decoded: the point and its key, and the auth secret.
struct PushReceiverKeys {
  std::string point;
  P256Key key;
  SecretBytes auth;
};

// Why p256dh is not an uncompressed P-256 point in base64url, as an English sentence that
// never contains the value; nullopt when it is one.
std::optional<std::string> p256dh_problem(std::string_view p256dh);
// Why auth is not 16 bytes in base64url, likewise.
std::optional<std::string> auth_problem(std::string_view auth);

// Why these keys cannot receive a push (the first of the two above); nullopt when they can.
std::optional<std::string> push_keys_problem(const PushSubscriptionKeys& keys);

// Fills `out` and returns nullopt, or returns what push_keys_problem says.
std::optional<std::string> decode_push_keys(const PushSubscriptionKeys& keys, PushReceiverKeys& out);

}  // namespace gadehold::core
