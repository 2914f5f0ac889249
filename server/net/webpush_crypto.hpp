#pragma once
// Web Push message encryption (RFC 8291) in the aes128gcm content coding (RFC 8188): the
// body a push service carries to a phone without being able to read it.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/core/push_keys.hpp"

namespace gadehold::net {

// The record size announced in the header; every message is one record, shorter than this.
inline constexpr std::uint32_t kPushRecordSize = 4096;
// salt (16) | rs (4, big-endian) | idlen (1) | keyid: the sender's public point (65).
inline constexpr std::size_t kPushHeaderSize = 86;
// A push service need accept no more than 4096 bytes of body (RFC 8030 section 7.2). Less
// the header (86), the padding delimiter (1) and the AES-GCM tag (16), that leaves
// 4096 - 86 - 1 - 16 = 3993 bytes of plaintext (RFC 8291 section 4).
inline constexpr std::size_t kMaxPushPlaintext = 3993;

// The keys and their check live in core/ (the handler that stores a subscription checks
// them too); they keep their names here.
using core::push_keys_problem;
using core::PushSubscriptionKeys;

// The complete body of one push message for `plaintext`, under a fresh ephemeral key and
// a fresh random salt. Throws std::invalid_argument (the message as push_keys_problem's,
// or naming the plaintext's length) on bad keys or a plaintext over kMaxPushPlaintext.
std::string encrypt_push_message(const PushSubscriptionKeys& keys, std::string_view plaintext);

// The sender's ephemeral secrets, given rather than drawn: only for reproducing RFC 8291's
// worked example. Reusing them across messages would break the scheme.
struct PushSenderSecrets {
  std::string_view private_scalar;  // 32 bytes, big-endian
  std::string_view salt;            // 16 bytes
};
std::string encrypt_push_message(const PushSubscriptionKeys& keys, std::string_view plaintext,
                                 const PushSenderSecrets& sender);

}  // namespace gadehold::net
