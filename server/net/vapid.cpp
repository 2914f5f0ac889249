#include "server/net/vapid.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>

#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <stdexcept>

#include "server/core/p256.hpp"
#include "server/core/tokens.hpp"

namespace gadehold::net {

namespace {

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct SigFree {
  void operator()(ECDSA_SIG* sig) const { ECDSA_SIG_free(sig); }
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && lower(s.substr(0, prefix.size())) == prefix;
}

bool host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_';
}

// ES256 (RFC 7518 section 3.4): ECDSA over SHA-256, as the raw 32-byte r and s. OpenSSL
// gives a DER SEQUENCE of two INTEGERs, which JWS does not use.
std::string es256(EVP_PKEY* key, std::string_view input) {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  std::size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, in, input.size()) != 1) {
    throw std::runtime_error("OpenSSL could not set up ES256 signing");
  }
  std::string der(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &len, in, input.size()) != 1) {
    throw std::runtime_error("ES256 signing failed");
  }
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<ECDSA_SIG, SigFree> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)));
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  if (sig) ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string raw(2 * core::kP256ScalarSize, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  if (!sig || BN_bn2binpad(r, out, core::kP256ScalarSize) != static_cast<int>(core::kP256ScalarSize) ||
      BN_bn2binpad(s, out + core::kP256ScalarSize, core::kP256ScalarSize) !=
          static_cast<int>(core::kP256ScalarSize)) {
    throw std::runtime_error("OpenSSL returned an ES256 signature that does not parse");
  }
  return raw;
}

}  // namespace

bool is_vapid_contact(std::string_view contact) {
  for (std::string_view scheme : {"mailto:", "https://"}) {
    if (starts_with_nocase(contact, scheme) && contact.size() > scheme.size()) return true;
  }
  return false;
}

std::optional<std::string> push_endpoint_origin(std::string_view endpoint) {
  std::string scheme;
  for (std::string_view candidate : {"https://", "http://"}) {
    if (starts_with_nocase(endpoint, candidate)) scheme = candidate.substr(0, candidate.size() - 3);
  }
  if (scheme.empty()) return std::nullopt;
  auto authority = endpoint.substr(scheme.size() + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));

  std::string_view host;
  std::string_view rest;
  if (!authority.empty() && authority[0] == '[') {  // an IPv6 literal
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(0, close + 1);
    rest = authority.substr(close + 1);
    for (char c : host.substr(1, host.size() - 2)) {
      if (std::isxdigit(static_cast<unsigned char>(c)) == 0 && c != ':' && c != '.') return std::nullopt;
    }
    if (host.size() < 3) return std::nullopt;
  } else {
    host = authority.substr(0, authority.find(':'));
    rest = authority.substr(host.size());
    if (host.empty()) return std::nullopt;
    for (char c : host) {
      if (!host_char(c)) return std::nullopt;  // userinfo, spaces, quotes, ...
    }
  }

  std::string origin = scheme + "://" + lower(host);
  if (!rest.empty()) {
    if (rest[0] != ':' || rest.size() == 1) return std::nullopt;
    unsigned port = 0;
    const auto digits = rest.substr(1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc{} || end != digits.data() + digits.size() || port == 0 || port > 65535) {
      return std::nullopt;
    }
    if (port != (scheme == "https" ? 443u : 80u)) origin += ":" + std::to_string(port);
  }
  return origin;
}

VapidKey::VapidKey(std::shared_ptr<EVP_PKEY> key)
    : key_(std::move(key)), public_key_(core::base64url(core::p256_point(key_.get()))) {}

VapidKey VapidKey::generate() {
  return VapidKey(std::shared_ptr<EVP_PKEY>(core::p256_generate().release(), EVP_PKEY_free));
}

VapidKey VapidKey::from_stored(std::string_view stored) {
  auto scalar = core::base64url_decode(stored);
  core::SecretBytes secret(scalar ? std::move(*scalar) : std::string());
  auto key = core::p256_from_scalar(secret.bytes());
  if (!key) throw std::invalid_argument("the stored VAPID key is not a base64url P-256 private key");
  return VapidKey(std::shared_ptr<EVP_PKEY>(key.release(), EVP_PKEY_free));
}

std::string VapidKey::stored() const { return core::base64url(core::p256_scalar(key_.get()).bytes()); }

std::string VapidKey::token(std::string_view endpoint, std::string_view contact, std::int64_t now_ms,
                            std::int64_t lifetime_s) const {
  const auto origin = push_endpoint_origin(endpoint);
  if (!origin) throw std::invalid_argument("the push endpoint is not an http(s) URL");
  if (!is_vapid_contact(contact))
    throw std::invalid_argument("the VAPID contact must be a mailto: or https: URI");
  if (lifetime_s <= 0 || lifetime_s > kVapidMaxLifetimeS) {
    throw std::invalid_argument("a VAPID token must expire within 24 hours");
  }
  boost::json::object claims;
  claims["aud"] = *origin;
  claims["exp"] = now_ms / 1000 + lifetime_s;
  claims["sub"] = contact;
  std::string input = core::base64url(R"({"typ":"JWT","alg":"ES256"})");
  input += '.';
  input += core::base64url(boost::json::serialize(claims));
  const auto signature = es256(key_.get(), input);
  input += '.';
  input += core::base64url(signature);
  return input;
}

std::string VapidKey::authorization(std::string_view endpoint, std::string_view contact, std::int64_t now_ms,
                                    std::int64_t lifetime_s) const {
  return "vapid t=" + token(endpoint, contact, now_ms, lifetime_s) + ", k=" + public_key_;
}

}  // namespace gadehold::net
