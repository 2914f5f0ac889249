#include <filesystem>
#include <iostream>

#include "server/cli/commands.hpp"
#include "server/cli/push_key.hpp"
#include "server/core/clock.hpp"
#include "server/core/config.hpp"
#include "server/core/logging.hpp"
#include "server/store/engine/database.hpp"
#include "server/store/identity.hpp"
#include "server/store/engine/migrations.hpp"
#include "server/store/sqlite/transaction.hpp"

namespace po = boost::program_options;

namespace gadehold::cli {

int init(const Args& args) {
  core::Config cfg;
  po::options_description desc("gadehold init --db PATH");
  core::add_database_options(desc, cfg);
  if (core::parse_options(args, desc)) {
    std::cout << desc << '\n';
    return kExitOk;
  }
  cfg.log_level = "warn";
  core::setup_logging(cfg.log_level);
  const auto parent = std::filesystem::path(cfg.db).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  store::create_database(cfg.db, static_cast<int>(cfg.busy_timeout_ms));
  auto conn = store::open_existing(cfg.db, static_cast<int>(cfg.busy_timeout_ms));
  {
    store::Transaction tx(conn);
    create_push_key(conn, core::SystemClock().now_ms());
    tx.commit();
  }
  const auto code = issue_invite(conn, store::kRoleCoordinator, "", 72, core::SystemClock().now_ms());
  // The code is the last line, alone, so scripts can take it with `tail -n 1`.
  std::cout << "created database " << cfg.db << " (schema version "
            << store::latest_version(store::embedded_migrations()) << ")\n"
            << "invite code for the first coordinator, valid for 72 hours:\n"
            << code << '\n';
  return kExitOk;
}

}  // namespace gadehold::cli
