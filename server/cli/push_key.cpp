#include "server/cli/push_key.hpp"

#include <spdlog/spdlog.h>

#include <future>

#include "server/net/vapid.hpp"
#include "server/store/push.hpp"

namespace gadehold::cli {

bool create_push_key(store::Connection& conn, std::int64_t now_ms) {
  if (store::vapid_key(conn)) return false;
  const auto key = net::VapidKey::generate();
  return store::save_vapid_key_if_missing(conn, {key.stored(), key.public_key()}, now_ms);
}

void ensure_push_key(store::Database& db, std::int64_t now_ms) {
  auto created = std::make_shared<bool>(false);
  std::promise<core::Status> done;
  auto committed = done.get_future();
  db.writer().submit([created, now_ms](store::Connection& c) { *created = create_push_key(c, now_ms); },
                     [&done](const core::Status& status) { done.set_value(status); });
  const auto status = committed.get();
  // The server still serves without a key (Welcome then carries none); the next start
  // tries again. Refusing to start would also stop alerts to connected leads.
  if (!status.ok()) return spdlog::error("could not store a new push key: {}", status.message);
  if (*created) spdlog::info("created the push key");
}

}  // namespace gadehold::cli
