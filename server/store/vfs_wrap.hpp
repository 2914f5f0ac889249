#pragma once
// What the project's two VFSs (wal_vfs.hpp, checkpoint_vfs.hpp) share: a VFS that hands
// every call to the default VFS except opening a file, and a file object that keeps the
// default VFS's own file right behind its fields.
#include <sqlite3.h>

namespace gadehold::store::wrap {

using OpenFn = int (*)(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags);

// Registers, once per process, a VFS called `name` (never the default) whose files are
// `fields_bytes` of the caller's own followed by the default VFS's file object, and whose
// xOpen is `open`. Returns `name`.
const char* register_wrapping(sqlite3_vfs& vfs, const char* name, int fields_bytes, OpenFn open);

// The default VFS that a wrapping VFS hands its calls to.
inline sqlite3_vfs* inner(sqlite3_vfs* vfs) { return static_cast<sqlite3_vfs*>(vfs->pAppData); }

// Opens the default VFS's file into `real`. On failure the wrapping file is left without
// methods, so SQLite does not close it, and the default VFS's half-open file is closed.
int open_inner(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* wrapper, sqlite3_file* real, int flags,
               int* out_flags);

}  // namespace gadehold::store::wrap
