// The prepared-statement cache of store::Connection: a statement is prepared once per
// SQL text, comes back reset with its bindings cleared, and the same text may be open
// several times at once.
#include <doctest/doctest.h>

#include "server/store/engine/database.hpp"
#include "support/temp_dir.hpp"

using namespace gadehold;
using store::Connection;
using store::Statement;

namespace {
Connection open_db(const test::TempDir& dir) {
  Connection conn(dir.file("c.db"), Connection::Mode::read_write_create, 1000);
  store::configure_for_writing(conn);
  conn.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c');");
  return conn;
}
}  // namespace

TEST_CASE("a statement is prepared once per SQL text and reused") {
  test::TempDir dir;
  auto conn = open_db(dir);
  const auto before = conn.cached_statements();
  for (int i = 0; i < 5; ++i) {
    Statement st(conn, "SELECT v FROM t WHERE k = ?");
    st.bind(1, 2);
    REQUIRE(st.step());
    CHECK(st.column_text(0) == "b");
  }
  CHECK(conn.cached_statements() == before + 1);
}

TEST_CASE("a reused statement starts with no bindings and from the first row") {
  test::TempDir dir;
  auto conn = open_db(dir);
  {
    Statement st(conn, "SELECT count(*) FROM t WHERE v = ?");
    st.bind(1, "a");
    REQUIRE(st.step());
    CHECK(st.column_int(0) == 1);
  }
  {
    // An unbound parameter is NULL, which matches nothing: the earlier 'a' is gone.
    Statement st(conn, "SELECT count(*) FROM t WHERE v = ?");
    REQUIRE(st.step());
    CHECK(st.column_int(0) == 0);
  }
  {
    Statement st(conn, "SELECT k FROM t ORDER BY k");
    REQUIRE(st.step());
    CHECK(st.column_int(0) == 1);  // stopped after one row of three
  }
  Statement again(conn, "SELECT k FROM t ORDER BY k");
  REQUIRE(again.step());
  CHECK(again.column_int(0) == 1);
}

TEST_CASE("a statement given back half-read holds no read transaction open") {
  test::TempDir dir;
  auto conn = open_db(dir);
  Connection other(dir.file("c.db"), Connection::Mode::read_write, 1000);
  {
    Statement st(conn, "SELECT k FROM t ORDER BY k");
    REQUIRE(st.step());
  }
  other.exec("INSERT INTO t VALUES (4, 'd')");
  // A TRUNCATE checkpoint needs every reader out of the WAL: it reports busy (1 in the
  // first column) if the cached statement still held its snapshot.
  Statement ck(other, "PRAGMA wal_checkpoint(TRUNCATE)");
  REQUIRE(ck.step());
  CHECK(ck.column_int(0) == 0);
}

TEST_CASE("the same SQL text can be open twice at once") {
  test::TempDir dir;
  auto conn = open_db(dir);
  Statement outer(conn, "SELECT k FROM t WHERE k >= ? ORDER BY k");
  outer.bind(1, 1);
  int pairs = 0;
  while (outer.step()) {
    Statement inner(conn, "SELECT k FROM t WHERE k >= ? ORDER BY k");
    inner.bind(1, outer.column_int(0));
    while (inner.step()) ++pairs;
  }
  CHECK(pairs == 3 + 2 + 1);
}
