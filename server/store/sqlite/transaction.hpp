#pragma once
// Transactions as RAII objects: whatever leaves the scope without being kept is undone.
#include <string>
#include <string_view>

#include "server/store/sqlite/connection.hpp"

namespace gadehold::store {

// BEGIN IMMEDIATE in the constructor; ROLLBACK in the destructor unless commit() ran.
class Transaction {
 public:
  explicit Transaction(Connection& conn);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Connection& conn_;
  bool done_ = false;
};

// SAVEPOINT in the constructor: one part of a larger transaction that can be undone
// alone. The destructor rolls back to it unless release() or rollback() ran.
class Savepoint {
 public:
  // `name` is an SQL identifier chosen by the caller, never user input.
  Savepoint(Connection& conn, std::string_view name);
  ~Savepoint();
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;
  // Keeps what was done since the savepoint.
  void release();
  // Undoes it. Throws SqliteError, which the destructor could not: a failed rollback
  // must fail the whole transaction.
  void rollback();

 private:
  Connection& conn_;
  std::string name_;
  bool done_ = false;
};

// One read snapshot over several statements (BEGIN ... ROLLBACK), ended by the
// destructor. For a reader's connection, which never writes.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(Connection& conn);
  ~ReadSnapshot();
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  Connection& conn_;
};

}  // namespace gadehold::store
