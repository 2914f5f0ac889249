// VAPID (RFC 8292): the server's key, its stored form, and the ES256 token a push service
// checks, verified here with OpenSSL's own ECDSA against the published public key.
#include "server/net/vapid.hpp"

#include <doctest/doctest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <boost/json.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "server/core/tokens.hpp"

using namespace gadehold;

namespace {

constexpr std::int64_t kNowMs = 1'790'000'000'123;  // 2026
constexpr std::string_view kContact = "mailto:push-ops@example.org";

std::string unb64(std::string_view text) {
  auto bytes = core::base64url_decode(text);
  REQUIRE_MESSAGE(bytes.has_value(), "not base64url: ", std::string(text));
  return *bytes;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out(1);
  for (char c : s) {
    if (c == sep) {
      out.emplace_back();
    } else {
      out.back().push_back(c);
    }
  }
  return out;
}

// ES256 verification as a push service does it: the public key from k=, r || s turned
// back into DER, then OpenSSL's ECDSA.
bool es256_verifies(std::string_view public_point, std::string_view signing_input, std::string_view raw_sig) {
  if (raw_sig.size() != 64) return false;
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
  OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, public_point.data(), public_point.size());
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* pctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
  EVP_PKEY* key = nullptr;
  EVP_PKEY_fromdata_init(pctx);
  EVP_PKEY_fromdata(pctx, &key, EVP_PKEY_PUBLIC_KEY, params);
  EVP_PKEY_CTX_free(pctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  if (key == nullptr) return false;

  const auto* raw = reinterpret_cast<const unsigned char*>(raw_sig.data());
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(sig, BN_bin2bn(raw, 32, nullptr), BN_bin2bn(raw + 32, 32, nullptr));
  unsigned char* der = nullptr;
  const int der_len = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);

  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = der_len > 0 && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
                  EVP_DigestVerify(ctx, der, static_cast<std::size_t>(der_len),
                                   reinterpret_cast<const unsigned char*>(signing_input.data()),
                                   signing_input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  OPENSSL_free(der);
  EVP_PKEY_free(key);
  return ok;
}

}  // namespace

TEST_CASE("vapid keys round-trip through their stored form and publish the uncompressed point") {
  const auto key = net::VapidKey::generate();
  const auto point = unb64(key.public_key());
  CHECK(point.size() == 65);
  CHECK(point[0] == '\x04');
  const auto stored = key.stored();
  CHECK(stored.size() == 43);  // 32 bytes
  const auto loaded = net::VapidKey::from_stored(stored);
  CHECK(loaded.public_key() == key.public_key());
  CHECK(loaded.stored() == stored);
  CHECK(net::VapidKey::generate().public_key() != key.public_key());

  // A token signed by the loaded key verifies against the original's public key.
  const auto parts = split(loaded.token("https://push.example.net/x", kContact, kNowMs), '.');
  REQUIRE(parts.size() == 3);
  CHECK(es256_verifies(point, parts[0] + "." + parts[1], unb64(parts[2])));

  // A known pair: RFC 8291's application server key (a P-256 scalar and its point).
  CHECK(net::VapidKey::from_stored("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw").public_key() ==
        "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8");

  const std::string order(  // n, the order of P-256's group: one past the largest scalar
      "\xff\xff\xff\xff\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff"
      "\xbc\xe6\xfa\xad\xa7\x17\x9e\x84\xf3\xb9\xca\xc2\xfc\x63\x25\x51",
      32);
  REQUIRE(order.size() == 32);
  for (const auto& bad : {std::string(), std::string("not a key"), core::base64url(std::string(32, '\0')),
                          core::base64url(order), core::base64url(std::string(31, '\x01')), stored + "=",
                          core::base64url(std::string(33, '\x01'))}) {
    CAPTURE(bad);
    try {
      (void)net::VapidKey::from_stored(bad);
      FAIL("accepted");
    } catch (const std::invalid_argument& e) {
      const std::string message = e.what();
      CHECK(message == "the stored VAPID key is not a base64url P-256 private key");
    }
  }
}

TEST_CASE("vapid tokens are ES256 JWTs for the endpoint's origin that verify with the public key") {
  const auto key = net::VapidKey::generate();
  const std::string endpoint = "https://Push.Example.net:8443/wpush/v2/gAAAAABk-3x?ttl=1#frag";

  const auto header = key.authorization(endpoint, kContact, kNowMs);
  REQUIRE(header.rfind("vapid t=", 0) == 0);
  const auto comma = header.find(", k=");
  REQUIRE(comma != std::string::npos);
  CHECK(header.substr(comma + 4) == key.public_key());
  const auto token = header.substr(8, comma - 8);

  const auto parts = split(token, '.');
  REQUIRE(parts.size() == 3);
  CHECK(unb64(parts[0]) == R"({"typ":"JWT","alg":"ES256"})");
  const auto claims = boost::json::parse(unb64(parts[1])).as_object();
  CHECK(claims.size() == 3);
  CHECK(claims.at("aud").as_string() == "https://push.example.net:8443");
  CHECK(claims.at("exp").as_int64() == 1'790'000'000 + 12 * 3600);
  CHECK(claims.at("sub").as_string() == kContact);

  const auto signature = unb64(parts[2]);
  CHECK(signature.size() == 64);
  const auto point = unb64(key.public_key());
  const auto signing_input = parts[0] + "." + parts[1];
  CHECK(es256_verifies(point, signing_input, signature));
  // The check can fail: another key, a changed claim, or a changed signature.
  CHECK_FALSE(es256_verifies(unb64(net::VapidKey::generate().public_key()), signing_input, signature));
  auto forged = signing_input;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  CHECK_FALSE(es256_verifies(point, forged, signature));
  auto bent = signature;
  bent[40] = static_cast<char>(bent[40] ^ 0x10);
  CHECK_FALSE(es256_verifies(point, signing_input, bent));

  // The lifetime is the caller's, up to RFC 8292's 24 hours.
  const auto day = split(key.token(endpoint, kContact, kNowMs, net::kVapidMaxLifetimeS), '.');
  CHECK(boost::json::parse(unb64(day[1])).at("exp").as_int64() == 1'790'000'000 + 24 * 3600);
  CHECK_THROWS_AS(key.token(endpoint, kContact, kNowMs, net::kVapidMaxLifetimeS + 1), std::invalid_argument);
  CHECK_THROWS_AS(key.token(endpoint, kContact, kNowMs, 0), std::invalid_argument);

  // sub must be mailto: or https:; a contact with quotes is escaped, not spliced.
  CHECK_THROWS_AS(key.token(endpoint, "push-ops@example.org", kNowMs), std::invalid_argument);
  CHECK_THROWS_AS(key.token(endpoint, "mailto:", kNowMs), std::invalid_argument);
  const auto quoted = split(key.token(endpoint, R"(https://example.org/"x")", kNowMs), '.');
  CHECK(boost::json::parse(unb64(quoted[1])).at("sub").as_string() == R"(https://example.org/"x")");
  CHECK_THROWS_AS(key.token("push.example.net/x", kContact, kNowMs), std::invalid_argument);
}

TEST_CASE("vapid audience is the push endpoint's origin") {
  const std::vector<std::pair<std::string, std::string>> origins = {
      {"https://fcm.googleapis.com/fcm/send/dUx:APA91b", "https://fcm.googleapis.com"},
      {"https://updates.push.services.mozilla.com:443/wpush/v2/gAAA",
       "https://updates.push.services.mozilla.com"},
      {"HTTPS://Web.Push.Apple.COM:08443/QGx", "https://web.push.apple.com:8443"},
      {"http://127.0.0.1:8080/push/1", "http://127.0.0.1:8080"},
      {"http://127.0.0.1:80/push/1", "http://127.0.0.1"},
      {"https://[::1]:9443/up?x=1", "https://[::1]:9443"},
      {"https://ntfy.example.org?up=1", "https://ntfy.example.org"},
      {"https://ntfy.example.org", "https://ntfy.example.org"},
  };
  for (const auto& pair : origins) {
    const auto& endpoint = pair.first;  // no structured binding: clang 14 refuses one in CAPTURE
    CAPTURE(endpoint);
    CHECK(net::push_endpoint_origin(endpoint) == pair.second);
  }
  for (const std::string endpoint :
       {"ftp://push.example.net/x", "https://", "https:///x", "https://user@push.example.net/x",
        "https://push.example.net:0/x", "https://push.example.net:65536/x", "https://push.example.net:/x",
        "https://push.example.net:44a/x", "https://push example.net/x", "//push.example.net/x",
        "https://[::1/x", "https://[]/x", "https://\"a\"/x", "push.example.net"}) {
    CAPTURE(endpoint);
    CHECK_FALSE(net::push_endpoint_origin(endpoint).has_value());
  }
}
