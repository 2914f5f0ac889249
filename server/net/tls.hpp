#pragma once
// The server's TLS settings: TLS 1.2+ with Mozilla's "intermediate" cipher list.
#include <memory>
#include <string>

#include "server/net/beast.hpp"

namespace gadehold::net {

// Loads the PEM chain and key. Throws core::UsageError naming the bad file.
std::unique_ptr<ssl::context> make_tls_context(const std::string& cert_file, const std::string& key_file);

}  // namespace gadehold::net
