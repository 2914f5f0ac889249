// `gadehold backup` and `gadehold restore`. A backup runs while the server serves and
// writes; a restore needs the server stopped. Both verify before they finish.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <regex>

#include <boost/program_options.hpp>

#include "server/cli/commands.hpp"
#include "server/core/config.hpp"
#include "server/core/logging.hpp"
#include "server/store/engine/backup.hpp"
#include "server/store/engine/database.hpp"

namespace po = boost::program_options;

namespace gadehold::cli {

namespace {

namespace fs = std::filesystem;

// gadehold-20261127T031500Z.db, or gadehold-20261127T031500Z-2.db for a second one in
// the same second: names that sort by time.
bool is_rotated_backup(const std::string& name) {
  static const std::regex pattern(R"(gadehold-\d{8}T\d{6}Z(-\d+)?\.db)");
  return std::regex_match(name, pattern);
}

// The time stamp and the same-second counter of a rotated backup's name.
std::pair<std::string, int> sort_key(const fs::path& p) {
  const auto stem = p.stem().string();  // gadehold-YYYYMMDDTHHMMSSZ[-N]
  return {stem.substr(9, 16), stem.size() > 25 ? std::stoi(stem.substr(26)) : 1};
}

std::vector<fs::path> rotated_backups(const std::string& dir) {
  std::vector<fs::path> backups;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && is_rotated_backup(entry.path().filename().string())) backups.push_back(entry.path());
  }
  std::sort(backups.begin(), backups.end(), [](const fs::path& a, const fs::path& b) { return sort_key(a) < sort_key(b); });
  return backups;
}

// A name that sorts after every backup of the same second already there, even one
// whose lower-numbered siblings rotation has deleted.
std::string next_backup_path(const std::string& dir) {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  int n = 1;
  for (const auto& p : rotated_backups(dir)) {
    const auto [s, k] = sort_key(p);
    if (s == stamp) n = std::max(n, k + 1);
  }
  for (;; ++n) {
    const auto name = std::string("gadehold-").append(stamp).append(n == 1 ? std::string() : std::string("-").append(std::to_string(n))).append(".db");
    auto path = fs::path(dir) / name;
    if (!fs::exists(path)) return path.string();
  }
}

// Deletes the oldest backups in `dir` beyond the newest `keep`; other files stay, and
// so does `written` (the one just made), even if the clock went back.
void rotate(const std::string& dir, unsigned keep, const fs::path& written) {
  auto backups = rotated_backups(dir);
  std::erase(backups, written);
  if (backups.size() + 1 <= keep) return;
  const auto excess = backups.size() + 1 - keep;
  for (std::size_t i = 0; i < excess; ++i) {
    fs::remove(backups[i]);
    std::cout << "removed old backup " << backups[i].string() << '\n';
  }
}

}  // namespace

int backup(const Args& args) {
  core::Config cfg;
  std::string out;
  std::string out_dir;
  unsigned keep = 0;
  po::options_description desc("gadehold backup --db PATH (--out FILE | --out-dir DIR [--keep N])");
  core::add_database_options(desc, cfg);
  desc.add_options()
      ("out", po::value(&out), "the backup file to write; must not exist")
      ("out-dir", po::value(&out_dir), "write DIR/gadehold-<UTC time>.db; DIR is created if missing")
      ("keep", po::value(&keep)->default_value(0), "with --out-dir: then delete all but the newest N backups there; 0 keeps all");
  if (core::parse_options(args, desc)) {
    std::cout << desc << '\n';
    return kExitOk;
  }
  if (out.empty() == out_dir.empty()) throw core::UsageError("--out: give either --out FILE or --out-dir DIR");
  if (keep != 0 && out_dir.empty()) throw core::UsageError("--keep: only with --out-dir");
  if (!out_dir.empty()) {
    std::error_code ec;
    fs::create_directories(out_dir, ec);
    if (ec || !fs::is_directory(out_dir)) throw core::UsageError("--out-dir: cannot create '" + out_dir + "'");
    out = next_backup_path(out_dir);
  }
  if (fs::exists(out)) throw core::UsageError("--out: " + out + " already exists");
  core::setup_logging("warn");
  auto conn = store::open_existing(cfg.db, static_cast<int>(cfg.busy_timeout_ms));
  try {
    store::backup_database(conn, out);
  } catch (const std::runtime_error& e) {
    std::cerr << "gadehold backup: " << e.what() << '\n';
    return kExitFailure;
  }
  std::cout << "backup written to " << out << " (" << std::filesystem::file_size(out)
            << " bytes); integrity_check and foreign_key_check passed\n";
  if (keep != 0) {
    try {
      rotate(out_dir, keep, fs::path(out));
    } catch (const fs::filesystem_error& e) {
      std::cerr << "gadehold backup: the backup is written, but old ones could not be removed: " << e.what() << '\n';
      return kExitFailure;
    }
  }
  return kExitOk;
}

int restore(const Args& args) {
  core::Config cfg;
  std::string from;
  bool force = false;
  po::options_description desc("gadehold restore --from FILE --db PATH [--force]; stop the server first");
  core::add_database_options(desc, cfg);
  desc.add_options()
      ("from", po::value(&from)->required(), "a file made by gadehold backup")
      ("force", po::bool_switch(&force), "replace an existing database at --db");
  if (core::parse_options(args, desc)) {
    std::cout << desc << '\n';
    return kExitOk;
  }
  if (std::filesystem::exists(cfg.db) && !force) {
    throw core::UsageError("--db: " + cfg.db + " exists; stop the server and add --force to replace it");
  }
  core::setup_logging("warn");
  try {
    store::restore_database(from, cfg.db);
  } catch (const std::runtime_error& e) {
    std::cerr << "gadehold restore: " << e.what() << '\n';
    return kExitFailure;
  }
  std::cout << "restored " << cfg.db << " from " << from << "; serve migrates it if it is older\n";
  return kExitOk;
}

}  // namespace gadehold::cli
