// Web Push message encryption (RFC 8291, aes128gcm): the RFC's worked example byte for
// byte, a round trip through an independent decryption, and the inputs it refuses.
#include "server/net/webpush_crypto.hpp"

#include <doctest/doctest.h>

#include <set>
#include <stdexcept>
#include <string>

#include "server/core/tokens.hpp"
#include "support/push_receiver.hpp"

using namespace gadehold;

namespace {

std::string unb64(std::string_view text) {
  auto bytes = core::base64url_decode(text);
  REQUIRE_MESSAGE(bytes.has_value(), "not base64url: ", std::string(text));
  return *bytes;
}

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

// RFC 8291 Appendix A, copied from the RFC (base64url without padding).
namespace rfc8291 {
constexpr std::string_view kPlaintext = "V2hlbiBJIGdyb3cgdXAsIEkgd2FudCB0byBiZSBhIHdhdGVybWVsb24";
constexpr std::string_view kAsPublic =
    "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
constexpr std::string_view kAsPrivate = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
constexpr std::string_view kUaPublic =
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
constexpr std::string_view kUaPrivate = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
constexpr std::string_view kSalt = "DGv6ra1nlYgDCS1FRnbzlw";
constexpr std::string_view kAuth = "BTBZMqHH6r4Tts7J_aSIgg";
// The header (salt, rs = 4096, idlen = 65, keyid = as_public) and the one record.
constexpr std::string_view kHeader =
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_"
    "c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3"
    "jl7A8";
constexpr std::string_view kCiphertext =
    "8pfeW0KbunFT06SuDKoJH9Ql87S1QUrdirN6GcG7sFz1y1sqLgVi1VhjVkHsUoEsbI_0LpXMuGvnzQ";
// Section 5: the whole message as one base64url string.
constexpr std::string_view kBody =
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_"
    "c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3"
    "jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";
}  // namespace rfc8291

net::PushSubscriptionKeys keys_of(const test::PushReceiver& phone) {
  return {core::base64url(phone.public_point()), core::base64url(phone.auth())};
}

}  // namespace

TEST_CASE("push encryption reproduces RFC 8291's worked example byte for byte") {
  using namespace rfc8291;
  const auto plaintext = unb64(kPlaintext);
  REQUIRE(plaintext == "When I grow up, I want to be a watermelon");
  const auto salt = unb64(kSalt);
  const auto scalar = unb64(kAsPrivate);

  const auto body = net::encrypt_push_message({std::string(kUaPublic), std::string(kAuth)}, plaintext,
                                              net::PushSenderSecrets{scalar, salt});
  const auto expected = unb64(kBody);
  REQUIRE(expected.size() == 144);
  CHECK(body.size() == expected.size());
  CHECK(hex(body) == hex(expected));  // hex, so a failure shows which byte differs
  CHECK(core::base64url(body) == kBody);
  CHECK(hex(body.substr(0, net::kPushHeaderSize)) == hex(unb64(kHeader)));
  CHECK(hex(body.substr(net::kPushHeaderSize)) == hex(unb64(kCiphertext)));
  CHECK(body.substr(21, 65) == unb64(kAsPublic));  // the keyid is the sender's public point

  // The test's own receiver, which the round trip below relies on, reads the RFC's body.
  const auto phone = test::PushReceiver::known(unb64(kUaPrivate), unb64(kUaPublic), unb64(kAuth));
  CHECK(phone.decrypt(expected) == plaintext);
  auto tampered = expected;
  tampered[100] = static_cast<char>(tampered[100] ^ 1);
  CHECK_FALSE(phone.decrypt(tampered).has_value());
}

TEST_CASE("push encryption round-trips through the phone's decryption under a fresh key and salt") {
  const auto phone = test::PushReceiver::generate();
  const auto keys = keys_of(phone);
  CHECK_FALSE(net::push_keys_problem(keys).has_value());

  const std::string trailing_zeros("sos\0\0", 5);  // padding is stripped back to the delimiter, not past it
  for (const std::string& plaintext :
       {std::string(), std::string("x"), trailing_zeros,
        std::string(R"({"kind":"sos","alert_id":"alr_1","area":"Søndre havn"})"),
        std::string(net::kMaxPushPlaintext, '\xa5')}) {
    CAPTURE(plaintext.size());
    const auto body = net::encrypt_push_message(keys, plaintext);
    CHECK(body.size() == net::kPushHeaderSize + plaintext.size() + 1 + 16);
    CHECK(hex(body.substr(16, 5)) == "0000100041");  // rs = 4096, idlen = 65
    CHECK(body[21] == '\x04');
    CHECK(phone.decrypt(body) == plaintext);
  }
  // The largest message is exactly what every push service must accept.
  CHECK(net::encrypt_push_message(keys, std::string(net::kMaxPushPlaintext, 'a')).size() == 4096);

  // Every message has its own salt and sender key.
  std::set<std::string> salts;
  std::set<std::string> senders;
  for (int i = 0; i < 20; ++i) {
    const auto body = net::encrypt_push_message(keys, "same text");
    salts.insert(body.substr(0, 16));
    senders.insert(body.substr(21, 65));
  }
  CHECK(salts.size() == 20);
  CHECK(senders.size() == 20);

  // Another subscription cannot read it.
  const auto stranger = test::PushReceiver::generate();
  CHECK_FALSE(stranger.decrypt(net::encrypt_push_message(keys, "for the lead only")).has_value());
}

TEST_CASE("push encryption refuses bad subscription keys and plaintexts that do not fit one message") {
  const auto phone = test::PushReceiver::generate();
  const auto good = keys_of(phone);
  const auto point = phone.public_point();

  // The problem as push_keys_problem says it, and the same text from encrypt_push_message.
  const auto refusal = [](const net::PushSubscriptionKeys& keys, std::string_view plaintext) -> std::string {
    try {
      net::encrypt_push_message(keys, plaintext);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "accepted";
  };
  const auto check_refused = [&](const net::PushSubscriptionKeys& keys, std::string_view why) {
    CAPTURE(why);
    const auto problem = net::push_keys_problem(keys);
    REQUIRE(problem.has_value());
    CHECK(problem->find(why) != std::string::npos);
    CHECK(refusal(keys, "hello") == *problem);
    if (!keys.auth.empty()) CHECK(problem->find(keys.auth) == std::string::npos);  // never the secret
    CHECK(problem->find(keys.p256dh) == std::string::npos);
  };

  SUBCASE("auth of the wrong length") {
    check_refused({good.p256dh, core::base64url(phone.auth().substr(0, 15))},
                  "auth must be 16 bytes, not 15");
    check_refused({good.p256dh, core::base64url(phone.auth() + "!")}, "auth must be 16 bytes, not 17");
    check_refused({good.p256dh, ""}, "auth must be 16 bytes, not 0");
  }
  SUBCASE("a p256dh that is not on the curve") {
    auto off = point;
    off[64] = static_cast<char>(off[64] ^ 1);  // y changed in its last bit: (x, y') is not on P-256
    check_refused({core::base64url(off), good.auth}, "p256dh is not a point on the P-256 curve");
    check_refused({core::base64url(std::string(1, '\x04') + std::string(64, '\0')), good.auth},
                  "p256dh is not a point on the P-256 curve");
  }
  SUBCASE("a p256dh that is not an uncompressed point") {
    auto compressed = point.substr(0, 33);
    compressed[0] = static_cast<char>(0x02 + (static_cast<unsigned char>(point[64]) & 1));
    check_refused({core::base64url(compressed), good.auth}, "not an uncompressed P-256 point");
    auto hybrid = point;
    hybrid[0] = '\x06';
    check_refused({core::base64url(hybrid), good.auth}, "not an uncompressed P-256 point");
    check_refused({core::base64url(point + "x"), good.auth}, "not an uncompressed P-256 point");
  }
  SUBCASE("keys that are not base64url without padding") {
    auto standard = good.p256dh;
    for (auto& c : standard) c = c == '-' ? '+' : c == '_' ? '/' : c;
    if (standard == good.p256dh) standard[10] = '+';
    check_refused({standard, good.auth}, "p256dh is not base64url");
    check_refused({good.p256dh + "=", good.auth}, "p256dh is not base64url");
    check_refused({good.p256dh, good.auth + "=="}, "auth is not base64url");
    check_refused({good.p256dh, "BTBZMqHH6r4Tts7J aSIgg"}, "auth is not base64url");
  }
  SUBCASE("a plaintext over the largest that fits one message") {
    CHECK(net::kMaxPushPlaintext == 4096 - 86 - 1 - 16);
    CHECK(refusal(good, std::string(net::kMaxPushPlaintext + 1, 'a')) ==
          "the plaintext is 3994 bytes, over the 3993 that fit in one push message");
    CHECK(refusal(good, std::string(net::kMaxPushPlaintext, 'a')) == "accepted");
  }
  SUBCASE("a sender key or salt of the wrong size (the fixed-secrets overload)") {
    const auto salt = std::string(16, 's');
    const auto scalar = std::string(32, '\x01');
    CHECK_NOTHROW(net::encrypt_push_message(good, "x", net::PushSenderSecrets{scalar, salt}));
    CHECK_THROWS_AS(net::encrypt_push_message(good, "x", net::PushSenderSecrets{scalar, salt.substr(1)}),
                    std::invalid_argument);
    CHECK_THROWS_AS(net::encrypt_push_message(good, "x", net::PushSenderSecrets{std::string(32, '\0'), salt}),
                    std::invalid_argument);
    CHECK_THROWS_AS(
        net::encrypt_push_message(good, "x", net::PushSenderSecrets{std::string(32, '\xff'), salt}),
        std::invalid_argument);  // above the group order
  }
}
