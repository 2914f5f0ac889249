#pragma once
// Online backups with SQLite's backup API: a consistent copy of a live database (as of one
// commit), written beside the target, verified, then renamed into place; and the checks
// that verify a database.
#include <cstdint>
#include <string>
#include <vector>

#include "server/store/sqlite/connection.hpp"

namespace gadehold::store {

// What PRAGMA integrity_check reports: the single line "ok" for a sound file.
std::vector<std::string> integrity_report(Connection& conn);

struct ForeignKeyViolation {
  std::string table;
  std::int64_t rowid = 0;
  std::string parent;
};
// What PRAGMA foreign_key_check reports: nothing for a sound file.
std::vector<ForeignKeyViolation> foreign_key_violations(Connection& conn);

// The first problem found, or empty when the file is a sound gadehold database:
// integrity_check, foreign_key_check, and a schema this binary knows.
std::string verify_database(const std::string& path);

// Copies `source` into `out_path` (which must not exist) as one read snapshot, while
// writers go on. The copy is a single file (journal_mode DELETE). Throws
// std::runtime_error naming the problem if the copy fails its verification.
void backup_database(Connection& source, const std::string& out_path);

// Replaces `db_path` (the server must be stopped) with a verified copy of `from`.
// Throws std::runtime_error when `from` fails verification; nothing is changed then.
void restore_database(const std::string& from, const std::string& db_path);

}  // namespace gadehold::store
