#include "server/store/vfs_wrap.hpp"

#include <stdexcept>
#include <string>

namespace gadehold::store::wrap {

namespace {

int vfs_delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  return inner(vfs)->xDelete(inner(vfs), name, sync_dir);
}
int vfs_access(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
  return inner(vfs)->xAccess(inner(vfs), name, flags, out);
}
int vfs_full_pathname(sqlite3_vfs* vfs, const char* name, int size, char* out) {
  return inner(vfs)->xFullPathname(inner(vfs), name, size, out);
}
void* vfs_dl_open(sqlite3_vfs* vfs, const char* name) { return inner(vfs)->xDlOpen(inner(vfs), name); }
void vfs_dl_error(sqlite3_vfs* vfs, int size, char* out) { inner(vfs)->xDlError(inner(vfs), size, out); }
void (*vfs_dl_sym(sqlite3_vfs* vfs, void* handle, const char* symbol))(void) {
  return inner(vfs)->xDlSym(inner(vfs), handle, symbol);
}
void vfs_dl_close(sqlite3_vfs* vfs, void* handle) { inner(vfs)->xDlClose(inner(vfs), handle); }
int vfs_randomness(sqlite3_vfs* vfs, int size, char* out) { return inner(vfs)->xRandomness(inner(vfs), size, out); }
int vfs_sleep(sqlite3_vfs* vfs, int micros) { return inner(vfs)->xSleep(inner(vfs), micros); }
int vfs_current_time(sqlite3_vfs* vfs, double* out) { return inner(vfs)->xCurrentTime(inner(vfs), out); }
int vfs_last_error(sqlite3_vfs* vfs, int size, char* out) { return inner(vfs)->xGetLastError(inner(vfs), size, out); }
int vfs_current_time_int64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  return inner(vfs)->xCurrentTimeInt64(inner(vfs), out);
}

}  // namespace

const char* register_wrapping(sqlite3_vfs& vfs, const char* name, int fields_bytes, OpenFn open) {
  sqlite3_vfs* base = sqlite3_vfs_find(nullptr);
  if (base == nullptr || base->iVersion < 2) throw std::runtime_error("SQLite has no usable default VFS");
  vfs = sqlite3_vfs{};
  vfs.iVersion = 2;
  // Room for the wrapper's fields and the default VFS's file behind them; a file the
  // wrapper does not wrap is the default VFS's own and uses the front of the same space.
  vfs.szOsFile = fields_bytes + base->szOsFile;
  vfs.mxPathname = base->mxPathname;
  vfs.zName = name;
  vfs.pAppData = base;
  vfs.xOpen = open;
  vfs.xDelete = vfs_delete;
  vfs.xAccess = vfs_access;
  vfs.xFullPathname = vfs_full_pathname;
  vfs.xDlOpen = vfs_dl_open;
  vfs.xDlError = vfs_dl_error;
  vfs.xDlSym = vfs_dl_sym;
  vfs.xDlClose = vfs_dl_close;
  vfs.xRandomness = vfs_randomness;
  vfs.xSleep = vfs_sleep;
  vfs.xCurrentTime = vfs_current_time;
  vfs.xGetLastError = vfs_last_error;
  vfs.xCurrentTimeInt64 = vfs_current_time_int64;
  if (sqlite3_vfs_register(&vfs, 0) != SQLITE_OK) {
    throw std::runtime_error(std::string("cannot register the VFS ") + name);
  }
  return name;
}

int open_inner(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* wrapper, sqlite3_file* real, int flags,
               int* out_flags) {
  const int rc = inner(vfs)->xOpen(inner(vfs), name, real, flags, out_flags);
  if (rc != SQLITE_OK) {
    if (real->pMethods != nullptr) real->pMethods->xClose(real);
    wrapper->pMethods = nullptr;  // SQLite then does not call the wrapper's xClose
  }
  return rc;
}

}  // namespace gadehold::store::wrap
