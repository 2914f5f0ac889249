#include "server/net/webpush_crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

#include "server/core/p256.hpp"
#include "server/core/tokens.hpp"

namespace gadehold::net {

namespace {

constexpr std::size_t kSaltSize = 16;
constexpr std::size_t kKeySize = 16;    // AES-128
constexpr std::size_t kNonceSize = 12;  // AES-GCM
constexpr int kTagSize = 16;
constexpr char kLastRecordDelimiter = '\x02';

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};

using Receiver = core::PushReceiverKeys;

Receiver receiver_or_throw(const PushSubscriptionKeys& keys, std::string_view plaintext) {
  Receiver receiver;
  if (auto problem = core::decode_push_keys(keys, receiver)) throw std::invalid_argument(*problem);
  if (plaintext.size() > kMaxPushPlaintext) {
    throw std::invalid_argument("the plaintext is " + std::to_string(plaintext.size()) + " bytes, over the " +
                                std::to_string(kMaxPushPlaintext) + " that fit in one push message");
  }
  return receiver;
}

// HKDF-Expand for a single block (RFC 5869 with L <= 32): HMAC(prk, info || 0x01).
core::SecretBytes expand(std::string_view prk, std::string info, std::size_t length) {
  info.push_back('\x01');
  auto block = core::hmac_sha256(prk, info);
  OPENSSL_cleanse(block.bytes().data() + length, block.bytes().size() - length);  // resize keeps the tail
  block.bytes().resize(length);
  return block;
}

std::string aes128gcm_seal(std::string_view key, std::string_view nonce, std::string_view record) {
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
  const auto* k = reinterpret_cast<const unsigned char*>(key.data());
  const auto* iv = reinterpret_cast<const unsigned char*>(nonce.data());
  std::string out(record.size() + kTagSize, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  const auto* in = reinterpret_cast<const unsigned char*>(record.data());
  const auto in_len = static_cast<int>(record.size());
  int len = 0;
  int tail = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, k, iv) != 1 ||
      EVP_EncryptUpdate(ctx.get(), o, &len, in, in_len) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), o + len, &tail) != 1 || len + tail != in_len ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, o + in_len) != 1) {
    throw std::runtime_error("AES-128-GCM encryption failed");
  }
  return out;
}

// RFC 8291 section 3.4 and RFC 8188 section 2, for a single record.
std::string seal(const Receiver& receiver, EVP_PKEY* sender, std::string_view salt,
                 std::string_view plaintext) {
  const auto sender_point = core::p256_point(sender);
  const auto ecdh_secret = core::p256_shared_secret(sender, receiver.key.get());

  // The auth secret binds the key to this subscription: IKM = HKDF(auth, ecdh, key_info, 32).
  const auto prk_key = core::hmac_sha256(receiver.auth.bytes(), ecdh_secret.bytes());
  std::string key_info("WebPush: info\0", 14);
  key_info += receiver.point;
  key_info += sender_point;
  const auto ikm = expand(prk_key.bytes(), std::move(key_info), 32);

  const auto prk = core::hmac_sha256(salt, ikm.bytes());
  const auto cek = expand(prk.bytes(), std::string("Content-Encoding: aes128gcm\0", 28), kKeySize);
  const auto nonce = expand(prk.bytes(), std::string("Content-Encoding: nonce\0", 24), kNonceSize);

  // One record, so its sequence number is 0 and the nonce is used as derived.
  core::SecretBytes record{std::string(plaintext)};
  record.bytes().push_back(kLastRecordDelimiter);
  auto ciphertext = aes128gcm_seal(cek.bytes(), nonce.bytes(), record.bytes());

  std::string body;
  body.reserve(kPushHeaderSize + ciphertext.size());
  body.append(salt);
  for (int shift = 24; shift >= 0; shift -= 8) {
    body.push_back(static_cast<char>((kPushRecordSize >> shift) & 0xff));
  }
  body.push_back(static_cast<char>(core::kP256PointSize));
  body += sender_point;
  body += ciphertext;
  return body;
}

}  // namespace

std::string encrypt_push_message(const PushSubscriptionKeys& keys, std::string_view plaintext) {
  const auto receiver = receiver_or_throw(keys, plaintext);
  const auto sender = core::p256_generate();
  const auto salt = core::random_bytes(kSaltSize);
  return seal(receiver, sender.get(), salt, plaintext);
}

std::string encrypt_push_message(const PushSubscriptionKeys& keys, std::string_view plaintext,
                                 const PushSenderSecrets& sender) {
  const auto receiver = receiver_or_throw(keys, plaintext);
  if (sender.salt.size() != kSaltSize) throw std::invalid_argument("the salt must be 16 bytes");
  const auto key = core::p256_from_scalar(sender.private_scalar);
  if (!key) throw std::invalid_argument("the sender's private key is not a P-256 scalar");
  return seal(receiver, key.get(), sender.salt, plaintext);
}

}  // namespace gadehold::net
