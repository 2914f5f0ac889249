// The RAII transactions of store/sqlite/transaction.hpp: a Savepoint undoes its part of
// a transaction alone, unless released; a ReadSnapshot holds one view over several
// statements and always ends.
#include "server/store/sqlite/transaction.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include "server/store/engine/database.hpp"
#include "support/temp_dir.hpp"

using namespace gadehold;
using store::Connection;

namespace {

Connection table(const test::TempDir& dir) {
  Connection conn(dir.file("t.db"), Connection::Mode::read_write_create, 1000);
  store::configure_for_writing(conn);
  conn.exec("CREATE TABLE t (v INTEGER)");
  return conn;
}

std::int64_t rows(Connection& conn) { return conn.query_int("SELECT count(*) FROM t"); }

}  // namespace

TEST_CASE("a savepoint left without release() undoes its part, and the transaction goes on") {
  test::TempDir dir;
  auto conn = table(dir);
  store::Transaction tx(conn);
  conn.exec("INSERT INTO t VALUES (1)");
  {
    store::Savepoint part(conn, "part");
    conn.exec("INSERT INTO t VALUES (2)");
    CHECK(rows(conn) == 2);
  }  // neither released nor rolled back: the destructor undoes it
  CHECK(rows(conn) == 1);
  {
    store::Savepoint part(conn, "part");
    conn.exec("INSERT INTO t VALUES (3)");
    part.release();
  }
  {
    store::Savepoint part(conn, "part");
    conn.exec("INSERT INTO t VALUES (4)");
    part.rollback();
  }
  tx.commit();
  CHECK(rows(conn) == 2);
  CHECK(conn.query_int("SELECT sum(v) FROM t") == 4);
  CHECK(sqlite3_get_autocommit(conn.handle()) == 1);  // nothing left open
}

TEST_CASE("a savepoint unwound by an exception undoes its part") {
  test::TempDir dir;
  auto conn = table(dir);
  store::Transaction tx(conn);
  try {
    store::Savepoint part(conn, "part");
    conn.exec("INSERT INTO t VALUES (1)");
    throw std::runtime_error("refused");
  } catch (const std::runtime_error&) {
  }
  conn.exec("INSERT INTO t VALUES (2)");
  tx.commit();
  CHECK(rows(conn) == 1);
  CHECK(conn.query_int("SELECT v FROM t") == 2);
}

TEST_CASE("a read snapshot sees one moment across statements and ends when it goes") {
  test::TempDir dir;
  auto writer = table(dir);
  writer.exec("INSERT INTO t VALUES (1)");
  Connection reader(dir.file("t.db"), Connection::Mode::read_only, 1000);
  {
    store::ReadSnapshot snapshot(reader);
    CHECK(rows(reader) == 1);
    writer.exec("INSERT INTO t VALUES (2)");
    CHECK(rows(reader) == 1);  // the same moment, whatever the writer commits
    CHECK(sqlite3_get_autocommit(reader.handle()) == 0);
  }
  CHECK(sqlite3_get_autocommit(reader.handle()) == 1);
  CHECK(rows(reader) == 2);
  try {
    store::ReadSnapshot snapshot(reader);
    reader.exec("SELECT no_such_column FROM t");
  } catch (const store::SqliteError&) {
  }
  CHECK(sqlite3_get_autocommit(reader.handle()) == 1);  // ended on the way out of the throw
}
