#pragma once
// Numbered schema migrations. Each runs in its own BEGIN IMMEDIATE ... COMMIT together
// with `PRAGMA user_version = N`, so a crash or failure leaves the database at N-1.
#include <string_view>
#include <vector>

#include "server/store/sqlite/connection.hpp"

namespace gadehold::store {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// The migrations compiled from schema/*.sql, in order.
const std::vector<Migration>& embedded_migrations();

// The database's schema version is newer than this binary knows.
class SchemaTooNew : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

int schema_version(Connection& conn);
int latest_version(const std::vector<Migration>& migrations);

// Applies every migration newer than the database's user_version. Returns the number
// applied. Throws SchemaTooNew, or SqliteError naming the failed migration.
int migrate(Connection& conn, const std::vector<Migration>& migrations);

}  // namespace gadehold::store
