#pragma once
// Thin RAII wrappers over the SQLite C API. One Connection belongs to one thread at a
// time: the writer owns one, and readers lease theirs from the ReaderPool.
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace gadehold::store {

// A SQLite failure. `code` is the extended result code.
class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }
  // Disk full, I/O error, read-only or locked: the database cannot take writes now.
  bool is_storage_failure() const;

 private:
  int code_;
};

class Connection {
 public:
  enum class Mode { read_write_create, read_write, read_only };

  // Opens through SQLite's default VFS.
  Connection(const std::string& path, Mode mode, int busy_timeout_ms);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&&) = delete;

  // Runs one or more statements that return no rows.
  void exec(std::string_view sql);
  // Runs a single-value query such as "PRAGMA user_version".
  std::int64_t query_int(std::string_view sql);
  std::int64_t last_insert_rowid() const;
  int changes() const;
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

  [[noreturn]] void fail(int rc, std::string_view context) const;

  // Prepared statements are kept for reuse, keyed by their SQL: preparing costs more
  // than running most of our statements. A Statement takes one from here (or prepares
  // it) and gives it back reset, with its bindings cleared.
  // `slot` is where to give it back; null when the cache is full (finalize instead).
  sqlite3_stmt* take_prepared(std::string_view sql, std::vector<sqlite3_stmt*>*& slot);
  void give_back(std::vector<sqlite3_stmt*>* slot, sqlite3_stmt* stmt);
  std::size_t cached_statements() const;

 private:
  void finalize_cache();

  sqlite3* db_ = nullptr;
  std::string path_;
  // Looked up by string_view without building a std::string per statement.
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  std::unordered_map<std::string, std::vector<sqlite3_stmt*>, TextHash, std::equal_to<>> cache_;
};

// A prepared statement. Binds are 1-based and chainable; step() returns true per row.
class Statement {
 public:
  Statement(Connection& conn, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind_blob(int index, std::string_view bytes);
  Statement& bind_null(int index);
  // Binds NULL for an empty string, the text otherwise: optional TEXT columns.
  Statement& bind_or_null(int index, std::string_view value);

  bool step();   // true: a row is ready; false: done
  void run();    // step() to completion, for statements that return no rows
  // Steps to the end and returns the first column of every row, as text.
  std::vector<std::string> first_column();
  void reset();  // ready to run again, binds cleared

  std::int64_t column_int(int index) const;
  double column_double(int index) const;
  std::string column_text(int index) const;
  bool column_is_null(int index) const;
  int column_count() const;

 private:
  Connection& conn_;
  std::vector<sqlite3_stmt*>* slot_ = nullptr;  // the connection's cache entry
  sqlite3_stmt* stmt_ = nullptr;
};

// A JSON array of the strings, for binding to json_each(?): any text is escaped.
std::string json_text_array(const std::vector<std::string>& items);

}  // namespace gadehold::store
