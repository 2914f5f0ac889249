#include "server/store/wal_vfs.hpp"

#include <sqlite3.h>

#include <cstring>
#include <mutex>
#include <stdexcept>

namespace gadehold::store {

namespace {

constexpr const char* kName = "gadehold-wal";
// The default VFS writes at most 128 KiB - 1 bytes per call (it masks the length with
// 0x1ffff), so the buffer holds just under that; a full buffer is written out before the
// next frame goes in. A commit at half the benchmark's peak is about 240 KiB of frames:
// two writes instead of about 120.
constexpr int kBufferBytes = (128 - 4) * 1024;

// A WAL file: our fields, then the default VFS's file object right behind them.
struct WalFile {
  sqlite3_file base;
  sqlite3_file* real;
  unsigned char* buffer;  // kBufferBytes from the first write on
  sqlite3_int64 start;    // the file offset of buffer[0]
  int length;             // bytes waiting in the buffer
};

sqlite3_vfs* inner(sqlite3_vfs* vfs) { return static_cast<sqlite3_vfs*>(vfs->pAppData); }
WalFile* wal(sqlite3_file* file) { return reinterpret_cast<WalFile*>(file); }
sqlite3_file* real(sqlite3_file* file) { return wal(file)->real; }

// Writes the waiting bytes. On failure they are dropped: SQLite fails the commit that
// needed them, and nothing may reach the file after a write it was told had failed.
int flush(WalFile* w) {
  if (w->length == 0) return SQLITE_OK;
  const int rc = w->real->pMethods->xWrite(w->real, w->buffer, w->length, w->start);
  w->length = 0;
  return rc;
}

// For the operations that are not writes: a write that failed while it waited is
// reported as one, so SQLite ends the transaction instead of taking it for a full disk
// at a read and going on.
int flush_before(sqlite3_file* file) {
  return flush(wal(file)) == SQLITE_OK ? SQLITE_OK : SQLITE_IOERR_WRITE;
}

int wal_close(sqlite3_file* file) {
  WalFile* w = wal(file);
  const int flushed = flush(w);
  const int closed = w->real->pMethods->xClose(w->real);
  sqlite3_free(w->buffer);
  w->buffer = nullptr;
  return flushed != SQLITE_OK ? flushed : closed;
}

int wal_read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
  if (const int rc = flush_before(file); rc != SQLITE_OK) return rc;
  return real(file)->pMethods->xRead(real(file), out, amount, offset);
}

int wal_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  WalFile* w = wal(file);
  if (w->length > 0 && offset == w->start + w->length && amount <= kBufferBytes - w->length) {
    std::memcpy(w->buffer + w->length, data, static_cast<std::size_t>(amount));
    w->length += amount;
    return SQLITE_OK;
  }
  if (const int rc = flush(w); rc != SQLITE_OK) return rc;
  if (w->buffer == nullptr) w->buffer = static_cast<unsigned char*>(sqlite3_malloc(kBufferBytes));
  if (w->buffer == nullptr || amount > kBufferBytes) {
    return w->real->pMethods->xWrite(w->real, data, amount, offset);
  }
  std::memcpy(w->buffer, data, static_cast<std::size_t>(amount));
  w->start = offset;
  w->length = amount;
  return SQLITE_OK;
}

int wal_truncate(sqlite3_file* file, sqlite3_int64 size) {
  if (const int rc = flush_before(file); rc != SQLITE_OK) return rc;
  return real(file)->pMethods->xTruncate(real(file), size);
}

int wal_sync(sqlite3_file* file, int flags) {
  if (const int rc = flush(wal(file)); rc != SQLITE_OK) return rc;
  return real(file)->pMethods->xSync(real(file), flags);
}

int wal_file_size(sqlite3_file* file, sqlite3_int64* size) {
  if (const int rc = flush_before(file); rc != SQLITE_OK) return rc;
  return real(file)->pMethods->xFileSize(real(file), size);
}

int wal_lock(sqlite3_file* file, int level) { return real(file)->pMethods->xLock(real(file), level); }
int wal_unlock(sqlite3_file* file, int level) { return real(file)->pMethods->xUnlock(real(file), level); }
int wal_check_reserved(sqlite3_file* file, int* out) {
  return real(file)->pMethods->xCheckReservedLock(real(file), out);
}

int wal_file_control(sqlite3_file* file, int op, void* arg) {
  // A size hint or a query about the file must see the waiting bytes in it.
  if (const int rc = flush_before(file); rc != SQLITE_OK) return rc;
  return real(file)->pMethods->xFileControl(real(file), op, arg);
}

int wal_sector_size(sqlite3_file* file) { return real(file)->pMethods->xSectorSize(real(file)); }
int wal_device_characteristics(sqlite3_file* file) {
  return real(file)->pMethods->xDeviceCharacteristics(real(file));
}

// SQLite maps shared memory and pages only through the database file, never the WAL;
// these answer as a file without those abilities would.
int wal_shm_map(sqlite3_file*, int, int, int, void volatile**) { return SQLITE_IOERR_SHMMAP; }
int wal_shm_lock(sqlite3_file*, int, int, int) { return SQLITE_IOERR_SHMLOCK; }
void wal_shm_barrier(sqlite3_file*) {}
int wal_shm_unmap(sqlite3_file*, int) { return SQLITE_OK; }
int wal_fetch(sqlite3_file*, sqlite3_int64, int, void** out) {
  *out = nullptr;  // "read it instead", which SQLite always accepts
  return SQLITE_OK;
}
int wal_unfetch(sqlite3_file*, sqlite3_int64, void*) { return SQLITE_OK; }

const sqlite3_io_methods kWalMethods = {
    3,           wal_close,          wal_read,       wal_write,       wal_truncate,
    wal_sync,    wal_file_size,      wal_lock,       wal_unlock,      wal_check_reserved,
    wal_file_control, wal_sector_size, wal_device_characteristics, wal_shm_map, wal_shm_lock,
    wal_shm_barrier, wal_shm_unmap, wal_fetch,     wal_unfetch,
};

int vfs_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  sqlite3_vfs* base = inner(vfs);
  if ((flags & SQLITE_OPEN_WAL) == 0) return base->xOpen(base, name, file, flags, out_flags);
  WalFile* w = wal(file);
  w->real = reinterpret_cast<sqlite3_file*>(w + 1);
  w->buffer = nullptr;
  w->start = 0;
  w->length = 0;
  const int rc = base->xOpen(base, name, w->real, flags, out_flags);
  if (rc != SQLITE_OK) {
    if (w->real->pMethods != nullptr) w->real->pMethods->xClose(w->real);
    w->base.pMethods = nullptr;  // SQLite then does not call our xClose
    return rc;
  }
  w->base.pMethods = &kWalMethods;
  return SQLITE_OK;
}

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

const char* gathered_wal_vfs() {
  static sqlite3_vfs vfs{};
  static std::once_flag once;
  std::call_once(once, [] {
    sqlite3_vfs* base = sqlite3_vfs_find(nullptr);
    if (base == nullptr || base->iVersion < 2) throw std::runtime_error("SQLite has no usable default VFS");
    vfs.iVersion = 2;
    // Room for a WAL file's fields and the default VFS's file behind them; any other
    // file is the default VFS's own and uses the front of the same space.
    vfs.szOsFile = static_cast<int>(sizeof(WalFile)) + base->szOsFile;
    vfs.mxPathname = base->mxPathname;
    vfs.zName = kName;
    vfs.pAppData = base;
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
    if (sqlite3_vfs_register(&vfs, 0) != SQLITE_OK) throw std::runtime_error("cannot register the WAL VFS");
  });
  return kName;
}

}  // namespace gadehold::store
