#include "server/store/database.hpp"

#include <sqlite3.h>

#include <filesystem>

#include "server/store/migrations.hpp"

namespace gadehold::store {

void configure_for_writing(Connection& conn) {
  conn.exec(
      "PRAGMA journal_mode = WAL;"
      "PRAGMA synchronous = FULL;"
      "PRAGMA foreign_keys = ON;"
      // The writer inserts at random places in several B-trees (random ids); with the
      // default 2 MiB cache most of those pages are read back from the OS on every
      // batch. 64 MiB keeps the hot pages of a year's data in process. (The walk over
      // the whole cache that SQLite made at commits after a page split is skipped:
      // page_cache.hpp. Before that, 16 MiB did not lower p99 at half the peak beyond
      // the noise, and cost 3-7 % at the peak: docs/performance.md.)
      "PRAGMA cache_size = -65536;"
      // The writer runs each write under its own savepoint, so SQLite copies every page
      // that an earlier write of the batch already changed into a statement journal
      // before changing it again. In memory that is a memcpy; in a temporary file it
      // was a pwrite per page and half the writer's time (docs/performance.md).
      "PRAGMA temp_store = MEMORY;");
}

void grow_in_chunks(Connection& conn) {
  int bytes = kDatabaseChunkBytes;
  sqlite3_file_control(conn.handle(), "main", SQLITE_FCNTL_CHUNK_SIZE, &bytes);
}

void create_database(const std::string& path, int busy_timeout_ms) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    throw DatabaseFileError("database '" + path + "' already exists");
  }
  Connection conn(path, Connection::Mode::read_write_create, busy_timeout_ms, Connection::Vfs::gathered_wal);
  configure_for_writing(conn);
  migrate(conn, embedded_migrations());
}

Connection open_existing(const std::string& path, int busy_timeout_ms) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw DatabaseFileError("database '" + path + "' does not exist; create it with `gadehold init --db " +
                            path + "`");
  }
  Connection conn(path, Connection::Mode::read_write, busy_timeout_ms, Connection::Vfs::gathered_wal);
  configure_for_writing(conn);
  return conn;
}

Database::Database(const Options& options) : path_(options.path) {
  Connection conn = open_existing(options.path, options.busy_timeout_ms);
  migrate(conn, embedded_migrations());
  schema_version_ = store::schema_version(conn);
  grow_in_chunks(conn);
  writer_ = std::make_unique<Writer>(
      std::move(conn),
      std::make_unique<Checkpointer>(options.path, options.busy_timeout_ms, options.wal_autocheckpoint_pages));
  readers_ = std::make_unique<ReaderPool>(options.path, options.readers, options.busy_timeout_ms);
}

Database::~Database() { stop(); }

void Database::stop() {
  if (writer_) writer_->stop();
}

}  // namespace gadehold::store
