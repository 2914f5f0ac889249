#include "server/store/engine/migrations.hpp"

#include <spdlog/spdlog.h>

#include "server/store/sqlite/transaction.hpp"

namespace gadehold::store {

int schema_version(Connection& conn) { return static_cast<int>(conn.query_int("PRAGMA user_version")); }

int latest_version(const std::vector<Migration>& migrations) {
  return migrations.empty() ? 0 : migrations.back().version;
}

int migrate(Connection& conn, const std::vector<Migration>& migrations) {
  const int current = schema_version(conn);
  const int latest = latest_version(migrations);
  if (current > latest) {
    throw SchemaTooNew("database schema version " + std::to_string(current) +
                       " is newer than this gadehold supports (" + std::to_string(latest) +
                       "); upgrade gadehold");
  }
  int applied = 0;
  for (const auto& m : migrations) {
    if (m.version <= current) continue;
    Transaction tx(conn);
    // Another process may have migrated while we waited for the lock.
    if (schema_version(conn) >= m.version) continue;
    try {
      conn.exec(m.sql);
      conn.exec("PRAGMA user_version = " + std::to_string(m.version));
    } catch (const SqliteError& e) {
      throw SqliteError(e.code(), "migration " + std::to_string(m.version) + " (" + std::string(m.name) +
                                      ") failed: " + e.what());
    }
    tx.commit();
    spdlog::info("applied migration {} ({})", m.version, m.name);
    ++applied;
  }
  return applied;
}

}  // namespace gadehold::store
