#pragma once
// VAPID (RFC 8292): the server's P-256 key, which identifies it to push services, and the
// ES256-signed token that goes with every push.
#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace gadehold::net {

// RFC 8292 section 2: a push service may refuse a token that expires more than 24 h ahead.
inline constexpr std::int64_t kVapidMaxLifetimeS = 24 * 3600;
// The lifetime we give a token unless told otherwise (the push issue asks for at most 12 h).
inline constexpr std::int64_t kVapidDefaultLifetimeS = 12 * 3600;

// Whether `contact` can be the token's `sub`: a mailto: or https: URI.
bool is_vapid_contact(std::string_view contact);

// The origin of a push endpoint, the token's `aud`: "https://host[:port]", scheme and host
// in lower case, the scheme's default port left out. nullopt unless an http(s) URL.
std::optional<std::string> push_endpoint_origin(std::string_view endpoint);

// The server's VAPID key pair. Copies share one immutable key; signing is thread-safe.
class VapidKey {
 public:
  static VapidKey generate();
  // Loads what stored() returned. Throws std::invalid_argument if it is not such a key
  // (the message never contains the text).
  static VapidKey from_stored(std::string_view stored);

  // The private scalar (32 bytes) in base64url, the form the npm web-push tools use:
  // a secret, for the database only.
  std::string stored() const;
  // The uncompressed public point (65 bytes) in base64url: the browsers'
  // applicationServerKey, and the header's k=.
  const std::string& public_key() const { return public_key_; }

  // The JWT for the endpoint's origin: header {"typ":"JWT","alg":"ES256"}, claims aud,
  // exp = now + lifetime and sub = contact, signed as r || s (64 bytes). Throws
  // std::invalid_argument for an endpoint that is not an http(s) URL, a contact that is
  // not mailto:/https:, or a lifetime outside (0, 24 h].
  std::string token(std::string_view endpoint, std::string_view contact, std::int64_t now_ms,
                    std::int64_t lifetime_s = kVapidDefaultLifetimeS) const;

  // The Authorization header's value: "vapid t=<token>, k=<public key>".
  std::string authorization(std::string_view endpoint, std::string_view contact, std::int64_t now_ms,
                            std::int64_t lifetime_s = kVapidDefaultLifetimeS) const;

 private:
  explicit VapidKey(std::shared_ptr<EVP_PKEY> key);

  std::shared_ptr<EVP_PKEY> key_;
  std::string public_key_;
};

}  // namespace gadehold::net
