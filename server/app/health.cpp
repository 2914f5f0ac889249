#include "server/app/health.hpp"

#include <spdlog/spdlog.h>

#include "server/store/engine/migrations.hpp"

namespace gadehold::app {

void check_health(const Services& s, std::function<void(Health)> done) {
  auto read = [&db = s.db, done](store::Connection& reader) {
    Health h;
    try {
      h.schema_version = store::schema_version(reader);
      h.database_ok = true;
      h.writes_ok = !db.writer().failing();
    } catch (const store::SqliteError& e) {
      spdlog::warn("health check: database ping failed: {}", e.what());
    }
    done(h);
  };
  if (!s.db.readers().submit(std::move(read), store::ReaderPool::Priority::server)) done(Health{});
}

}  // namespace gadehold::app
