// The checkpoint thread's VFS (store/checkpoint_vfs.hpp): a checkpoint flushes the
// database file after every 256 KiB it copies, still flushes it at the end, and a flush
// that fails fails the checkpoint without losing anything. The paced VFS is stacked here
// on a VFS of the test's own that counts the database file's flushes and can fail one.
#include "server/store/checkpoint_vfs.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <string>

#include "server/core/metrics.hpp"
#include "server/store/database.hpp"
#include "server/store/vfs_wrap.hpp"
#include "support/temp_dir.hpp"

using namespace gadehold;
using store::Connection;

namespace {

// Flushes of a database file opened through the counting VFS, and the number of the
// flush to fail (0: none).
std::atomic<int> database_flushes{0};
std::atomic<int> fail_flush{0};

int counting_sync(sqlite3_file* file, int flags) {
  const int n = database_flushes.fetch_add(1) + 1;
  if (n == fail_flush.load()) return SQLITE_IOERR_FSYNC;
  sqlite3_file* real = reinterpret_cast<store::wrap::File*>(file)->real;
  return real->pMethods->xSync(real, flags);
}

const sqlite3_io_methods kCountingMethods = [] {
  sqlite3_io_methods methods = store::wrap::passthrough_methods();
  methods.xSync = counting_sync;
  return methods;
}();

// "test-counting" over the default VFS, and "test-paced", the paced VFS over it.
const char* paced_over_counting() {
  static store::wrap::Wrapping counting;
  static const char* name = [] {
    store::wrap::register_wrapping(counting, "test-counting", SQLITE_OPEN_MAIN_DB,
                                   static_cast<int>(sizeof(store::wrap::File)), kCountingMethods);
    return store::paced_checkpoint_vfs_over("test-paced", "test-counting");
  }();
  return name;
}

// A raw connection through `vfs`, committing and checkpointing as the server's do.
struct RawConnection {
  sqlite3* db = nullptr;
  RawConnection(const std::string& path, const char* vfs) {
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, vfs) == SQLITE_OK);
    sqlite3_extended_result_codes(db, 1);
    REQUIRE(sqlite3_exec(db, "PRAGMA synchronous = FULL", nullptr, nullptr, nullptr) == SQLITE_OK);
  }
  ~RawConnection() { sqlite3_close_v2(db); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // One PASSIVE checkpoint: its result code and the frames it copied of the WAL's.
  int checkpoint(int& log, int& copied) {
    return sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
  }
};

struct Fixture {
  test::TempDir dir;
  std::string path = dir.file("p.db");
  Connection writer;
  std::int64_t page = 0;

  Fixture() : writer((store::create_database(path, 1000), path), Connection::Mode::read_write, 1000) {
    store::configure_for_writing(writer);
    writer.exec("PRAGMA wal_autocheckpoint = 0");
    writer.exec("CREATE TABLE w (id INTEGER PRIMARY KEY, pad BLOB)");
    writer.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    page = writer.query_int("PRAGMA page_size");
  }

  // `rows` rows of about a page each in one transaction: every frame in the WAL is then
  // a different page, and a checkpoint writes each once.
  void fill_wal(int first_id, int rows) {
    writer.exec("BEGIN");
    for (int i = 0; i < rows; ++i) {
      store::Statement st(writer, "INSERT INTO w (id, pad) VALUES (?, zeroblob(3000))");
      st.bind(1, first_id + i).run();
    }
    writer.exec("COMMIT");
  }

  // The flushes in the middle of a checkpoint that copied `frames` distinct pages.
  int slices(int frames) const { return static_cast<int>(frames * page / store::kCheckpointSyncEveryBytes); }
};

}  // namespace

TEST_CASE("a checkpoint through the paced VFS flushes the database file after every 256 KiB and at the end") {
  Fixture f;
  const char* paced = paced_over_counting();
  fail_flush = 0;

  // Without the paced VFS: one flush of the database file, at the end.
  f.fill_wal(0, 300);
  {
    RawConnection counting(f.path, "test-counting");
    database_flushes = 0;
    int log = 0;
    int copied = 0;
    REQUIRE(counting.checkpoint(log, copied) == SQLITE_OK);
    CHECK(copied == log);
    CHECK(copied > 300);
    CHECK(database_flushes.load() == 1);
  }

  // Through it: one flush per whole 256 KiB written, then SQLite's own at the end.
  f.writer.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  f.fill_wal(1000, 300);
  RawConnection conn(f.path, paced);
  const auto counted_before = core::metrics().checkpoint_slice_flushes.value();
  database_flushes = 0;
  int log = 0;
  int copied = 0;
  REQUIRE(conn.checkpoint(log, copied) == SQLITE_OK);
  CHECK(copied == log);
  MESSAGE(copied << " pages copied with " << database_flushes.load() << " flushes of the database file");
  CHECK(f.slices(copied) >= 4);
  CHECK(database_flushes.load() == f.slices(copied) + 1);
  CHECK(core::metrics().checkpoint_slice_flushes.value() - counted_before ==
        static_cast<std::uint64_t>(f.slices(copied)));

  // The flush at the end starts the count over: the next checkpoint flushes as often as
  // if it were the first, with nothing left over from this one.
  f.writer.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  f.fill_wal(2000, 300);
  database_flushes = 0;
  REQUIRE(conn.checkpoint(log, copied) == SQLITE_OK);
  CHECK(database_flushes.load() == f.slices(copied) + 1);
}

TEST_CASE("a flush that fails in the middle of a checkpoint fails it, and the next one copies everything") {
  Fixture f;
  const char* paced = paced_over_counting();
  f.fill_wal(0, 300);
  RawConnection conn(f.path, paced);
  database_flushes = 0;
  fail_flush = 2;  // the second slice
  int log = 0;
  int copied = 0;
  const int rc = conn.checkpoint(log, copied);
  fail_flush = 0;
  CHECK(rc == SQLITE_IOERR_FSYNC);
  CHECK(database_flushes.load() == 2);  // it stopped at the failed flush

  // Nothing was recorded as copied: the next checkpoint copies the whole WAL again.
  database_flushes = 0;
  REQUIRE(conn.checkpoint(log, copied) == SQLITE_OK);
  CHECK(log > 300);
  CHECK(copied == log);
  CHECK(database_flushes.load() == f.slices(copied) + 1);

  // The writer went on meanwhile, and every row is there once the WAL has started over.
  f.fill_wal(1000, 10);
  f.writer.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  CHECK(std::filesystem::file_size(f.path + "-wal") == 0);
  CHECK(f.writer.query_int("SELECT count(*) FROM w") == 310);
  store::Statement integrity(f.writer, "PRAGMA integrity_check");
  REQUIRE(integrity.step());
  CHECK(integrity.column_text(0) == "ok");
}
