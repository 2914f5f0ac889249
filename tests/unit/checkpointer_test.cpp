// Checkpoints on their own thread (store::Checkpointer): the WAL stays bounded under a
// steady write load, a reader's old snapshot holds it back without blocking writes, the
// server's database file grows in whole chunks.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <future>
#include <string>
#include <thread>

#include "server/core/metrics.hpp"
#include "server/store/engine/database.hpp"
#include "support/temp_dir.hpp"
#include "support/reader.hpp"

using namespace gadehold;
using store::Connection;

namespace {

constexpr unsigned kStartFrames = 64;

struct Load {
  int ok = 0;
  int failed = 0;
  int max_wal_frames = 0;
};

// Submits `count` writes of about one page each, keeping up to 8 in flight (a steady
// load: the writer commits small batches back to back), and waits for all of them.
Load write_pages(store::Database& db, int first_id, int count) {
  std::atomic<int> in_flight{0};
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  std::atomic<int> max_frames{0};
  std::promise<void> done;
  std::atomic<int> remaining{count};
  for (int i = 0; i < count; ++i) {
    while (in_flight.load() >= 8) std::this_thread::yield();
    in_flight.fetch_add(1);
    const int id = first_id + i;
    db.writer().submit(
        [id](Connection& conn) {
          store::Statement st(conn, "INSERT INTO w (id, pad) VALUES (?, zeroblob(3000))");
          st.bind(1, id).run();
        },
        [&](const core::Status& status) {
          (status.ok() ? ok : failed).fetch_add(1);
          // Runs on the writer thread after the commit: the WAL's size after it.
          const int frames = db.writer().wal_frames();
          int seen = max_frames.load();
          while (frames > seen && !max_frames.compare_exchange_weak(seen, frames)) {
          }
          in_flight.fetch_sub(1);
          if (remaining.fetch_sub(1) == 1) done.set_value();
        });
  }
  REQUIRE(done.get_future().wait_for(std::chrono::seconds(120)) == std::future_status::ready);
  return Load{ok.load(), failed.load(), max_frames.load()};
}

std::string make_database(const test::TempDir& dir) {
  const auto path = dir.file("c.db");
  store::create_database(path, 1000);
  Connection setup(path, Connection::Mode::read_write, 1000);
  setup.exec("CREATE TABLE w (id INTEGER PRIMARY KEY, pad BLOB)");
  return path;
}

}  // namespace

TEST_CASE("under a steady write load the WAL is checkpointed in the background and starts over") {
  test::TempDir dir;
  const auto path = make_database(dir);
  auto& m = core::metrics();
  const auto passes_before = m.checkpoint_seconds.count();
  {
    store::Database db({path, 1000, 1, kStartFrames});
    REQUIRE(db.writer().checkpointer() != nullptr);
    const auto load = write_pages(db, 0, 4000);
    CHECK(load.ok == 4000);
    CHECK(load.failed == 0);
    // 4,000 pages were written. Without the WAL starting over it would hold them all;
    // it stays within a few passes' worth of the threshold.
    MESSAGE("largest WAL: " << load.max_wal_frames << " frames; background passes: "
                            << db.writer().checkpointer()->background_passes()
                            << "; finished by the writer: " << db.writer().checkpointer()->finished());
    CHECK(load.max_wal_frames < static_cast<int>(kStartFrames) * 12);
    CHECK(db.writer().checkpointer()->background_passes() > 0);
    CHECK(m.checkpoint_seconds.count() > passes_before);
    auto reader = test::open_reader(db.path());
    CHECK(reader->query_int("SELECT count(*) FROM w") == 4000);
  }
  // Stopping checkpoints everything and the last connection removes the WAL; the rows
  // are in the database file.
  CHECK(!std::filesystem::exists(path + "-wal"));
  Connection after(path, Connection::Mode::read_only, 1000);
  CHECK(after.query_int("SELECT count(*) FROM w") == 4000);
  store::Statement integrity(after, "PRAGMA integrity_check");
  REQUIRE(integrity.step());
  CHECK(integrity.column_text(0) == "ok");
}

TEST_CASE("a reader's old snapshot holds the WAL back without blocking writes") {
  test::TempDir dir;
  const auto path = make_database(dir);
  store::Database db({path, 1000, 2, kStartFrames});
  const auto& checkpointer = *db.writer().checkpointer();
  const auto finish_attempts = core::metrics().checkpoint_finish_seconds.count();
  {
    auto reader = test::open_reader(db.path());
    reader->exec("BEGIN");
    CHECK(reader->query_int("SELECT count(*) FROM w") == 0);
    // While the snapshot is open no checkpoint can copy past it, so the WAL cannot
    // start over; the writes still all commit.
    const auto held = write_pages(db, 0, 1000);
    CHECK(held.ok == 1000);
    CHECK(held.max_wal_frames >= 1000);
    // The writer tried to finish after each pass, but a copy that the snapshot held
    // back does not count as a finish.
    CHECK(core::metrics().checkpoint_finish_seconds.count() > finish_attempts);
    CHECK(checkpointer.finished() == 0);
    CHECK(reader->query_int("SELECT count(*) FROM w") == 0);  // still the old snapshot
    reader->exec("COMMIT");
  }
  // Once the snapshot ends, the next passes catch up and the WAL starts over.
  const auto after = write_pages(db, 1000, 1000);
  CHECK(after.ok == 1000);
  CHECK(db.writer().wal_frames() < static_cast<int>(kStartFrames) * 12);
  auto reader = test::open_reader(db.path());
  CHECK(reader->query_int("SELECT count(*) FROM w") == 2000);
}

TEST_CASE("the server's database file grows in whole chunks") {
  test::TempDir dir;
  const auto path = make_database(dir);
  {
    store::Database db({path, 1000, 1, kStartFrames});
    const auto load = write_pages(db, 0, 500);
    CHECK(load.ok == 500);
  }
  const auto size = std::filesystem::file_size(path);
  CHECK(size > 0);
  CHECK(size % store::kDatabaseChunkBytes == 0);
}
