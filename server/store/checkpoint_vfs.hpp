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
// never waits for a whole checkpoint. PostgreSQL's checkpoint_flush_after does much the
// same (it starts the writeback with sync_file_range; see docs/performance.md for why
// this VFS flushes instead).
//
// Flushing more often never weakens durability, and SQLite's own rules are unchanged:
// it flushes the WAL before a checkpoint copies, and flushes the database file at the
// end of any checkpoint that copied the whole WAL, before the WAL can start over. (A
// pass that copied only part of the WAL records its progress without flushing; the WAL
// keeps those frames until a later checkpoint flushes.) A failed flush fails the write
// that asked for it, and with it the checkpoint, which SQLite then does not record.
// Like SQLite's own final flush, a failed flush can leave the kernel believing that
// pages it could not write are clean; the server logs the failed checkpoint.
//
// Only the main database file is wrapped; the WAL, the shared memory and journals are
// the inner VFS's own files.
#include <cstdint>

namespace gadehold::store {

// Bytes a checkpoint copies into the database file between two flushes.
inline constexpr std::int64_t kCheckpointSyncEveryBytes = 256 * 1024;

// The VFS's name, registered over the default VFS on first use; never the process's
// default VFS.
const char* paced_checkpoint_vfs();

// The same VFS registered as `name` (a string that lives as long as the process) over
// the VFS registered as `inner` (the tests stack it on one that counts or fails
// flushes). Returns `name`; registering it again returns the first registration.
const char* paced_checkpoint_vfs_over(const char* name, const char* inner);

}  // namespace gadehold::store
