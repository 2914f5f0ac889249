// `gadehold stats export`: the partner export under disclosure control, as CSV or JSON
// in the schema of docs/statistics-schema.md. Every export is written to the audit log.
#include <algorithm>
#include <fstream>
#include <map>
#include <tuple>
#include <iostream>

#include <boost/program_options.hpp>

#include "server/app/stats/export.hpp"
#include "server/cli/commands.hpp"
#include "server/cli/dates.hpp"
#include "server/core/clock.hpp"
#include "server/core/config.hpp"
#include "server/core/logging.hpp"
#include "server/store/engine/database.hpp"
#include "server/store/identity.hpp"
#include "server/store/sqlite/transaction.hpp"

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
  const auto [from_ms, to_ms] = parse_date_range(from, to);
  core::setup_logging("warn");
  auto conn = store::open_existing(cfg.db, static_cast<int>(cfg.busy_timeout_ms));
  std::vector<app::stats::ExportRow> rows;
  {
    store::Transaction snapshot(conn);  // one consistent view for every query
    rows = app::stats::build_export(conn, from_ms, to_ms, period == "week" ? app::stats::Period::week : app::stats::Period::month);
    store::audit(conn, core::SystemClock().now_ms(), "cli", "stats.export", "export", from + ".." + to + "/" + period);
    snapshot.commit();
  }
  const auto body = format == "csv" ? app::stats::export_csv(rows, city) : app::stats::export_json(rows, city);
  if (out.empty()) {
    std::cout << body;
  } else {
    std::ofstream file(out, std::ios::binary | std::ios::trunc);
    if (!file || !(file << body) || !file.flush()) throw core::UsageError("--out: cannot write '" + out + "'");
    std::cerr << "wrote " << rows.size() << " rows to " << out << '\n';
  }
  return kExitOk;
}

// Splits one CSV record (RFC 4180, no line breaks inside fields).
std::vector<std::string> csv_record(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

int stats_merge(const Args& args) {
  std::string format = "csv";
  std::vector<std::string> files;
  po::options_description desc("gadehold stats merge [--format csv|markdown] FILE...");
  desc.add_options()
      ("format", po::value(&format)->default_value(format), "csv or markdown")
      ("help,h", "show this help");
  // The files are positional: --help shows FILE in its first line, not as an option.
  po::options_description all;
  all.add(desc).add_options()
      ("file", po::value(&files)->multitoken(), "exports made by gadehold stats export --format csv");
  po::positional_options_description positional;
  positional.add("file", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw core::UsageError(e.what());
  }
  if (vm.count("help")) {
    std::cout << desc << '\n';
    return kExitOk;
  }
  if (format != "csv" && format != "markdown") throw core::UsageError("--format: csv or markdown");
  if (files.empty()) throw core::UsageError("give at least one export file");
  const std::string header = "schema_version,city,area,period_start,period_end,metric,category,value,suppressed";
  // (period, area, metric, category) -> city -> published value ("" when suppressed).
  std::map<std::tuple<std::string, std::string, std::string, std::string>, std::map<std::string, std::string>> table;
  std::vector<std::string> cities;
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw core::UsageError("cannot read '" + path + "'");
    std::string line;
    if (!std::getline(in, line) || csv_record(line) != csv_record(header)) {
      std::cerr << "gadehold stats merge: " << path << " is not a gadehold export (unexpected header)\n";
      return kExitFailure;
    }
    std::string city;
    while (std::getline(in, line)) {
      const auto f = csv_record(line);
      if (f.size() != 9) {
        std::cerr << "gadehold stats merge: " << path << ": a row without 9 columns\n";
        return kExitFailure;
      }
      if (f[0] != std::to_string(app::stats::kExportSchemaVersion)) {
        std::cerr << "gadehold stats merge: " << path << " has schema_version " << f[0] << "; this gadehold reads "
                  << app::stats::kExportSchemaVersion << "\n";
        return kExitFailure;
      }
      city = f[1];
      table[{f[3], f[2], f[5], f[6]}][city] = f[8] == "true" ? "" : f[7];
    }
    if (city.empty()) {
      std::cerr << "gadehold stats merge: " << path << " has no rows\n";
      return kExitFailure;
    }
    if (std::find(cities.begin(), cities.end(), city) != cities.end()) {
      std::cerr << "gadehold stats merge: two files for " << city << "\n";
      return kExitFailure;
    }
    cities.push_back(city);
  }
  // Areas are rows and cities columns; a suppressed value shows as "*", a missing one
  // (an area the city does not have) stays empty.
  const bool md = format == "markdown";
  auto emit = [&](const std::vector<std::string>& cells) {
    if (md) {
      std::cout << "|";
      for (const auto& c : cells) std::cout << ' ' << c << " |";
      std::cout << '\n';
    } else {
      for (std::size_t i = 0; i < cells.size(); ++i) std::cout << (i ? "," : "") << app::stats::csv_field(cells[i]);
      std::cout << '\n';
    }
  };
  std::vector<std::string> head{"period_start", "area", "metric", "category"};
  head.insert(head.end(), cities.begin(), cities.end());
  emit(head);
  if (md) emit(std::vector<std::string>(head.size(), "---"));
  for (const auto& [key, by_city] : table) {
    const auto& [period, area, metric, category] = key;
    std::vector<std::string> row{period, area, metric, category};
    for (const auto& city : cities) {
      auto it = by_city.find(city);
      row.push_back(it == by_city.end() ? "" : it->second.empty() ? "*" : it->second);
    }
    emit(row);
  }
  return kExitOk;
}

}  // namespace

int stats(const Args& args) {
  if (args.empty() || args.front() == "--help" || args.front() == "-h") {
    std::cout << "usage: gadehold stats export [options]        the partner export (see export --help)\n"
                 "       gadehold stats merge [--format csv|markdown] FILE...   compare cities' exports\n";
    return args.empty() ? kExitUsage : kExitOk;
  }
  const Args rest(args.begin() + 1, args.end());
  if (args.front() == "export") return stats_export(rest);
  if (args.front() == "merge") return stats_merge(rest);
  throw core::UsageError("unknown stats command '" + args.front() + "'; try export or merge");
}

}  // namespace gadehold::cli
