#include "server/store/sqlite/transaction.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

namespace gadehold::store {

namespace {
// Ends a transaction from a destructor, which must not throw: a failed COMMIT or an I/O
// error may already have rolled it back, and there is nothing more to undo. Were it still
// open, the connection would stay in it: that is logged as an error.
void end_quietly(Connection& conn, std::string_view sql) {
  try {
    conn.exec(sql);
  } catch (const SqliteError& e) {
    if (sqlite3_get_autocommit(conn.handle()) == 0) {
      spdlog::error("a transaction could not be ended and is still open: {}", e.what());
    } else {
      spdlog::debug("ending a transaction after a failure: {}", e.what());
    }
  }
}
}  // namespace

Transaction::Transaction(Connection& conn) : conn_(conn) { conn_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (!done_) end_quietly(conn_, "ROLLBACK");
}

void Transaction::commit() {
  conn_.exec("COMMIT");
  done_ = true;
}

// The writer opens and releases a savepoint per write: prepared once, through the
// connection's statement cache.
Savepoint::Savepoint(Connection& conn, std::string_view name) : conn_(conn), name_(name) {
  Statement(conn_, "SAVEPOINT " + name_).run();
}

Savepoint::~Savepoint() {
  if (!done_) end_quietly(conn_, "ROLLBACK TO " + name_ + "; RELEASE " + name_);
}

void Savepoint::release() {
  Statement(conn_, "RELEASE " + name_).run();
  done_ = true;
}

void Savepoint::rollback() {
  done_ = true;
  conn_.exec("ROLLBACK TO " + name_ + "; RELEASE " + name_);
}

ReadSnapshot::ReadSnapshot(Connection& conn) : conn_(conn) { conn_.exec("BEGIN"); }

ReadSnapshot::~ReadSnapshot() { end_quietly(conn_, "ROLLBACK"); }

}  // namespace gadehold::store
