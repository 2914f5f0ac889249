// The SQLite layer: wrappers, transactions, migrations and the group-commit writer.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <atomic>
#include <fstream>
#include <future>
#include <thread>
#include <vector>

#include "server/core/metrics.hpp"
#include "server/store/engine/database.hpp"
#include "server/store/engine/migrations.hpp"
#include "server/store/sqlite/transaction.hpp"
#include "support/reader.hpp"
#include "support/temp_dir.hpp"

using namespace gadehold;
using store::Connection;

namespace {

Connection open_rw(const test::TempDir& dir) {
  Connection conn(dir.file("t.db"), Connection::Mode::read_write_create, 1000);
  store::configure_for_writing(conn);
  return conn;
}

// A new gadehold database with an extra table w (id) for the writer tests to write to.
std::string database_with_table_w(const test::TempDir& dir) {
  const auto path = dir.file("g.db");
  store::create_database(path, 1000);
  Connection setup(path, Connection::Mode::read_write, 1000);
  setup.exec("CREATE TABLE w (id INTEGER PRIMARY KEY)");
  return path;
}

bool table_exists(Connection& conn, const std::string& name) {
  store::Statement st(conn, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?");
  st.bind(1, name);
  st.step();
  return st.column_int(0) == 1;
}

}  // namespace

TEST_CASE("SQLite keeps no memory statistics once a connection has opened") {
  test::TempDir dir;
  auto conn = open_rw(dir);
  conn.exec("CREATE TABLE t (x BLOB); INSERT INTO t VALUES (zeroblob(100000));");
  // With the statistics on, this counts the page cache and the statements just used.
  CHECK(sqlite3_memory_used() == 0);
}

TEST_CASE("a read-write connection is set up for durable group commits") {
  test::TempDir dir;
  auto conn = open_rw(dir);                          // configure_for_writing
  CHECK(conn.query_int("PRAGMA synchronous") == 2);  // FULL
  CHECK(conn.query_int("PRAGMA foreign_keys") == 1);
  CHECK(conn.query_int("PRAGMA temp_store") == 2);       // MEMORY: savepoint journals
  CHECK(conn.query_int("PRAGMA cache_size") == -16384);  // 16 MiB: the page cache's walk grows with it
}

TEST_CASE("a database is created in WAL mode with every embedded migration") {
  test::TempDir dir;
  const auto path = dir.file("g.db");
  store::create_database(path, 1000);
  Connection conn(path, Connection::Mode::read_only, 1000);
  CHECK(store::schema_version(conn) == store::latest_version(store::embedded_migrations()));
  CHECK(store::schema_version(conn) >= 1);
  store::Statement mode(conn, "PRAGMA journal_mode");
  REQUIRE(mode.step());
  CHECK(mode.column_text(0) == "wal");
  CHECK_THROWS_AS(store::create_database(path, 1000), store::DatabaseFileError);
}

TEST_CASE("a failing migration leaves user_version at the previous migration") {
  test::TempDir dir;
  auto conn = open_rw(dir);
  const std::vector<store::Migration> migrations = {
      {1, "one", "CREATE TABLE a (x INTEGER);"},
      {2, "two", "CREATE TABLE b (x INTEGER); INSERT INTO no_such_table VALUES (1);"},
      {3, "three", "CREATE TABLE c (x INTEGER);"},
  };
  CHECK_THROWS_AS(store::migrate(conn, migrations), store::SqliteError);
  CHECK(store::schema_version(conn) == 1);
  CHECK(table_exists(conn, "a"));
  CHECK_FALSE(table_exists(conn, "b"));  // the half-applied migration 2 was rolled back
  CHECK_FALSE(table_exists(conn, "c"));

  // Fixing migration 2 lets the next run continue from 1.
  const std::vector<store::Migration> fixed = {
      migrations[0], {2, "two", "CREATE TABLE b (x INTEGER);"}, migrations[2]};
  CHECK(store::migrate(conn, fixed) == 2);
  CHECK(store::schema_version(conn) == 3);
  CHECK(store::migrate(conn, fixed) == 0);
}

TEST_CASE("a database newer than the binary is refused") {
  test::TempDir dir;
  auto conn = open_rw(dir);
  conn.exec("PRAGMA user_version = 999");
  CHECK_THROWS_AS(store::migrate(conn, store::embedded_migrations()), store::SchemaTooNew);
  CHECK(store::schema_version(conn) == 999);
}

TEST_CASE("the server refuses to open a missing database or a newer one") {
  test::TempDir dir;
  CHECK_THROWS_AS(store::Database({dir.file("missing.db"), 1000, 1}), store::DatabaseFileError);
  const auto path = dir.file("new.db");
  store::create_database(path, 1000);
  {
    Connection conn(path, Connection::Mode::read_write, 1000);
    conn.exec("PRAGMA user_version = 999");
  }
  CHECK_THROWS_AS(store::Database({path, 1000, 1}), store::SchemaTooNew);
}

TEST_CASE("a transaction rolls back unless committed") {
  test::TempDir dir;
  auto conn = open_rw(dir);
  conn.exec("CREATE TABLE t (x INTEGER)");
  {
    store::Transaction tx(conn);
    conn.exec("INSERT INTO t VALUES (1)");
  }
  CHECK(conn.query_int("SELECT count(*) FROM t") == 0);
  {
    store::Transaction tx(conn);
    conn.exec("INSERT INTO t VALUES (2)");
    tx.commit();
  }
  CHECK(conn.query_int("SELECT count(*) FROM t") == 1);
  SUBCASE("an exception inside the transaction rolls it back") {
    try {
      store::Transaction tx(conn);
      conn.exec("INSERT INTO t VALUES (3)");
      conn.exec("INSERT INTO missing VALUES (3)");
      tx.commit();
    } catch (const store::SqliteError&) {
    }
    CHECK(conn.query_int("SELECT count(*) FROM t") == 1);
  }
}

TEST_CASE("statements bind by index and read typed columns") {
  test::TempDir dir;
  auto conn = open_rw(dir);
  conn.exec("CREATE TABLE t (i INTEGER, d REAL, s TEXT, n TEXT)");
  store::Statement ins(conn, "INSERT INTO t VALUES (?, ?, ?, ?)");
  ins.bind(1, std::int64_t{1} << 40).bind(2, 2.5).bind(3, std::string_view("hej")).bind_null(4).run();
  store::Statement sel(conn, "SELECT i, d, s, n FROM t");
  REQUIRE(sel.step());
  CHECK(sel.column_int(0) == (std::int64_t{1} << 40));
  CHECK(sel.column_double(1) == 2.5);
  CHECK(sel.column_text(2) == "hej");
  CHECK(sel.column_is_null(3));
  CHECK_FALSE(sel.step());
}

TEST_CASE("group commit: 1,000 writes from 8 threads complete once each in fewer transactions") {
  test::TempDir dir;
  const auto path = dir.file("g.db");
  store::create_database(path, 1000);
  {
    Connection setup(path, Connection::Mode::read_write, 1000);
    setup.exec("CREATE TABLE w (id INTEGER PRIMARY KEY, thread INTEGER)");
  }
  store::Database db({path, 1000, 2});
  constexpr int kThreads = 8;
  constexpr int kPerThread = 125;
  std::vector<std::atomic<int>> completions(kThreads * kPerThread);
  std::atomic<int> failures{0};
  std::promise<void> all_done;
  std::atomic<int> remaining{kThreads * kPerThread};

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const int id = t * kPerThread + i;
        db.writer().submit(
            [id, t](Connection& conn) {
              store::Statement st(conn, "INSERT INTO w (id, thread) VALUES (?, ?)");
              st.bind(1, id).bind(2, t).run();
            },
            [&, id](const core::Status& status) {
              if (!status.ok()) failures.fetch_add(1);
              completions[id].fetch_add(1);
              if (remaining.fetch_sub(1) == 1) all_done.set_value();
            });
      }
    });
  }
  for (auto& th : threads) th.join();
  REQUIRE(all_done.get_future().wait_for(std::chrono::seconds(60)) == std::future_status::ready);

  CHECK(failures.load() == 0);
  for (const auto& c : completions) REQUIRE(c.load() == 1);
  auto reader = test::open_reader(db.path());
  CHECK(reader->query_int("SELECT count(*) FROM w") == kThreads * kPerThread);
  const auto transactions = db.writer().transactions();
  CHECK(db.writer().writes() == kThreads * kPerThread);
  CHECK(transactions < static_cast<std::uint64_t>(kThreads * kPerThread));
  MESSAGE("group commit: " << kThreads * kPerThread << " writes in " << transactions
                           << " transactions = " << static_cast<double>(kThreads * kPerThread) / transactions
                           << " writes per transaction");
}

TEST_CASE("a refused write is rolled back alone and its batch neighbours commit") {
  test::TempDir dir;
  const auto path = database_with_table_w(dir);
  store::Database db({path, 1000, 1});
  // Hold the writer inside a commit so the next three writes land in one batch.
  std::promise<void> release;
  auto released = release.get_future().share();
  std::atomic<bool> first{true};
  db.writer().set_before_commit_hook([&] {
    if (first.exchange(false)) released.wait();
  });
  std::promise<void> first_done;
  db.writer().submit([](Connection&) {}, [&](const core::Status&) { first_done.set_value(); });

  std::vector<std::promise<core::Status>> results(3);
  for (int i = 0; i < 3; ++i) {
    db.writer().submit(
        [i](Connection& conn) {
          store::Statement st(conn, "INSERT INTO w (id) VALUES (?)");
          st.bind(1, i).run();
          if (i == 1) throw core::Refusal(core::Reason::SHIFT_FULL, "no", "field_x");
        },
        [&, i](const core::Status& s) { results[i].set_value(s); });
  }
  release.set_value();
  first_done.get_future().wait();
  auto s0 = results[0].get_future().get();
  auto s1 = results[1].get_future().get();
  auto s2 = results[2].get_future().get();
  CHECK(s0.ok());
  CHECK(s1.code == core::Code::failed_precondition);
  CHECK(s1.field == "field_x");
  CHECK(s2.ok());
  auto reader = test::open_reader(db.path());
  CHECK(reader->query_int("SELECT count(*) FROM w") == 2);
  CHECK(reader->query_int("SELECT count(*) FROM w WHERE id = 1") == 0);
}

TEST_CASE("a storage failure at commit fails every write in the batch with UNAVAILABLE") {
  test::TempDir dir;
  const auto path = database_with_table_w(dir);
  store::Database db({path, 1000, 1});
  db.writer().set_before_commit_hook([] { throw store::SqliteError(13 /* SQLITE_FULL */, "disk full"); });
  std::promise<core::Status> result;
  db.writer().submit([](Connection& conn) { conn.exec("INSERT INTO w VALUES (1)"); },
                     [&](const core::Status& s) { result.set_value(s); });
  auto status = result.get_future().get();
  CHECK(status.code == core::Code::unavailable);
  db.writer().set_before_commit_hook({});
  auto reader = test::open_reader(db.path());
  CHECK(reader->query_int("SELECT count(*) FROM w") == 0);
}

TEST_CASE("a write refused in a batch that then fails to commit keeps its refusal") {
  test::TempDir dir;
  const auto path = database_with_table_w(dir);
  store::Database db({path, 1000, 1});
  // Hold the writer in a first batch, so that the next two writes share one batch.
  std::promise<void> release;
  auto released = release.get_future().share();
  std::atomic<int> commits{0};
  std::promise<void> holding;
  db.writer().set_before_commit_hook([&] {
    if (commits.fetch_add(1) == 0) {
      holding.set_value();
      released.wait();
      return;
    }
    throw store::SqliteError(13 /* SQLITE_FULL */, "disk full");
  });
  std::promise<void> first;
  db.writer().submit([](Connection&) {}, [&](const core::Status&) { first.set_value(); });
  holding.get_future().wait();
  std::promise<core::Status> refused, stored;
  db.writer().submit(
      [](Connection& conn) {
        conn.exec("INSERT INTO w VALUES (1)");
        throw core::Refusal(core::Reason::LATITUDE_INVALID, "no", "lat");
      },
      [&](const core::Status& s) { refused.set_value(s); });
  db.writer().submit([](Connection& conn) { conn.exec("INSERT INTO w VALUES (2)"); },
                     [&](const core::Status& s) { stored.set_value(s); });
  release.set_value();
  first.get_future().wait();
  const auto refusal = refused.get_future().get();
  CHECK(refusal.code == core::Code::invalid_argument);  // not UNAVAILABLE: a retry would not help
  CHECK(refusal.field == "lat");
  CHECK(stored.get_future().get().code == core::Code::unavailable);
  db.writer().set_before_commit_hook({});
  auto reader = test::open_reader(db.path());
  CHECK(reader->query_int("SELECT count(*) FROM w") == 0);
}

TEST_CASE("writes submitted after stop fail with UNAVAILABLE instead of vanishing") {
  test::TempDir dir;
  const auto path = dir.file("g.db");
  store::create_database(path, 1000);
  store::Database db({path, 1000, 1});
  db.stop();
  std::optional<core::Status> status;
  db.writer().submit([](Connection&) {}, [&](const core::Status& s) { status = s; });
  REQUIRE(status.has_value());
  CHECK(status->code == core::Code::unavailable);
}

TEST_CASE("the time a write waits in the writer's queue is measured from submit to its batch") {
  test::TempDir dir;
  const auto path = dir.file("g.db");
  store::create_database(path, 1000);
  store::Database db({path, 1000, 1});
  const auto& wait = core::metrics().write_wait_seconds;
  // Observations over 250 ms: the buckets above that bound, and +Inf.
  auto over_250ms = [&wait] {
    std::uint64_t n = 0;
    for (std::size_t i = 0; i <= wait.bounds().size(); ++i) {
      if (i == wait.bounds().size() || wait.bounds()[i] > 0.25) n += wait.bucket(i);
    }
    return n;
  };
  const auto count_before = wait.count();
  const auto slow_before = over_250ms();

  // The first batch is held in its commit until the second write is queued, and then
  // for 500 ms more; the second write waits behind it.
  std::promise<void> in_commit, second_queued;
  auto queued = second_queued.get_future().share();
  std::atomic<bool> first{true};
  db.writer().set_before_commit_hook([&] {
    if (first.exchange(false)) {
      in_commit.set_value();
      queued.wait();
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  });
  std::promise<void> first_done, second_done;
  db.writer().submit([](Connection&) {}, [&](const core::Status&) { first_done.set_value(); });
  in_commit.get_future().wait();
  db.writer().submit([](Connection&) {}, [&](const core::Status&) { second_done.set_value(); });
  second_queued.set_value();
  first_done.get_future().wait();
  second_done.get_future().wait();

  CHECK(wait.count() - count_before == 2);
  CHECK(over_250ms() - slow_before == 1);
}
