#include "server/store/engine/pragmas.hpp"

#include <sqlite3.h>

namespace gadehold::store {

void configure_for_writing(Connection& conn) {
  conn.exec(
      "PRAGMA journal_mode = WAL;"
      "PRAGMA synchronous = FULL;"
      "PRAGMA foreign_keys = ON;"
      // The writer inserts at random places in several B-trees (random ids); with the
      // default 2 MiB cache most of those pages are read back from the OS on every
      // batch (docs/performance.md, "The page cache").
      "PRAGMA cache_size = -65536;"
      // The writer runs each write under its own savepoint, so SQLite copies every page
      // that an earlier write of the batch already changed into a statement journal
      // before changing it again. In memory that is a memcpy; in a temporary file it is
      // a pwrite per page (docs/performance.md).
      "PRAGMA temp_store = MEMORY;");
}

void grow_in_chunks(Connection& conn) {
  int bytes = kDatabaseChunkBytes;
  sqlite3_file_control(conn.handle(), "main", SQLITE_FCNTL_CHUNK_SIZE, &bytes);
}

}  // namespace gadehold::store
