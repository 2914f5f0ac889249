// `gadehold stats export`: the partner export under disclosure control, as CSV or JSON
// in the schema of docs/statistics-schema.md. Every export is written to the audit log.
#include <fstream>
#include <iostream>

#include <boost/program_options.hpp>

#include "server/app/export.hpp"
#include "server/cli/commands.hpp"
#include "server/cli/dates.hpp"
#include "server/core/clock.hpp"
#include "server/core/config.hpp"
#include "server/core/logging.hpp"
#include "server/store/database.hpp"
#include "server/store/identity.hpp"

namespace po = boost::program_options;

namespace gadehold::cli {

namespace {

int stats_export(const Args& args) {
  core::Config cfg;
  std::string city, from, to, period = "month", format = "csv", out;
  po::options_description desc(
      "gadehold stats export --db PATH --city NAME --from YYYY-MM-DD --to YYYY-MM-DD "
      "[--period month|week] [--format csv|json] [--out FILE]");
  core::add_database_options(desc, cfg);
  desc.add_options()
      ("city", po::value(&city)->required(), "the city or programme named in every row")
      ("from", po::value(&from)->required(), "first day (UTC); widened to its period's start")
      ("to", po::value(&to)->required(), "last day (UTC), inclusive; widened to its period's end")
      ("period", po::value(&period)->default_value(period), "month or week")
      ("format", po::value(&format)->default_value(format), "csv or json")
      ("out", po::value(&out), "write here instead of standard output");
  if (core::parse_options(args, desc)) {
    std::cout << desc << '\n';
    return kExitOk;
  }
  if (period != "month" && period != "week") throw core::UsageError("--period: month or week, got '" + period + "'");
  if (format != "csv" && format != "json") throw core::UsageError("--format: csv or json, got '" + format + "'");
  if (city.empty() || city.size() > 100) throw core::UsageError("--city: 1 to 100 characters");
  const auto from_ms = parse_date("from", from);
  const auto to_ms = parse_date("to", to) + kDayMs;
  if (to_ms <= from_ms) throw core::UsageError("--to: must not be before --from");
  if (to_ms - from_ms > 366 * kDayMs) throw core::UsageError("--to: at most 366 days after --from");
  core::setup_logging("warn");
  auto conn = store::open_existing(cfg.db, static_cast<int>(cfg.busy_timeout_ms));
  std::vector<app::ExportRow> rows;
  {
    store::Transaction snapshot(conn);  // one consistent view for every query
    rows = app::build_export(conn, from_ms, to_ms, period == "week" ? app::Period::week : app::Period::month);
    store::audit(conn, core::SystemClock().now_ms(), "cli", "stats.export", "export", from + ".." + to + "/" + period);
    snapshot.commit();
  }
  const auto body = format == "csv" ? app::export_csv(rows, city) : app::export_json(rows, city);
  if (out.empty()) {
    std::cout << body;
  } else {
    std::ofstream file(out, std::ios::binary | std::ios::trunc);
    if (!file || !(file << body) || !file.flush()) throw core::UsageError("--out: cannot write '" + out + "'");
    std::cerr << "wrote " << rows.size() << " rows to " << out << '\n';
  }
  return kExitOk;
}

}  // namespace

int stats(const Args& args) {
  if (args.empty() || args.front() == "--help" || args.front() == "-h") {
    std::cout << "usage: gadehold stats export [options]   the partner export (see --help)\n";
    return args.empty() ? kExitUsage : kExitOk;
  }
  const Args rest(args.begin() + 1, args.end());
  if (args.front() == "export") return stats_export(rest);
  throw core::UsageError("unknown stats command '" + args.front() + "'; try export");
}

}  // namespace gadehold::cli
