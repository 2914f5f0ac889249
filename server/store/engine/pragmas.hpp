#pragma once
// How every read-write connection of the server is set up: the writer's, the checkpoint
// thread's and the command line's.
#include "server/store/sqlite/connection.hpp"

namespace gadehold::store {

// WAL, synchronous=FULL, foreign keys on, the page cache's size, and temporary data in
// memory.
void configure_for_writing(Connection& conn);

// The server's database file grows in steps of this size (SQLITE_FCNTL_CHUNK_SIZE), so
// that a checkpoint seldom changes the file's size: flushing a size change costs the
// flush of the file's metadata as well (docs/performance.md, "Checkpoints").
inline constexpr int kDatabaseChunkBytes = 8 << 20;
void grow_in_chunks(Connection& conn);

}  // namespace gadehold::store
