#pragma once
// The deployment's VAPID key (push to locked phones): made once, kept in the database.
#include <cstdint>
#include <optional>

#include "server/net/vapid.hpp"
#include "server/store/engine/database.hpp"

namespace gadehold::cli {

// Creates the VAPID key unless the database has one, on `conn` inside the caller's
// transaction. True when it was created. The key is never printed or logged.
bool create_push_key(store::Connection& conn, std::int64_t now_ms);

// The same through the server's writer, waiting for the commit: for `serve` on a
// database made before push (init makes the key). Logs "created the push key" when it
// did, and an error (without the key) when the write failed. Returns the database's key,
// or nullopt when it has none that loads.
std::optional<net::VapidKey> ensure_push_key(store::Database& db, std::int64_t now_ms);

}  // namespace gadehold::cli
