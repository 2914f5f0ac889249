#include "server/store/vfs_wrap.hpp"

#include <cstring>
#include <stdexcept>
#include <string>

namespace gadehold::store::wrap {

namespace {

sqlite3_vfs* inner(sqlite3_vfs* vfs) { return static_cast<Wrapping*>(vfs->pAppData)->base; }

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
int vfs_randomness(sqlite3_vfs* vfs, int size, char* out) {
  return inner(vfs)->xRandomness(inner(vfs), size, out);
}
int vfs_sleep(sqlite3_vfs* vfs, int micros) { return inner(vfs)->xSleep(inner(vfs), micros); }
int vfs_current_time(sqlite3_vfs* vfs, double* out) { return inner(vfs)->xCurrentTime(inner(vfs), out); }
int vfs_last_error(sqlite3_vfs* vfs, int size, char* out) {
  return inner(vfs)->xGetLastError(inner(vfs), size, out);
}
int vfs_current_time_int64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  return inner(vfs)->xCurrentTimeInt64(inner(vfs), out);
}

sqlite3_file* real(sqlite3_file* file) { return reinterpret_cast<File*>(file)->real; }

int pass_close(sqlite3_file* file) { return real(file)->pMethods->xClose(real(file)); }
int pass_read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
  return real(file)->pMethods->xRead(real(file), out, amount, offset);
}
int pass_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  return real(file)->pMethods->xWrite(real(file), data, amount, offset);
}
int pass_truncate(sqlite3_file* file, sqlite3_int64 size) {
  return real(file)->pMethods->xTruncate(real(file), size);
}
int pass_sync(sqlite3_file* file, int flags) { return real(file)->pMethods->xSync(real(file), flags); }
int pass_file_size(sqlite3_file* file, sqlite3_int64* size) {
  return real(file)->pMethods->xFileSize(real(file), size);
}
int pass_lock(sqlite3_file* file, int level) { return real(file)->pMethods->xLock(real(file), level); }
int pass_unlock(sqlite3_file* file, int level) { return real(file)->pMethods->xUnlock(real(file), level); }
int pass_check_reserved(sqlite3_file* file, int* out) {
  return real(file)->pMethods->xCheckReservedLock(real(file), out);
}
int pass_file_control(sqlite3_file* file, int op, void* arg) {
  return real(file)->pMethods->xFileControl(real(file), op, arg);
}
int pass_sector_size(sqlite3_file* file) { return real(file)->pMethods->xSectorSize(real(file)); }
int pass_device_characteristics(sqlite3_file* file) {
  return real(file)->pMethods->xDeviceCharacteristics(real(file));
}
// A database file is the one through which SQLite maps the WAL's shared index.
int pass_shm_map(sqlite3_file* file, int region, int size, int extend, void volatile** out) {
  return real(file)->pMethods->xShmMap(real(file), region, size, extend, out);
}
int pass_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
  return real(file)->pMethods->xShmLock(real(file), offset, n, flags);
}
void pass_shm_barrier(sqlite3_file* file) { real(file)->pMethods->xShmBarrier(real(file)); }
int pass_shm_unmap(sqlite3_file* file, int remove) {
  return real(file)->pMethods->xShmUnmap(real(file), remove);
}
int pass_fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  return real(file)->pMethods->xFetch(real(file), offset, amount, out);
}
int pass_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
  return real(file)->pMethods->xUnfetch(real(file), offset, page);
}

const sqlite3_io_methods kPassthrough = {
    3,
    pass_close,
    pass_read,
    pass_write,
    pass_truncate,
    pass_sync,
    pass_file_size,
    pass_lock,
    pass_unlock,
    pass_check_reserved,
    pass_file_control,
    pass_sector_size,
    pass_device_characteristics,
    pass_shm_map,
    pass_shm_lock,
    pass_shm_barrier,
    pass_shm_unmap,
    pass_fetch,
    pass_unfetch,
};

// A file of the wrapped kinds gets the wrapper's fields, zeroed, with the inner VFS's
// file right behind them; any other file is the inner VFS's own and uses the front of
// the same space. On failure the file is left without methods, so SQLite does not
// close it, and the inner VFS's half-open file is closed.
int vfs_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  const auto* w = static_cast<const Wrapping*>(vfs->pAppData);
  if ((flags & w->kinds) == 0) return w->base->xOpen(w->base, name, file, flags, out_flags);
  std::memset(file, 0, static_cast<std::size_t>(w->fields_bytes));
  auto* wrapped = reinterpret_cast<File*>(file);
  wrapped->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + w->fields_bytes);
  const int rc = w->base->xOpen(w->base, name, wrapped->real, flags, out_flags);
  if (rc != SQLITE_OK) {
    if (wrapped->real->pMethods != nullptr) wrapped->real->pMethods->xClose(wrapped->real);
    return rc;
  }
  wrapped->base.pMethods = w->methods;
  return SQLITE_OK;
}

}  // namespace

const sqlite3_io_methods& passthrough_methods() { return kPassthrough; }

const char* register_wrapping(Wrapping& wrapping, const char* name, int kinds, int fields_bytes,
                              const sqlite3_io_methods& methods, sqlite3_vfs* base) {
  if (base == nullptr) base = sqlite3_vfs_find(nullptr);
  if (base == nullptr || base->iVersion < 2) throw std::runtime_error("SQLite has no usable VFS to wrap");
  wrapping.base = base;
  wrapping.kinds = kinds;
  wrapping.fields_bytes = fields_bytes;
  wrapping.methods = &methods;
  sqlite3_vfs& vfs = wrapping.vfs;
  vfs = sqlite3_vfs{};
  vfs.iVersion = 2;
  vfs.szOsFile = fields_bytes + base->szOsFile;
  vfs.mxPathname = base->mxPathname;
  vfs.zName = name;
  vfs.pAppData = &wrapping;
  vfs.xOpen = vfs_open;
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

}  // namespace gadehold::store::wrap
