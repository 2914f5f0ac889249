#pragma once
// A SQLite VFS for the checkpoint thread's connection: it flushes the database file
// after every 256 KiB that a checkpoint copies into it, instead of only once at the end.
//
// A checkpoint copies about a thousand pages (4 MiB) back into the database file and
// then flushes the file. That one flush kept the disk busy for several milliseconds
// (fdatasync p90 8.6 ms at 10,000 check-ins a second), and every commit that flushed the
// WAL meanwhile waited behind it: the writer's fdatasync took 1.9 ms at the median while
// it overlapped one, against 0.14 ms otherwise (docs/performance.md, "Checkpoints").
// Flushing in slices keeps what the disk has to take at any moment small, so a commit
// never waits for a whole checkpoint. PostgreSQL's checkpoint_flush_after does the same.
//
// Flushing more often never weakens durability: SQLite still flushes the WAL before it
// copies and the whole database file before it records the copy as done. A failed
// flush fails the write that triggered it, and with it the checkpoint, which SQLite
// then leaves unrecorded, as after any failed write.
//
// Only the main database file is wrapped; the WAL, the shared memory and journals are
// the default VFS's own files.
#include <cstdint>

namespace gadehold::store {

// Bytes a checkpoint copies into the database file between two flushes.
inline constexpr std::int64_t kCheckpointSyncEveryBytes = 256 * 1024;

// The VFS's name, registered on first use; never the process's default VFS.
const char* paced_checkpoint_vfs();

}  // namespace gadehold::store
