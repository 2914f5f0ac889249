#include "server/net/tls.hpp"

#include <openssl/ssl.h>

#include "server/core/config.hpp"

namespace gadehold::net {

namespace {
// Mozilla Server Side TLS, "intermediate" configuration (TLS 1.2 part; TLS 1.3 suites
// are OpenSSL's defaults, which match it).
constexpr const char* kIntermediateCiphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";
}  // namespace

std::unique_ptr<ssl::context> make_tls_context(const std::string& cert_file, const std::string& key_file) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                   ssl::context::single_dh_use | ssl::context::no_compression);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  SSL_CTX_set_cipher_list(ctx->native_handle(), kIntermediateCiphers);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(cert_file, ec);
  if (ec) throw core::UsageError("--tls-cert: cannot load '" + cert_file + "': " + ec.message());
  ctx->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) throw core::UsageError("--tls-key: cannot load '" + key_file + "': " + ec.message());
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    throw core::UsageError("--tls-key: does not match --tls-cert");
  }
  return ctx;
}

}  // namespace gadehold::net
