#include "server/store/engine/pragmas.hpp"

#include <sqlite3.h>

namespace gadehold::store {

void configure_for_writing(Connection& conn) {
  conn.exec(
      "PRAGMA journal_mode = WAL;"
      "PRAGMA synchronous = FULL;"
      "PRAGMA foreign_keys = ON;"
      // The page cache (SQLite's own, pcache1). The writer changes pages all over
      // several B-trees (client_writes is keyed by random client ids), so the cache must
      // hold what one batch touches: a batch that outgrows it spills changed pages into
      // the WAL before it commits, and pages it reads again come back from the OS. It
      // should not be much larger either: at a commit after a B-tree split, pcache1 walks
      // its whole hash table, which grows with the pages the cache holds, and a steady
      // load of small batches splits a page at almost every commit. 16 MiB balances the
      // two (docs/performance.md, "The page cache").
      "PRAGMA cache_size = -16384;"
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
