// `gadehold purge`: applies retention now, as `serve` does every hour. Idempotent; safe
// while the server runs (each batch is a short transaction).
#include <boost/program_options.hpp>
#include <chrono>
#include <iostream>

#include "server/app/device_names.hpp"
#include "server/app/watchdog.hpp"
#include "server/cli/commands.hpp"
#include "server/core/clock.hpp"
#include "server/core/config.hpp"
#include "server/core/logging.hpp"
#include "server/store/engine/database.hpp"
#include "server/store/retention.hpp"
#include "server/store/sqlite/transaction.hpp"

namespace po = boost::program_options;

namespace gadehold::cli {

int purge(const Args& args) {
  core::Config cfg;
  po::options_description desc("gadehold purge --db PATH [retention options]");
  core::add_database_options(desc, cfg);
  core::add_retention_options(desc, cfg);
  if (core::parse_options(args, desc)) {
    std::cout << desc << '\n';
    return kExitOk;
  }
  cfg.validate();
  core::setup_logging("warn");
  auto conn = store::open_existing(cfg.db, static_cast<int>(cfg.busy_timeout_ms));
  const auto limits = app::retention_limits(cfg);
  const auto now = core::SystemClock().now_ms();
  const auto started = std::chrono::steady_clock::now();
  store::PurgeCounts total;
  {
    store::Transaction tx(conn);
    total.device_names_replaced = app::relabel_device_names(conn);
    tx.commit();
  }
  for (;;) {
    store::Transaction tx(conn);
    const auto batch = store::purge_batch(conn, limits, now, 5000);
    tx.commit();
    if (batch.total() == 0) break;
    total += batch;
  }
  const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - started;
  std::cout << "note texts cleared:        " << total.note_texts_cleared << '\n'
            << "alert messages cleared:    " << total.alert_messages_cleared << '\n'
            << "alert notes cleared:       " << total.alert_notes_cleared << '\n'
            << "shift texts cleared:       " << total.shift_texts_cleared << '\n'
            << "shift reasons cleared:     " << total.shift_reasons_cleared << '\n'
            << "patrol messages deleted:   " << total.patrol_messages_deleted << '\n'
            << "check-ins deleted:         " << total.check_ins_deleted << '\n'
            << "events deleted:            " << total.events_deleted << '\n'
            << "invites deleted:           " << total.invites_deleted << '\n'
            << "audit entries deleted:     " << total.audit_entries_deleted << '\n'
            << "devices deleted:           " << total.devices_deleted << '\n'
            << "device names replaced:     " << total.device_names_replaced << '\n'
            << "took " << static_cast<long>(took.count()) << " ms\n";
  return kExitOk;
}

}  // namespace gadehold::cli
