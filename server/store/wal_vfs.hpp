#pragma once
// A SQLite VFS that gathers the writes to a WAL file into one write per commit.
//
// SQLite writes each WAL frame as two writes (a 24-byte header, then the page), so a
// commit of 60 pages costs 120 pwrite calls, and at half the benchmark's peak the writer
// thread made 63,000 of them a second. Through this VFS the frames of a commit are
// copied into a buffer and written with one pwrite when SQLite syncs the WAL, so the
// same bytes reach the file in the same order before the same fdatasync.
//
// Every other file (the database, its shared memory, the journals) is the default VFS's
// own file, untouched.
//
// The buffer is written out before every operation on the WAL file other than an
// appending write (read, sync, truncate, size, close, a write elsewhere). A connection
// that opens through this VFS must commit with synchronous=FULL (or EXTRA): SQLite then
// syncs the WAL before it publishes a commit to readers, and the sync writes the buffer
// out. With synchronous=NORMAL a commit would become visible before its frames reached
// the file. configure_for_writing() sets FULL.
//
// Such a connection must also not spill pages into the WAL in the middle of a
// transaction (Connection sets PRAGMA cache_spill=OFF for it): frames of a transaction
// that then rolls back could wait in the buffer past the release of the write lock, and
// writing them out later would overwrite another writer's frames (the server's writer
// shares the file with the command line and with Litestream). Without spills, the
// buffer is empty whenever SQLite's write of a transaction's frames has returned.
namespace gadehold::store {

// The VFS's name, registered on first use; never the process's default VFS.
const char* gathered_wal_vfs();

}  // namespace gadehold::store
