#include "server/store/engine/backup.hpp"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "server/store/engine/migrations.hpp"

namespace gadehold::store {

namespace {

// Copies every page of `from` into a new file at `to` in one step (one read snapshot).
void copy_pages(sqlite3* from, const std::string& to) {
  Connection dest(to, Connection::Mode::read_write_create, 5000);
  dest.exec("PRAGMA synchronous = FULL");
  sqlite3_backup* backup = sqlite3_backup_init(dest.handle(), "main", from, "main");
  if (backup == nullptr) dest.fail(sqlite3_errcode(dest.handle()), "backup init");
  int rc = SQLITE_OK;
  for (int attempt = 0; attempt < 100; ++attempt) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) dest.fail(rc, "backup step");
  // A backup is one self-contained file.
  dest.exec("PRAGMA journal_mode = DELETE");
}

}  // namespace

std::vector<std::string> integrity_report(Connection& conn) {
  Statement st(conn, "PRAGMA integrity_check");
  return st.first_column();
}

std::vector<ForeignKeyViolation> foreign_key_violations(Connection& conn) {
  Statement st(conn, "PRAGMA foreign_key_check");
  std::vector<ForeignKeyViolation> out;
  while (st.step()) out.push_back({st.column_text(0), st.column_int(1), st.column_text(2)});
  return out;
}

std::string verify_database(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) return "no such file";
  try {
    Connection conn(path, Connection::Mode::read_only, 5000);
    const auto integrity = integrity_report(conn);
    if (integrity.empty() || integrity.front() != "ok") return "integrity_check failed";
    if (const auto fk = foreign_key_violations(conn); !fk.empty()) {
      return "foreign_key_check found a violation in " + fk.front().table;
    }
    {
      Statement st(conn, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'server_meta'");
      if (!st.step() || st.column_int(0) != 1) return "not a gadehold database";
    }
    const int version = schema_version(conn);
    if (version > latest_version(embedded_migrations())) return "made by a newer gadehold";
  } catch (const SqliteError& e) {
    return std::string("unreadable: ") + e.what();
  }
  return {};
}

void backup_database(Connection& source, const std::string& out_path) {
  if (std::filesystem::exists(out_path)) throw std::runtime_error(out_path + " exists");
  const auto tmp = out_path + ".partial";
  std::filesystem::remove(tmp);
  try {
    copy_pages(source.handle(), tmp);
    if (auto problem = verify_database(tmp); !problem.empty()) {
      throw std::runtime_error("the copy failed verification: " + problem);
    }
    std::filesystem::rename(tmp, out_path);
  } catch (...) {
    std::filesystem::remove(tmp);
    throw;
  }
}

void restore_database(const std::string& from, const std::string& db_path) {
  if (auto problem = verify_database(from); !problem.empty()) {
    throw std::runtime_error("refusing " + from + ": " + problem);
  }
  Connection source(from, Connection::Mode::read_only, 5000);
  const auto tmp = db_path + ".restoring";
  std::filesystem::remove(tmp);
  try {
    copy_pages(source.handle(), tmp);
    // The old WAL and shared-memory files belong to the old database.
    std::filesystem::remove(db_path + "-wal");
    std::filesystem::remove(db_path + "-shm");
    std::filesystem::rename(tmp, db_path);
  } catch (...) {
    std::filesystem::remove(tmp);
    throw;
  }
}

}  // namespace gadehold::store
