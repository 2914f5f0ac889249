#pragma once
// P-256 keys over OpenSSL 3's EVP interface, in the encodings Web Push uses: the 65-byte
// uncompressed point (SEC 1) and the 32-byte private scalar. Shared by VAPID (ES256) and
// message encryption (ECDH).
#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

namespace gadehold::core {

struct EvpKeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using P256Key = std::unique_ptr<EVP_PKEY, EvpKeyFree>;

inline constexpr std::size_t kP256PointSize = 65;  // 0x04 || x || y
inline constexpr std::size_t kP256ScalarSize = 32;

// Bytes that are overwritten when they go out of scope: derived keys and secrets.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::string bytes) : bytes_(std::move(bytes)) {}
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  // Moving wipes the source too: a moved-from short std::string keeps its bytes in place.
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  ~SecretBytes();
  const std::string& bytes() const { return bytes_; }
  std::string& bytes() { return bytes_; }

 private:
  std::string bytes_;
};

// A new random key pair. Throws std::runtime_error if OpenSSL fails.
P256Key p256_generate();

// The key pair for a private scalar (big-endian, 32 bytes); an empty pointer when the
// bytes are not a valid scalar (wrong length, zero, or not below the group order).
P256Key p256_from_scalar(std::string_view scalar);

// A public key from an uncompressed point; empty when the bytes are not one (wrong length,
// no 0x04 prefix, or not on the curve).
P256Key p256_from_point(std::string_view point);

// The uncompressed public point (65 bytes) and the private scalar (32 bytes, secret).
std::string p256_point(EVP_PKEY* key);
SecretBytes p256_scalar(EVP_PKEY* key);

// ECDH: the x coordinate of the shared point (32 bytes, secret).
SecretBytes p256_shared_secret(EVP_PKEY* own, EVP_PKEY* peer);

// HMAC-SHA-256 (32 bytes), the building block of HKDF in RFC 8291.
SecretBytes hmac_sha256(std::string_view key, std::string_view message);

}  // namespace gadehold::core
