#pragma once
// What the project's VFSs (wal_vfs.hpp, checkpoint_vfs.hpp) share: a VFS that hands
// every call to an inner VFS (the default one unless told otherwise) except opening a
// file, and a file object that keeps the inner VFS's own file right behind its fields.
#include <sqlite3.h>

namespace gadehold::store::wrap {

using OpenFn = int (*)(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags,
                       int* out_flags);

// Registers a VFS called `name` (never the default) over `base` (the default VFS when
// null): its files are `fields_bytes` of the caller's own followed by `base`'s file
// object, and its xOpen is `open`. `vfs` must live as long as the process. Returns `name`.
const char* register_wrapping(sqlite3_vfs& vfs, const char* name, int fields_bytes, OpenFn open,
                              sqlite3_vfs* base = nullptr);

// The VFS that a wrapping VFS hands its calls to.
inline sqlite3_vfs* inner(sqlite3_vfs* vfs) { return static_cast<sqlite3_vfs*>(vfs->pAppData); }

// Opens the inner VFS's file into `real`. On failure the wrapping file is left without
// methods, so SQLite does not close it, and the inner VFS's half-open file is closed.
int open_inner(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* wrapper, sqlite3_file* real, int flags,
               int* out_flags);

// A wrapped file whose fields begin like this one: SQLite's header, then the inner file.
struct File {
  sqlite3_file base;
  sqlite3_file* real;
};

// Methods (version 3) that hand every call on a File to its inner file; a VFS copies
// them and replaces the ones it changes.
const sqlite3_io_methods& passthrough_methods();

}  // namespace gadehold::store::wrap
