#pragma once
// The store as the server uses it: a migrated database file, its writer thread and its
// pool of readers.
#include <memory>
#include <string>

#include "server/store/engine/pragmas.hpp"
#include "server/store/engine/reader_pool.hpp"
#include "server/store/engine/writer.hpp"

namespace gadehold::store {

// The database file is missing, or exists where it must not.
class DatabaseFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Creates a new database at `path` and applies every migration. Throws
// DatabaseFileError if the file already exists.
void create_database(const std::string& path, int busy_timeout_ms);

// Opens an existing database for read-write use by a CLI command (not the server).
Connection open_existing(const std::string& path, int busy_timeout_ms);

class Database {
 public:
  struct Options {
    std::string path;
    int busy_timeout_ms = 5000;
    unsigned readers = 4;
    // WAL size in pages at which the checkpoint thread starts copying it back into the
    // database file (SQLite's own threshold is 1000).
    unsigned wal_autocheckpoint_pages = 1000;
  };

  // Opens an existing database, applies pending migrations and starts the writer.
  // Throws DatabaseFileError, SchemaTooNew or SqliteError.
  explicit Database(const Options& options);
  ~Database();

  Writer& writer() { return *writer_; }
  ReaderPool& readers() { return *readers_; }
  int schema_version() const { return schema_version_; }
  const std::string& path() const { return path_; }
  // Stops the readers (dropping the reads still queued), drains the writer and
  // checkpoints. Idempotent.
  void stop();

 private:
  std::string path_;
  int schema_version_ = 0;
  std::unique_ptr<Writer> writer_;
  std::unique_ptr<ReaderPool> readers_;
};

}  // namespace gadehold::store
