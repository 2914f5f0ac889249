// The VFS that gathers a commit's WAL frames into few writes (store/wal_vfs.hpp): fewer
// write calls, and still every committed write on disk and visible to readers at once.
#include <doctest/doctest.h>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <string>

#include <sqlite3.h>

#include "server/store/database.hpp"
#include "support/temp_dir.hpp"

using namespace gadehold;
using store::Connection;

namespace {

// Write calls this process has made (/proc/self/io, "syscw").
long write_calls() {
  std::ifstream io("/proc/self/io");
  std::string key;
  long value = 0;
  while (io >> key >> value) {
    if (key == "syscw:") return value;
  }
  FAIL("no syscw in /proc/self/io");
  return 0;
}

std::string integrity(Connection& conn) {
  store::Statement st(conn, "PRAGMA integrity_check");
  REQUIRE(st.step());
  return st.column_text(0);
}

// Inserts `rows` rows of about 3 KiB each, one page apiece, in one transaction.
void insert_pages(Connection& conn, int first, int rows) {
  store::Transaction tx(conn);
  store::Statement insert(conn, "INSERT INTO t (id, v) VALUES (?, randomblob(3000))");
  for (int i = first; i < first + rows; ++i) {
    insert.reset();
    insert.bind(1, i).run();
  }
  tx.commit();
}

Connection open_table(const std::string& path, Connection::Vfs vfs) {
  store::create_database(path, 5000);
  Connection conn(path, Connection::Mode::read_write, 5000, vfs);
  store::configure_for_writing(conn);
  conn.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
  return conn;
}

}  // namespace

TEST_CASE("a commit of 200 pages reaches the WAL in a few writes instead of one or two per page") {
  test::TempDir dir;
  Connection gathered = open_table(dir.file("gathered.db"), Connection::Vfs::gathered_wal);
  Connection standard = open_table(dir.file("standard.db"), Connection::Vfs::standard);

  long before = write_calls();
  insert_pages(standard, 0, 200);
  const long standard_writes = write_calls() - before;
  before = write_calls();
  insert_pages(gathered, 0, 200);
  const long gathered_writes = write_calls() - before;

  // 200 frames of 4,120 bytes are about 800 KiB: seven writes of up to 124 KiB.
  CHECK(standard_writes >= 400);
  CHECK(gathered_writes <= 12);
  CHECK(gathered.query_int("SELECT count(*) FROM t") == 200);
}

TEST_CASE("each commit through the gathering VFS is visible to another connection at once") {
  test::TempDir dir;
  const auto path = dir.file("a.db");
  Connection writer = open_table(path, Connection::Vfs::gathered_wal);
  Connection reader(path, Connection::Mode::read_only, 5000);
  for (int commit = 1; commit <= 20; ++commit) {
    insert_pages(writer, commit * 100, 1 + commit % 7);
    store::Statement sum(reader, "SELECT count(*), sum(length(v)) FROM t");
    REQUIRE(sum.step());
    int expected = 0;
    for (int c = 1; c <= commit; ++c) expected += 1 + c % 7;
    CHECK(sum.column_int(0) == expected);
    CHECK(sum.column_int(1) == expected * 3000);
  }
  CHECK(integrity(reader) == "ok");
}

TEST_CASE("a transaction larger than the cache commits whole; the gathering VFS does not spill it early") {
  test::TempDir dir;
  const auto path = dir.file("a.db");
  Connection writer = open_table(path, Connection::Vfs::gathered_wal);
  CHECK(writer.query_int("PRAGMA cache_spill") == 0);
  writer.exec("PRAGMA cache_size = 20");  // pages; with spilling on, the transaction would spill
  {
    store::Transaction tx(writer);
    store::Statement insert(writer, "INSERT INTO t (id, v) VALUES (?, zeroblob(3000))");
    for (int i = 0; i < 500; ++i) {
      insert.reset();
      insert.bind(1, i).run();
    }
    writer.exec("UPDATE t SET v = randomblob(3000) WHERE id % 3 = 0");
    tx.commit();
  }
  Connection reader(path, Connection::Mode::read_only, 5000);
  CHECK(reader.query_int("SELECT count(*) FROM t") == 500);
  CHECK(reader.query_int("SELECT count(*) FROM t WHERE v = zeroblob(3000)") == 500 - 167);
  CHECK(integrity(reader) == "ok");
}

TEST_CASE("a rolled-back transaction leaves nothing behind that could overwrite another writer's commit") {
  test::TempDir dir;
  const auto path = dir.file("a.db");
  Connection gathered = open_table(path, Connection::Vfs::gathered_wal);
  insert_pages(gathered, 0, 1);
  // Every page in the database file and the WAL empty: undoing the transaction below
  // then reads nothing from the WAL (a read would write the buffer out in time).
  gathered.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  gathered.exec("PRAGMA cache_size = 10");
  {
    // More pages than the cache holds, then a rollback: with spilling on, SQLite would
    // have written some of them into the WAL one frame at a time, into the buffer, and
    // released the write lock with them still there.
    store::Transaction tx(gathered);
    store::Statement insert(gathered, "INSERT INTO t (id, v) VALUES (?, randomblob(3000))");
    for (int i = 1000; i < 1020; ++i) {
      insert.reset();
      insert.bind(1, i).run();
    }
  }
  // Another writer (the command line, say) commits where those frames would have gone.
  Connection other(path, Connection::Mode::read_write, 5000, Connection::Vfs::standard);
  other.exec("PRAGMA synchronous = FULL");
  insert_pages(other, 2000, 3);
  // The first connection reads (from the WAL) and commits again.
  CHECK(gathered.query_int("SELECT count(*) FROM t") == 4);
  insert_pages(gathered, 3000, 1);

  Connection reader(path, Connection::Mode::read_only, 5000);
  CHECK(reader.query_int("SELECT count(*) FROM t") == 5);
  CHECK(reader.query_int("SELECT count(*) FROM t WHERE id BETWEEN 2000 AND 2002 AND length(v) = 3000") == 3);
  CHECK(reader.query_int("SELECT count(*) FROM t WHERE id >= 1000 AND id < 1020") == 0);
  CHECK(integrity(reader) == "ok");
}

TEST_CASE("every commit made through the gathering VFS survives the process dying without closing") {
  test::TempDir dir;
  const auto path = dir.file("a.db");
  open_table(path, Connection::Vfs::gathered_wal);
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(pipe_fds[0]);
    Connection writer(path, Connection::Mode::read_write, 5000, Connection::Vfs::gathered_wal);
    store::configure_for_writing(writer);
    for (int commit = 0; commit < 50; ++commit) {
      insert_pages(writer, commit * 10, 3);
      const char acked = 1;
      if (::write(pipe_fds[1], &acked, 1) != 1) ::_exit(2);
    }
    // Half a transaction's frames may wait in the buffer now; the process dies with them.
    writer.exec("BEGIN IMMEDIATE");
    writer.exec("INSERT INTO t (id, v) VALUES (100000, randomblob(3000))");
    ::_exit(0);  // no close, no destructors: as if killed
  }
  ::close(pipe_fds[1]);
  int acked = 0;
  char byte = 0;
  while (::read(pipe_fds[0], &byte, 1) == 1) ++acked;
  ::close(pipe_fds[0]);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(acked == 50);

  Connection reader(path, Connection::Mode::read_only, 5000);
  CHECK(reader.query_int("SELECT count(*) FROM t") == acked * 3);
  CHECK(integrity(reader) == "ok");
}

TEST_CASE("a commit whose frames cannot be written fails, and the commits before it stay") {
  test::TempDir dir;
  const auto path = dir.file("a.db");
  open_table(path, Connection::Vfs::gathered_wal);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The file size limit makes the buffered write fail (EFBIG) when SQLite syncs.
    std::signal(SIGXFSZ, SIG_IGN);
    Connection writer(path, Connection::Mode::read_write, 5000, Connection::Vfs::gathered_wal);
    store::configure_for_writing(writer);
    insert_pages(writer, 0, 5);
    struct stat wal_file {};
    if (::stat((path + "-wal").c_str(), &wal_file) != 0) ::_exit(3);
    const rlimit limit{static_cast<rlim_t>(wal_file.st_size + 20 * 4120), RLIM_INFINITY};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(4);
    try {
      insert_pages(writer, 100, 60);  // about 240 KiB of frames
      ::_exit(5);                     // the commit must not succeed
    } catch (const store::SqliteError& e) {
      if (!e.is_storage_failure()) ::_exit(6);
    }
    ::_exit(0);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);

  Connection reader(path, Connection::Mode::read_only, 5000);
  CHECK(reader.query_int("SELECT count(*) FROM t") == 5);
  CHECK(integrity(reader) == "ok");
}
