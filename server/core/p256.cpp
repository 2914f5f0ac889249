#include "server/core/p256.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>

#include <stdexcept>

namespace gadehold::core {

namespace {

struct BnFree {
  void operator()(BIGNUM* bn) const { BN_clear_free(bn); }
};
struct GroupFree {
  void operator()(EC_GROUP* group) const { EC_GROUP_free(group); }
};
struct PointFree {
  void operator()(EC_POINT* point) const { EC_POINT_free(point); }
};
struct CtxFree {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* bld) const { OSSL_PARAM_BLD_free(bld); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* params) const { OSSL_PARAM_free(params); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;
using Group = std::unique_ptr<EC_GROUP, GroupFree>;
using Point = std::unique_ptr<EC_POINT, PointFree>;
using Ctx = std::unique_ptr<EVP_PKEY_CTX, CtxFree>;

const unsigned char* bytes_of(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

Group p256_group() {
  Group group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  if (!group) throw std::runtime_error("OpenSSL has no P-256 group");
  return group;
}

// Builds an EVP_PKEY from OSSL_PARAMs: a public key, or a key pair when `priv` is set.
P256Key from_params(std::string_view point, const BIGNUM* priv) {
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, SN_X9_62_prime256v1, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1 ||
      (priv != nullptr && OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv) != 1)) {
    throw std::runtime_error("OpenSSL could not build P-256 key parameters");
  }
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld.get()));
  Ctx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) {
    throw std::runtime_error("OpenSSL could not set up a P-256 key import");
  }
  EVP_PKEY* key = nullptr;
  const int selection = priv != nullptr ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY;
  if (EVP_PKEY_fromdata(ctx.get(), &key, selection, params.get()) != 1) return {};
  return P256Key(key);
}

}  // namespace

SecretBytes::~SecretBytes() {
  if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept { *this = std::move(other); }

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
    bytes_.swap(other.bytes_);
    if (!other.bytes_.empty()) OPENSSL_cleanse(other.bytes_.data(), other.bytes_.size());
    other.bytes_.clear();
  }
  return *this;
}

P256Key p256_generate() {
  P256Key key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) throw std::runtime_error("OpenSSL could not generate a P-256 key");
  return key;
}

P256Key p256_from_scalar(std::string_view scalar) {
  if (scalar.size() != kP256ScalarSize) return {};
  const auto group = p256_group();
  Bn priv(BN_bin2bn(bytes_of(scalar), static_cast<int>(scalar.size()), nullptr));
  if (!priv) throw std::runtime_error("OpenSSL could not allocate a number");
  if (BN_is_zero(priv.get()) || BN_cmp(priv.get(), EC_GROUP_get0_order(group.get())) >= 0) return {};
  Point pub(EC_POINT_new(group.get()));
  if (!pub || EC_POINT_mul(group.get(), pub.get(), priv.get(), nullptr, nullptr, nullptr) != 1) {
    throw std::runtime_error("OpenSSL could not compute a P-256 public key");
  }
  std::string point(kP256PointSize, '\0');
  if (EC_POINT_point2oct(group.get(), pub.get(), POINT_CONVERSION_UNCOMPRESSED,
                         reinterpret_cast<unsigned char*>(point.data()), point.size(),
                         nullptr) != kP256PointSize) {
    throw std::runtime_error("OpenSSL could not encode a P-256 point");
  }
  return from_params(point, priv.get());
}

P256Key p256_from_point(std::string_view point) {
  if (point.size() != kP256PointSize || point[0] != '\x04') return {};
  // Checked here, not left to the import: a point off the curve is the classic
  // invalid-curve attack on ECDH.
  const auto group = p256_group();
  Point p(EC_POINT_new(group.get()));
  if (!p) throw std::runtime_error("OpenSSL could not allocate a point");
  if (EC_POINT_oct2point(group.get(), p.get(), bytes_of(point), point.size(), nullptr) != 1 ||
      EC_POINT_is_on_curve(group.get(), p.get(), nullptr) != 1 ||
      EC_POINT_is_at_infinity(group.get(), p.get())) {
    return {};
  }
  return from_params(point, nullptr);
}

std::string p256_point(EVP_PKEY* key) {
  std::string point(kP256PointSize, '\0');
  std::size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY,
                                      reinterpret_cast<unsigned char*>(point.data()), point.size(),
                                      &len) != 1 ||
      len != kP256PointSize || point[0] != '\x04') {
    throw std::runtime_error("OpenSSL could not export a P-256 public key");
  }
  return point;
}

SecretBytes p256_scalar(EVP_PKEY* key) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &raw) != 1) {
    throw std::runtime_error("OpenSSL could not export a P-256 private key");
  }
  Bn priv(raw);
  SecretBytes out(std::string(kP256ScalarSize, '\0'));
  if (BN_bn2binpad(priv.get(), reinterpret_cast<unsigned char*>(out.bytes().data()), kP256ScalarSize) !=
      static_cast<int>(kP256ScalarSize)) {
    throw std::runtime_error("OpenSSL could not export a P-256 private key");
  }
  return out;
}

SecretBytes p256_shared_secret(EVP_PKEY* own, EVP_PKEY* peer) {
  Ctx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, own, nullptr));
  std::size_t len = 0;
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer(ctx.get(), peer) != 1 ||
      EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1 || len != kP256ScalarSize) {
    throw std::runtime_error("OpenSSL could not set up ECDH");
  }
  SecretBytes out(std::string(len, '\0'));
  if (EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.bytes().data()), &len) != 1 ||
      len != kP256ScalarSize) {
    throw std::runtime_error("ECDH failed");
  }
  return out;
}

SecretBytes hmac_sha256(std::string_view key, std::string_view message) {
  SecretBytes out(std::string(32, '\0'));
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytes_of(message), message.size(),
           reinterpret_cast<unsigned char*>(out.bytes().data()), &len) == nullptr ||
      len != 32) {
    throw std::runtime_error("HMAC-SHA-256 failed");
  }
  return out;
}

}  // namespace gadehold::core
