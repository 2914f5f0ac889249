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

// A WAL file: the wrapped file and our fields (zeroed when it opens), then the default
// VFS's file object right behind them.
struct WalFile {
  wrap::File file;
  unsigned char* buffer;  // kBufferBytes from the first write on
  sqlite3_int64 start;    // the file offset of buffer[0]
  int length;             // bytes waiting in the buffer
};

WalFile* wal(sqlite3_file* file) { return reinterpret_cast<WalFile*>(file); }
sqlite3_file* real(sqlite3_file* file) { return wal(file)->file.real; }

// Writes the waiting bytes. On failure they are dropped: SQLite fails the commit that
// needed them, and nothing may reach the file after a write it was told had failed.
int flush(WalFile* w) {
  if (w->length == 0) return SQLITE_OK;
  const int rc = w->file.real->pMethods->xWrite(w->file.real, w->buffer, w->length, w->start);
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
  const int closed = w->file.real->pMethods->xClose(w->file.real);
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
    return w->file.real->pMethods->xWrite(w->file.real, data, amount, offset);
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

int wal_file_control(sqlite3_file* file, int op, void* arg) {
  // A size hint or a query about the file must see the waiting bytes in it.
  if (const int rc = flush_before(file); rc != SQLITE_OK) return rc;
  return real(file)->pMethods->xFileControl(real(file), op, arg);
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

// Locks, the sector size and the device's characteristics pass through unchanged.
const sqlite3_io_methods kWalMethods = [] {
  sqlite3_io_methods methods = wrap::passthrough_methods();
  methods.xClose = wal_close;
  methods.xRead = wal_read;
  methods.xWrite = wal_write;
  methods.xTruncate = wal_truncate;
  methods.xSync = wal_sync;
  methods.xFileSize = wal_file_size;
  methods.xFileControl = wal_file_control;
  methods.xShmMap = wal_shm_map;
  methods.xShmLock = wal_shm_lock;
  methods.xShmBarrier = wal_shm_barrier;
  methods.xShmUnmap = wal_shm_unmap;
  methods.xFetch = wal_fetch;
  methods.xUnfetch = wal_unfetch;
  return methods;
}();

}  // namespace

const char* gathered_wal_vfs() {
  static wrap::Wrapping wrapping;
  static std::once_flag once;
  std::call_once(once, [] {
    wrap::register_wrapping(wrapping, kName, SQLITE_OPEN_WAL, static_cast<int>(sizeof(WalFile)), kWalMethods);
  });
  return kName;
}

}  // namespace gadehold::store
