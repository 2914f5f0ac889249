#include "server/cli/push_key.hpp"

#include <spdlog/spdlog.h>

#include <future>
#include <stdexcept>

#include "server/store/push.hpp"

namespace gadehold::cli {

bool create_push_key(store::Connection& conn, std::int64_t now_ms) {
  if (store::vapid_key(conn)) return false;
  const auto key = net::VapidKey::generate();
  return store::save_vapid_key_if_missing(conn, {key.stored(), key.public_key()}, now_ms);
}

std::optional<net::VapidKey> ensure_push_key(store::Database& db, std::int64_t now_ms) {
  auto created = std::make_shared<bool>(false);
  auto key = std::make_shared<std::optional<store::StoredVapidKey>>();
  std::promise<core::Status> done;
  auto committed = done.get_future();
  db.writer().submit(
      [created, key, now_ms](store::Connection& c) {
        *created = create_push_key(c, now_ms);
        *key = store::vapid_key(c);
      },
      [&done](const core::Status& status) { done.set_value(status); });
  const auto status = committed.get();
  // The server still serves without a key (Welcome then carries none); the next start
  // tries again. Refusing to start would also stop alerts to connected leads.
  if (!status.ok()) {
    spdlog::error("could not store a new push key: {}", status.message);
    return std::nullopt;
  }
  if (*created) spdlog::info("created the push key");
  if (!*key) return std::nullopt;
  try {
    return net::VapidKey::from_stored((*key)->private_key);
  } catch (const std::invalid_argument&) {
    spdlog::error("the stored push key is not a P-256 key; no push is sent (the message names no key)");
    return std::nullopt;
  }
}

}  // namespace gadehold::cli
