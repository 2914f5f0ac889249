#include "server/store/checkpoint_vfs.hpp"

#include <sqlite3.h>

#include <mutex>

#include "server/core/metrics.hpp"
#include "server/store/vfs_wrap.hpp"

namespace gadehold::store {

namespace {

constexpr const char* kName = "gadehold-checkpoint";

// A database file: our fields, then the default VFS's file object right behind them.
struct PacedFile {
  sqlite3_file base;
  sqlite3_file* real;
  std::int64_t unflushed;  // bytes written since the file was last flushed
};

PacedFile* paced(sqlite3_file* file) { return reinterpret_cast<PacedFile*>(file); }
sqlite3_file* real(sqlite3_file* file) { return paced(file)->real; }

int paced_close(sqlite3_file* file) { return real(file)->pMethods->xClose(real(file)); }

int paced_read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
  return real(file)->pMethods->xRead(real(file), out, amount, offset);
}

int paced_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  PacedFile* p = paced(file);
  const int rc = p->real->pMethods->xWrite(p->real, data, amount, offset);
  if (rc != SQLITE_OK) return rc;
  p->unflushed += amount;
  if (p->unflushed < kCheckpointSyncEveryBytes) return SQLITE_OK;
  p->unflushed = 0;
  const int synced = p->real->pMethods->xSync(p->real, SQLITE_SYNC_NORMAL);
  if (synced == SQLITE_OK) core::metrics().checkpoint_slice_flushes.inc();
  return synced;
}

int paced_truncate(sqlite3_file* file, sqlite3_int64 size) {
  return real(file)->pMethods->xTruncate(real(file), size);
}

int paced_sync(sqlite3_file* file, int flags) {
  PacedFile* p = paced(file);
  const int rc = p->real->pMethods->xSync(p->real, flags);
  if (rc == SQLITE_OK) p->unflushed = 0;
  return rc;
}

int paced_file_size(sqlite3_file* file, sqlite3_int64* size) {
  return real(file)->pMethods->xFileSize(real(file), size);
}
int paced_lock(sqlite3_file* file, int level) { return real(file)->pMethods->xLock(real(file), level); }
int paced_unlock(sqlite3_file* file, int level) { return real(file)->pMethods->xUnlock(real(file), level); }
int paced_check_reserved(sqlite3_file* file, int* out) {
  return real(file)->pMethods->xCheckReservedLock(real(file), out);
}
int paced_file_control(sqlite3_file* file, int op, void* arg) {
  return real(file)->pMethods->xFileControl(real(file), op, arg);
}
int paced_sector_size(sqlite3_file* file) { return real(file)->pMethods->xSectorSize(real(file)); }
int paced_device_characteristics(sqlite3_file* file) {
  return real(file)->pMethods->xDeviceCharacteristics(real(file));
}
// The database file is the one through which SQLite maps the WAL's shared index.
int paced_shm_map(sqlite3_file* file, int region, int size, int extend, void volatile** out) {
  return real(file)->pMethods->xShmMap(real(file), region, size, extend, out);
}
int paced_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
  return real(file)->pMethods->xShmLock(real(file), offset, n, flags);
}
void paced_shm_barrier(sqlite3_file* file) { real(file)->pMethods->xShmBarrier(real(file)); }
int paced_shm_unmap(sqlite3_file* file, int remove) { return real(file)->pMethods->xShmUnmap(real(file), remove); }
int paced_fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  return real(file)->pMethods->xFetch(real(file), offset, amount, out);
}
int paced_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
  return real(file)->pMethods->xUnfetch(real(file), offset, page);
}

const sqlite3_io_methods kPacedMethods = {
    3,
    paced_close,
    paced_read,
    paced_write,
    paced_truncate,
    paced_sync,
    paced_file_size,
    paced_lock,
    paced_unlock,
    paced_check_reserved,
    paced_file_control,
    paced_sector_size,
    paced_device_characteristics,
    paced_shm_map,
    paced_shm_lock,
    paced_shm_barrier,
    paced_shm_unmap,
    paced_fetch,
    paced_unfetch,
};

int vfs_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  if ((flags & SQLITE_OPEN_MAIN_DB) == 0) return wrap::inner(vfs)->xOpen(wrap::inner(vfs), name, file, flags, out_flags);
  PacedFile* p = paced(file);
  p->real = reinterpret_cast<sqlite3_file*>(p + 1);
  p->unflushed = 0;
  const int rc = wrap::open_inner(vfs, name, file, p->real, flags, out_flags);
  if (rc == SQLITE_OK) p->base.pMethods = &kPacedMethods;
  return rc;
}

}  // namespace

const char* paced_checkpoint_vfs() {
  static sqlite3_vfs wrapping{};
  static std::once_flag once;
  std::call_once(once, [] { wrap::register_wrapping(wrapping, kName, static_cast<int>(sizeof(PacedFile)), vfs_open); });
  return kName;
}

}  // namespace gadehold::store
