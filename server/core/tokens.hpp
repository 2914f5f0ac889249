#pragma once
// Secrets and identifiers: random bytes from OpenSSL, their encodings, and hashing.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gadehold::core {

// Cryptographically random bytes (OpenSSL RAND_bytes). Throws if the RNG fails.
std::string random_bytes(std::size_t n);

// SHA-256 of `input`, as 32 raw bytes.
std::string sha256(std::string_view input);

// RFC 4648 base64url without padding.
std::string base64url(std::string_view bytes);
// The inverse of base64url: nullopt for padding, a character outside the alphabet, an
// impossible length, or unused trailing bits that are not zero (a second spelling of
// the same bytes).
std::optional<std::string> base64url_decode(std::string_view text);

// A device token: 256 random bits, base64url (43 characters).
std::string new_device_token();

// A new opaque id such as "team_3k9x...": a kind prefix and 128 random bits.
std::string new_id(std::string_view prefix);
// An id that sorts by creation time: the prefix, 10 characters of the time in
// milliseconds, then 80 random bits (26 characters in all, like new_id). For rows
// written at high rate whose time is stored beside them anyway (check-ins): new rows
// land at the end of the primary-key index instead of on a random page, so a group
// commit dirties a few pages rather than one per row.
std::string new_ordered_id(std::string_view prefix, std::int64_t now_ms);

// An invite code: 140 random bits in Crockford base32, in 7 groups of 4 separated by
// dashes ("7K2M-...").
std::string new_invite_code();

// Normalises a typed invite code: case- and dash-insensitive, with Crockford's
// look-alikes (I, L -> 1; O -> 0). nullopt when it cannot be a code.
std::optional<std::string> normalize_invite_code(std::string_view typed);

}  // namespace gadehold::core
