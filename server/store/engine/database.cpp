#include "server/store/engine/database.hpp"

#include <filesystem>

#include "server/store/engine/migrations.hpp"

namespace gadehold::store {

void create_database(const std::string& path, int busy_timeout_ms) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    throw DatabaseFileError("database '" + path + "' already exists");
  }
  Connection conn(path, Connection::Mode::read_write_create, busy_timeout_ms);
  configure_for_writing(conn);
  migrate(conn, embedded_migrations());
}

Connection open_existing(const std::string& path, int busy_timeout_ms) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw DatabaseFileError("database '" + path + "' does not exist; create it with `gadehold init --db " +
                            path + "`");
  }
  Connection conn(path, Connection::Mode::read_write, busy_timeout_ms);
  configure_for_writing(conn);
  return conn;
}

Database::Database(const Options& options) : path_(options.path) {
  Connection conn = open_existing(options.path, options.busy_timeout_ms);
  migrate(conn, embedded_migrations());
  schema_version_ = store::schema_version(conn);
  grow_in_chunks(conn);
  writer_ = std::make_unique<Writer>(std::move(conn),
                                     std::make_unique<Checkpointer>(options.path, options.busy_timeout_ms,
                                                                    options.wal_autocheckpoint_pages));
  readers_ = std::make_unique<ReaderPool>(options.path, options.readers, options.busy_timeout_ms);
}

Database::~Database() { stop(); }

void Database::stop() {
  // Readers first: a read that is running may still hand a write to the writer.
  if (readers_) readers_->stop();
  if (writer_) writer_->stop();
}

}  // namespace gadehold::store
