// Secrets and their encodings.
#include <doctest/doctest.h>

#include <regex>
#include <set>

#include "server/core/tokens.hpp"

using namespace gadehold;

TEST_CASE("invite codes carry 140 bits in seven dash-separated groups of Crockford base32") {
  std::set<std::string> seen;
  static const std::regex shape("^([0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{4}$");
  for (int i = 0; i < 200; ++i) {
    auto code = core::new_invite_code();
    CHECK(std::regex_match(code, shape));
    seen.insert(code);
  }
  CHECK(seen.size() == 200);
}

TEST_CASE("typed invite codes are case-, dash- and look-alike-insensitive") {
  const auto code = core::new_invite_code();
  const auto canonical = core::normalize_invite_code(code);
  REQUIRE(canonical.has_value());
  std::string lower = code;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  CHECK(core::normalize_invite_code(lower) == canonical);
  std::string no_dashes;
  for (char c : code) {
    if (c != '-') no_dashes.push_back(c);
  }
  CHECK(core::normalize_invite_code(no_dashes) == canonical);
  CHECK(core::normalize_invite_code("0000-1111-2222-3333-4444-5555-6666") ==
        core::normalize_invite_code("oooo-iiii-2222-3333-4444-5555-6666"));
  CHECK(core::normalize_invite_code("1111-1111-1111-1111-1111-1111-1111") ==
        core::normalize_invite_code("LLLL-llll-iiii-IIII-1111-1111-1111"));
  CHECK_FALSE(core::normalize_invite_code("ABCD").has_value());                                // too short
  CHECK_FALSE(core::normalize_invite_code(code + "-A").has_value());                           // too long
  CHECK_FALSE(core::normalize_invite_code("UUUU-UUUU-UUUU-UUUU-UUUU-UUUU-UUUU").has_value());  // U is not Crockford
  CHECK_FALSE(core::normalize_invite_code("").has_value());
}

TEST_CASE("device tokens are 256 random bits in base64url") {
  static const std::regex shape("^[A-Za-z0-9_-]{43}$");
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto token = core::new_device_token();
    CHECK(std::regex_match(token, shape));
    seen.insert(token);
  }
  CHECK(seen.size() == 100);
}

TEST_CASE("base64url and sha256 match their published test vectors") {
  CHECK(core::base64url("") == "");
  CHECK(core::base64url("f") == "Zg");
  CHECK(core::base64url("fo") == "Zm8");
  CHECK(core::base64url("foo") == "Zm9v");
  CHECK(core::base64url("foob") == "Zm9vYg");
  CHECK(core::base64url(std::string("\xfb\xff", 2)) == "-_8");
  // SHA-256("abc"), FIPS 180-2 appendix B.1
  CHECK(core::base64url(core::sha256("abc")) == "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
}

TEST_CASE("base64url decoding inverts encoding and refuses every other spelling") {
  for (std::size_t n = 0; n <= 70; ++n) {
    const auto bytes = core::random_bytes(n);
    CAPTURE(n);
    CHECK(core::base64url_decode(core::base64url(bytes)) == bytes);
  }
  CHECK(core::base64url_decode("") == "");
  CHECK(core::base64url_decode("Zm9vYg") == "foob");
  CHECK(core::base64url_decode("-_8") == std::string("\xfb\xff", 2));
  CHECK_FALSE(core::base64url_decode("Zm9vYg==").has_value());  // padding
  CHECK_FALSE(core::base64url_decode("Zg=").has_value());
  CHECK_FALSE(core::base64url_decode("+/8").has_value());  // base64, not base64url
  CHECK_FALSE(core::base64url_decode("Zm9v Yg").has_value());
  CHECK_FALSE(core::base64url_decode("Zm9vY").has_value());  // 4n+1 characters cannot be bytes
  CHECK_FALSE(core::base64url_decode("Zh").has_value());     // "f" with non-zero unused bits
  CHECK_FALSE(core::base64url_decode("Zm9=").has_value());
}

TEST_CASE("ids carry their kind and 128 random bits") {
  auto a = core::new_id("team");
  auto b = core::new_id("team");
  CHECK(a.rfind("team_", 0) == 0);
  CHECK(a.size() == 5 + 26);
  CHECK(a != b);
}

TEST_CASE("ordered ids sort by their time and keep 80 random bits") {
  const std::int64_t t = 1'790'000'000'000;  // 2026
  auto a = core::new_ordered_id("chk", t);
  auto b = core::new_ordered_id("chk", t);
  auto later = core::new_ordered_id("chk", t + 1);
  auto much_later = core::new_ordered_id("chk", t + 86'400'000LL * 365 * 30);
  CHECK(a.rfind("chk_", 0) == 0);
  CHECK(a.size() == 4 + 26);
  CHECK(a != b);
  CHECK(a.substr(0, 14) == b.substr(0, 14));  // same millisecond, same time digits
  CHECK(a.substr(0, 14) < later.substr(0, 14));
  CHECK(later < much_later);
  CHECK(a.find_first_not_of("0123456789abcdefghjkmnpqrstvwxyz", 4) == std::string::npos);
}
