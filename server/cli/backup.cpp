// `gadehold backup` and `gadehold restore`. A backup runs while the server serves and
// writes; a restore needs the server stopped. Both verify before they finish.
#include <filesystem>
#include <iostream>

#include <boost/program_options.hpp>

#include "server/cli/commands.hpp"
#include "server/core/config.hpp"
#include "server/core/logging.hpp"
#include "server/store/backup.hpp"
#include "server/store/database.hpp"

namespace po = boost::program_options;

namespace gadehold::cli {

int backup(const Args& args) {
  core::Config cfg;
  std::string out;
  po::options_description desc("gadehold backup --db PATH --out FILE");
  core::add_database_options(desc, cfg);
  desc.add_options()("out", po::value(&out)->required(), "the backup file to write; must not exist");
  if (core::parse_options(args, desc)) {
    std::cout << desc << '\n';
    return kExitOk;
  }
  if (std::filesystem::exists(out)) throw core::UsageError("--out: " + out + " already exists");
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
