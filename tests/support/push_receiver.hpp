#pragma once
// The phone's side of Web Push (RFC 8291 / RFC 8188 decryption), written here with
// OpenSSL calls alone and none of server/net's code, so a test that encrypts with the
// server and decrypts with this compares two implementations.
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gadehold::test {

class PushReceiver {
 public:
  // A fresh subscription: a new P-256 key pair and a random 16-byte auth secret.
  static PushReceiver generate() {
    PushReceiver r;
    r.key_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (!r.key_) throw std::runtime_error("keygen failed");
    r.point_ = exported_point(r.key_.get());
    r.auth_.resize(16);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(r.auth_.data()), 16) != 1) {
      throw std::runtime_error("RAND_bytes failed");
    }
    return r;
  }

  // A known subscription (RFC 8291's example): scalar, its point and the auth secret.
  static PushReceiver known(std::string_view scalar, std::string_view point, std::string_view auth) {
    PushReceiver r;
    r.key_ = import(point, scalar);
    r.point_ = std::string(point);
    r.auth_ = std::string(auth);
    return r;
  }

  const std::string& public_point() const { return point_; }  // 65 bytes
  const std::string& auth() const { return auth_; }           // 16 bytes
  std::string private_scalar() const {
    BIGNUM* bn = nullptr;
    if (EVP_PKEY_get_bn_param(key_.get(), OSSL_PKEY_PARAM_PRIV_KEY, &bn) != 1)
      throw std::runtime_error("no d");
    std::string out(32, '\0');
    BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), 32);
    BN_clear_free(bn);
    return out;
  }

  // The plaintext of a one-record aes128gcm body, or nullopt if any check fails.
  std::optional<std::string> decrypt(std::string_view body) const {
    if (body.size() < 21) return std::nullopt;
    const auto salt = body.substr(0, 16);
    std::uint32_t rs = 0;
    for (int i = 16; i < 20; ++i) rs = (rs << 8) | static_cast<unsigned char>(body[i]);
    const std::size_t idlen = static_cast<unsigned char>(body[20]);
    if (idlen != 65 || body.size() < 21 + idlen + 17) return std::nullopt;
    const auto sender_point = body.substr(21, idlen);
    const auto record = body.substr(21 + idlen);
    if (rs < 18 || record.size() > rs) return std::nullopt;  // exactly one record

    const auto sender = import(sender_point, {});
    if (!sender) return std::nullopt;
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new(key_.get(), nullptr),
                                                                    &EVP_PKEY_CTX_free);
    std::string ecdh(32, '\0');
    std::size_t len = ecdh.size();
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
        EVP_PKEY_derive_set_peer(ctx.get(), sender.get()) != 1 ||
        EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char*>(ecdh.data()), &len) != 1 || len != 32) {
      return std::nullopt;
    }
    const auto prk_key = hmac(auth_, ecdh);
    const auto ikm =
        hmac(prk_key, std::string("WebPush: info\0", 14) + point_ + std::string(sender_point) + "\x01");
    const auto prk = hmac(salt, ikm);
    const auto cek = hmac(prk, std::string("Content-Encoding: aes128gcm\0\x01", 29)).substr(0, 16);
    const auto nonce = hmac(prk, std::string("Content-Encoding: nonce\0\x01", 25)).substr(0, 12);

    const auto ciphertext = record.substr(0, record.size() - 16);
    std::string tag(record.substr(record.size() - 16));
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> c(EVP_CIPHER_CTX_new(),
                                                                      &EVP_CIPHER_CTX_free);
    std::string plain(ciphertext.size(), '\0');
    int n = 0;
    int tail = 0;
    if (!c || EVP_DecryptInit_ex(c.get(), EVP_aes_128_gcm(), nullptr, bytes(cek), bytes(nonce)) != 1 ||
        EVP_DecryptUpdate(c.get(), reinterpret_cast<unsigned char*>(plain.data()), &n, bytes(ciphertext),
                          static_cast<int>(ciphertext.size())) != 1 ||
        EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_SET_TAG, 16, tag.data()) != 1 ||
        EVP_DecryptFinal_ex(c.get(), reinterpret_cast<unsigned char*>(plain.data()) + n, &tail) != 1) {
      return std::nullopt;
    }
    // RFC 8188 section 2: zero padding after the delimiter, which is 2 in the last record.
    const auto end = plain.find_last_not_of('\0');
    if (end == std::string::npos || plain[end] != '\x02') return std::nullopt;
    plain.resize(end);
    return plain;
  }

 private:
  using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
  PushReceiver() : key_(nullptr, &EVP_PKEY_free) {}

  static const unsigned char* bytes(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
  }

  static std::string hmac(std::string_view key, std::string_view message) {
    std::string out(32, '\0');
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytes(message), message.size(),
         reinterpret_cast<unsigned char*>(out.data()), &len);
    return out;
  }

  static std::string exported_point(EVP_PKEY* key) {
    std::string out(65, '\0');
    std::size_t len = 0;
    if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY,
                                        reinterpret_cast<unsigned char*>(out.data()), out.size(),
                                        &len) != 1 ||
        len != 65) {
      throw std::runtime_error("no public point");
    }
    return out;
  }

  // A public key from its point, or a key pair when the scalar is given too.
  static Key import(std::string_view point, std::string_view scalar) {
    Key key(nullptr, &EVP_PKEY_free);
    OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
    BIGNUM* d = scalar.empty() ? nullptr : BN_bin2bn(bytes(scalar), static_cast<int>(scalar.size()), nullptr);
    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
    if (d != nullptr) OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d);
    OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
    EVP_PKEY* raw = nullptr;
    if (ctx != nullptr && params != nullptr && EVP_PKEY_fromdata_init(ctx) == 1 &&
        EVP_PKEY_fromdata(ctx, &raw, d != nullptr ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) == 1) {
      key.reset(raw);
    }
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    BN_clear_free(d);
    OSSL_PARAM_BLD_free(bld);
    return key;
  }

  Key key_;
  std::string point_;
  std::string auth_;
};

}  // namespace gadehold::test
