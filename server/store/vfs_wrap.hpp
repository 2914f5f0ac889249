#pragma once
// What the project's VFSs (wal_vfs.hpp, checkpoint_vfs.hpp) share: a VFS over an inner
// one (the default unless told otherwise) that opens files of some kinds as its own
// file objects, each keeping the inner VFS's file right behind its fields, and hands
// everything else to the inner VFS.
#include <sqlite3.h>

namespace gadehold::store::wrap {

// A VFS that wraps the files of some kinds (SQLITE_OPEN_WAL, SQLITE_OPEN_MAIN_DB, ...)
// and hands every other file, and every call that is not about a file, to `base`.
struct Wrapping {
  sqlite3_vfs vfs{};
  sqlite3_vfs* base = nullptr;
  int kinds = 0;
  int fields_bytes = 0;  // the wrapper's own fields, a File first
  const sqlite3_io_methods* methods = nullptr;
};

// Registers `wrapping` as a VFS called `name` (never the default) over `base` (the
// default VFS when null). A file of `kinds` opens as `fields_bytes` of the wrapper's
// own fields, zeroed but for File::real, followed by `base`'s file object, with
// `methods`. `wrapping` and `name` must live as long as the process. Returns `name`.
const char* register_wrapping(Wrapping& wrapping, const char* name, int kinds, int fields_bytes,
                              const sqlite3_io_methods& methods, sqlite3_vfs* base = nullptr);

// A wrapped file whose fields begin like this one: SQLite's header, then the inner file.
struct File {
  sqlite3_file base;
  sqlite3_file* real;
};

// Methods (version 3) that hand every call on a File to its inner file; a VFS copies
// them and replaces the ones it changes.
const sqlite3_io_methods& passthrough_methods();

}  // namespace gadehold::store::wrap
