#include <iostream>

#include "server/cli/commands.hpp"
#include "server/core/config.hpp"
#include "server/core/logging.hpp"
#include "server/store/engine/backup.hpp"
#include "server/store/engine/database.hpp"
#include "server/store/engine/migrations.hpp"

namespace po = boost::program_options;

namespace gadehold::cli {

int check(const Args& args) {
  core::Config cfg;
  po::options_description desc("gadehold check --db PATH");
  core::add_database_options(desc, cfg);
  if (core::parse_options(args, desc)) {
    std::cout << desc << '\n';
    return kExitOk;
  }
  core::setup_logging("warn");
  auto conn = store::open_existing(cfg.db, static_cast<int>(cfg.busy_timeout_ms));
  bool healthy = true;

  const auto integrity = store::integrity_report(conn);
  const bool integrity_ok = integrity.size() == 1 && integrity.front() == "ok";
  std::cout << "integrity_check: " << (integrity_ok ? "ok" : "FAILED") << '\n';
  if (!integrity_ok) {
    healthy = false;
    for (const auto& line : integrity) std::cout << "  " << line << '\n';
  }

  const auto violations = store::foreign_key_violations(conn);
  for (const auto& v : violations) {
    std::cout << "  foreign key violation in " << v.table << " rowid " << v.rowid << " -> " << v.parent << '\n';
  }
  std::cout << "foreign_key_check: " << (violations.empty() ? "ok" : "FAILED") << '\n';
  if (!violations.empty()) healthy = false;

  const int version = store::schema_version(conn);
  const int supported = store::latest_version(store::embedded_migrations());
  std::cout << "schema_version: " << version;
  if (version > supported) {
    std::cout << " (newer than this gadehold supports: " << supported << ")";
    healthy = false;
  } else if (version < supported) {
    std::cout << " (serve will migrate it to " << supported << ")";
  }
  std::cout << '\n';
  return healthy ? kExitOk : kExitFailure;
}

}  // namespace gadehold::cli
