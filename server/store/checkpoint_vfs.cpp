#include "server/store/checkpoint_vfs.hpp"

#include <sqlite3.h>

#include <deque>
#include <mutex>
#include <stdexcept>
#include <string>

#include "server/core/metrics.hpp"
#include "server/store/vfs_wrap.hpp"

namespace gadehold::store {

namespace {

constexpr const char* kName = "gadehold-checkpoint";

// A database file: the wrapped file, then what was written since the last flush (zero
// when it opens); the inner VFS's file object right behind.
struct PacedFile {
  wrap::File file;
  std::int64_t unflushed;
};

PacedFile* paced(sqlite3_file* file) { return reinterpret_cast<PacedFile*>(file); }

int paced_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  PacedFile* p = paced(file);
  sqlite3_file* real = p->file.real;
  const int rc = real->pMethods->xWrite(real, data, amount, offset);
  if (rc != SQLITE_OK) return rc;
  p->unflushed += amount;
  if (p->unflushed < kCheckpointSyncEveryBytes) return SQLITE_OK;
  p->unflushed = 0;
  const int synced = real->pMethods->xSync(real, SQLITE_SYNC_NORMAL);
  if (synced == SQLITE_OK) core::metrics().checkpoint_slice_flushes.inc();
  return synced;
}

int paced_sync(sqlite3_file* file, int flags) {
  PacedFile* p = paced(file);
  const int rc = p->file.real->pMethods->xSync(p->file.real, flags);
  if (rc == SQLITE_OK) p->unflushed = 0;
  return rc;
}

const sqlite3_io_methods kPacedMethods = [] {
  sqlite3_io_methods methods = wrap::passthrough_methods();
  methods.xWrite = paced_write;
  methods.xSync = paced_sync;
  return methods;
}();

sqlite3_vfs* register_paced(const char* name, sqlite3_vfs* base) {
  static std::mutex mutex;
  static std::deque<wrap::Wrapping> registered;  // never moved, never freed: SQLite keeps them
  std::lock_guard lock(mutex);
  if (sqlite3_vfs* existing = sqlite3_vfs_find(name)) return existing;
  auto& wrapping = registered.emplace_back();
  wrap::register_wrapping(wrapping, name, SQLITE_OPEN_MAIN_DB, static_cast<int>(sizeof(PacedFile)),
                          kPacedMethods, base);
  return &wrapping.vfs;
}

}  // namespace

const char* paced_checkpoint_vfs() {
  static sqlite3_vfs* vfs = register_paced(kName, nullptr);
  return vfs->zName;
}

const char* paced_checkpoint_vfs_over(const char* name, const char* inner) {
  sqlite3_vfs* base = sqlite3_vfs_find(inner);
  if (base == nullptr) throw std::runtime_error(std::string("no VFS named ") + inner);
  return register_paced(name, base)->zName;
}

}  // namespace gadehold::store
