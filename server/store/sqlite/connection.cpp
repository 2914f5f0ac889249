#include "server/store/sqlite/connection.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <mutex>

namespace gadehold::store {

namespace {
// A setting that SQLite takes only before it initialises, that is before the first
// connection opens: SQLite counts every allocation under a global mutex for
// sqlite3_memory_used(), which nothing here reads, so that is off.
void configure_library() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}
}  // namespace

bool SqliteError::is_storage_failure() const {
  switch (code_ & 0xff) {
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_PROTOCOL:
      return true;
    default:
      return false;
  }
}

Connection::Connection(const std::string& path, Mode mode, int busy_timeout_ms) : path_(path) {
  configure_library();
  int flags = SQLITE_OPEN_NOMUTEX;
  switch (mode) {
    case Mode::read_write_create:
      flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
      break;
    case Mode::read_write:
      flags |= SQLITE_OPEN_READWRITE;
      break;
    case Mode::read_only:
      flags |= SQLITE_OPEN_READONLY;
      break;
  }
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw SqliteError(rc, "cannot open database '" + path + "': " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, busy_timeout_ms);
  // Deleted and cleared content (note text, messages, tokens' hashes) is overwritten with
  // zeros in the file, not left in free pages and unused cell space. Debian's SQLite
  // is built with this on; set here so that it holds with any SQLite, on every
  // connection: the writer's, the readers', the checkpointer's and the CLI's.
  const int secure = sqlite3_exec(db_, "PRAGMA secure_delete = ON", nullptr, nullptr, nullptr);
  if (secure != SQLITE_OK) {
    std::string message = sqlite3_errmsg(db_);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw SqliteError(secure, "cannot set secure_delete on '" + path + "': " + message);
  }
}

Connection::Connection(Connection&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)), cache_(std::move(other.cache_)) {
  other.cache_.clear();
}

Connection::~Connection() {
  finalize_cache();
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

namespace {
// Distinct SQL texts kept per connection; the server has about 200. Text built at run
// time beyond this is prepared and finalized as before.
constexpr std::size_t kMaxCachedTexts = 512;
constexpr std::size_t kMaxCopiesPerText = 4;  // the same text open several times at once
}  // namespace

sqlite3_stmt* Connection::take_prepared(std::string_view sql, std::vector<sqlite3_stmt*>*& slot) {
  auto it = cache_.find(sql);
  if (it == cache_.end() && cache_.size() < kMaxCachedTexts) {
    it = cache_.emplace(std::string(sql), std::vector<sqlite3_stmt*>{}).first;
  }
  // Map nodes never move, so the entry stays valid for the statement's lifetime.
  slot = it == cache_.end() ? nullptr : &it->second;
  if (slot != nullptr && !slot->empty()) {
    auto* stmt = slot->back();
    slot->pop_back();
    return stmt;
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                              nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    fail(rc, "prepare");
  }
  return stmt;
}

void Connection::give_back(std::vector<sqlite3_stmt*>* slot, sqlite3_stmt* stmt) {
  if (slot == nullptr || slot->size() >= kMaxCopiesPerText) {
    sqlite3_finalize(stmt);
    return;
  }
  // A reset statement holds no read transaction open (which would stall checkpoints).
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  slot->push_back(stmt);
}

std::size_t Connection::cached_statements() const {
  std::size_t n = 0;
  for (const auto& [sql, stmts] : cache_) n += stmts.size();
  return n;
}

void Connection::finalize_cache() {
  for (auto& [sql, stmts] : cache_) {
    for (auto* stmt : stmts) sqlite3_finalize(stmt);
  }
  cache_.clear();
}

void Connection::fail(int rc, std::string_view context) const {
  throw SqliteError(rc, std::string(context) + ": " + sqlite3_errmsg(db_));
}

void Connection::exec(std::string_view sql) {
  std::string copy(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, copy.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string message = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw SqliteError(sqlite3_extended_errcode(db_), "sql failed: " + message);
  }
}

std::int64_t Connection::query_int(std::string_view sql) {
  Statement st(*this, sql);
  if (!st.step()) throw SqliteError(SQLITE_ERROR, "query returned no row");
  return st.column_int(0);
}

std::int64_t Connection::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
int Connection::changes() const { return sqlite3_changes(db_); }

Statement::Statement(Connection& conn, std::string_view sql)
    : conn_(conn), stmt_(conn.take_prepared(sql, slot_)) {}

Statement::~Statement() { conn_.give_back(slot_, stmt_); }

Statement& Statement::bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) conn_.fail(rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, double value) {
  int rc = sqlite3_bind_double(stmt_, index, value);
  if (rc != SQLITE_OK) conn_.fail(rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) conn_.fail(rc, "bind");
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  int rc = sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) conn_.fail(rc, "bind");
  return *this;
}

Statement& Statement::bind_null(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) conn_.fail(rc, "bind");
  return *this;
}

Statement& Statement::bind_or_null(int index, std::string_view value) {
  return value.empty() ? bind_null(index) : bind(index, value);
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  conn_.fail(sqlite3_extended_errcode(conn_.handle()), "step");
}

std::vector<std::string> Statement::first_column() {
  std::vector<std::string> out;
  while (step()) out.push_back(column_text(0));
  return out;
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }
double Statement::column_double(int index) const { return sqlite3_column_double(stmt_, index); }
int Statement::column_count() const { return sqlite3_column_count(stmt_); }

bool Statement::column_is_null(int index) const { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }

std::string Statement::column_text(int index) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
  if (p == nullptr) return {};
  return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)));
}

std::string json_text_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& item : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (unsigned char c : item) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c < 0x20) {
        static const char* hex = "0123456789abcdef";
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 15];
      } else {
        out += static_cast<char>(c);
      }
    }
    out += '"';
  }
  return out + "]";
}

}  // namespace gadehold::store
