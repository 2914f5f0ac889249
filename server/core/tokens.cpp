#include "server/core/tokens.hpp"

#include <algorithm>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace gadehold::core {

namespace {
constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::string_view kLowerBase32 = "0123456789abcdefghjkmnpqrstvwxyz";
constexpr std::size_t kInviteChars = 28;  // 28 x 5 = 140 bits

// Encodes the first `chars` 5-bit groups of `bytes` with `alphabet`.
std::string base32(std::string_view bytes, std::size_t chars, std::string_view alphabet) {
  std::string out;
  out.reserve(chars);
  std::uint32_t buffer = 0;
  int bits = 0;
  std::size_t i = 0;
  while (out.size() < chars) {
    if (bits < 5) {
      buffer = (buffer << 8) | static_cast<unsigned char>(i < bytes.size() ? bytes[i] : 0);
      ++i;
      bits += 8;
    }
    out.push_back(alphabet[(buffer >> (bits - 5)) & 31]);
    bits -= 5;
  }
  return out;
}
}  // namespace

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    throw std::runtime_error("the random number generator failed");
  }
  return out;
}

std::string sha256(std::string_view input) {
  std::string out(32, '\0');
  unsigned int len = 0;
  if (EVP_Digest(input.data(), input.size(), reinterpret_cast<unsigned char*>(out.data()), &len,
                 EVP_sha256(), nullptr) != 1 ||
      len != 32) {
    throw std::runtime_error("SHA-256 failed");
  }
  return out;
}

std::string base64url(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    std::uint32_t v = (static_cast<unsigned char>(bytes[i]) << 16) |
                      (static_cast<unsigned char>(bytes[i + 1]) << 8) | static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    if (rest == 2) out.push_back(kAlphabet[(v >> 6) & 63]);
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  const auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
  };
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int v = value(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  if ((buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::string new_device_token() { return base64url(random_bytes(32)); }

std::string new_id(std::string_view prefix) {
  return std::string(prefix) + "_" + base32(random_bytes(16), 26, kLowerBase32);
}

std::string new_ordered_id(std::string_view prefix, std::int64_t now_ms) {
  std::string out(prefix);
  out.push_back('_');
  // 10 base32 digits hold 50 bits; most significant first, so text order is time order.
  const auto t = static_cast<std::uint64_t>(std::max<std::int64_t>(now_ms, 0));
  for (int shift = 45; shift >= 0; shift -= 5) out.push_back(kLowerBase32[(t >> shift) & 31]);
  out += base32(random_bytes(10), 16, kLowerBase32);
  return out;
}

std::string new_invite_code() {
  const auto raw = base32(random_bytes(18), kInviteChars, kCrockford);
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (i > 0 && i % 4 == 0) out.push_back('-');
    out.push_back(raw[i]);
  }
  return out;
}

std::optional<std::string> normalize_invite_code(std::string_view typed) {
  std::string out;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == 'I' || c == 'L') c = '1';
    if (c == 'O') c = '0';
    if (kCrockford.find(c) == std::string_view::npos) return std::nullopt;
    out.push_back(c);
    if (out.size() > kInviteChars) return std::nullopt;
  }
  if (out.size() != kInviteChars) return std::nullopt;
  return out;
}

}  // namespace gadehold::core
