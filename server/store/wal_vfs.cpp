#include "server/store/wal_vfs.hpp"

#include <sqlite3.h>

#include <cstring>
#include <mutex>

#include "server/store/vfs_wrap.hpp"

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
  if ((flags & SQLITE_OPEN_WAL) == 0) return wrap::inner(vfs)->xOpen(wrap::inner(vfs), name, file, flags, out_flags);
  WalFile* w = wal(file);
  w->real = reinterpret_cast<sqlite3_file*>(w + 1);
  w->buffer = nullptr;
  w->start = 0;
  w->length = 0;
  const int rc = wrap::open_inner(vfs, name, file, w->real, flags, out_flags);
  if (rc == SQLITE_OK) w->base.pMethods = &kWalMethods;
  return rc;
}

}  // namespace

const char* gathered_wal_vfs() {
  static sqlite3_vfs wrapping{};
  static std::once_flag once;
  std::call_once(once, [] { wrap::register_wrapping(wrapping, kName, static_cast<int>(sizeof(WalFile)), vfs_open); });
  return kName;
}

}  // namespace gadehold::store
