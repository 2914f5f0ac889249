#include "server/core/push_keys.hpp"

#include "server/core/tokens.hpp"

namespace gadehold::core {

namespace {

std::optional<std::string> decode_point(std::string_view p256dh, std::string& point, P256Key& key) {
  auto bytes = base64url_decode(p256dh);
  if (!bytes) return "p256dh is not base64url without padding";
  if (bytes->size() != kP256PointSize || (*bytes)[0] != '\x04') {
    return "p256dh is not an uncompressed P-256 point (65 bytes starting with 0x04)";
  }
  key = p256_from_point(*bytes);
  if (!key) return "p256dh is not a point on the P-256 curve";
  point = std::move(*bytes);
  return std::nullopt;
}

std::optional<std::string> decode_auth(std::string_view auth, SecretBytes& out) {
  auto bytes = base64url_decode(auth);
  if (!bytes) return "auth is not base64url without padding";
  SecretBytes secret(std::move(*bytes));
  if (secret.bytes().size() != kPushAuthSize) {
    return "auth must be 16 bytes, not " + std::to_string(secret.bytes().size());
  }
  out = std::move(secret);
  return std::nullopt;
}

}  // namespace

std::optional<std::string> p256dh_problem(std::string_view p256dh) {
  std::string point;
  P256Key key;
  return decode_point(p256dh, point, key);
}

std::optional<std::string> auth_problem(std::string_view auth) {
  SecretBytes secret;
  return decode_auth(auth, secret);
}

std::optional<std::string> push_keys_problem(const PushSubscriptionKeys& keys) {
  PushReceiverKeys receiver;
  return decode_push_keys(keys, receiver);
}

std::optional<std::string> decode_push_keys(const PushSubscriptionKeys& keys, PushReceiverKeys& out) {
  PushReceiverKeys decoded;
  if (auto problem = decode_point(keys.p256dh, decoded.point, decoded.key)) return problem;
  if (auto problem = decode_auth(keys.auth, decoded.auth)) return problem;
  out = std::move(decoded);
  return std::nullopt;
}

}  // namespace gadehold::core
