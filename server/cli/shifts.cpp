// `gadehold shifts`: a coordinator's quick look at a team's schedule from the shell.
// Read-only; works while the server runs. Prints counts, never who signed up.
#include <cstdio>
#include <ctime>
#include <iomanip>
#include <iostream>

#include <boost/program_options.hpp>

#include "server/app/shifts/shift_support.hpp"
#include "server/cli/commands.hpp"
#include "server/cli/dates.hpp"
#include "server/core/config.hpp"
#include "server/core/logging.hpp"
#include "server/store/engine/database.hpp"
#include "server/store/identity.hpp"
#include "server/store/shifts.hpp"

namespace po = boost::program_options;

namespace gadehold::cli {

namespace {

std::string format_utc(std::int64_t ms, const char* format) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

const char* staffing_name(v1::StaffingState state) {
  switch (state) {
    case v1::STAFFING_STATE_UNDERSTAFFED: return "understaffed";
    case v1::STAFFING_STATE_STAFFED: return "staffed";
    case v1::STAFFING_STATE_FULL: return "full";
    case v1::STAFFING_STATE_CANCELLED: return "cancelled";
    default: return "?";
  }
}

}  // namespace

int shifts(const Args& args) {
  core::Config cfg;
  std::string team, from, to;
  po::options_description desc("gadehold shifts --db PATH --team NAME --from YYYY-MM-DD --to YYYY-MM-DD");
  core::add_database_options(desc, cfg);
  desc.add_options()
      ("team", po::value(&team)->required(), "the team's name")
      ("from", po::value(&from)->required(), "first day (UTC), inclusive")
      ("to", po::value(&to)->required(), "last day (UTC), inclusive");
  if (core::parse_options(args, desc)) {
    std::cout << desc << '\n';
    return kExitOk;
  }
  const auto [from_ms, to_ms] = parse_date_range(from, to);
  core::setup_logging("warn");
  auto conn = store::open_existing(cfg.db, static_cast<int>(cfg.busy_timeout_ms));
  const auto team_id = store::team_id_by_name(conn, team);
  if (!team_id) throw core::UsageError("--team: no team is named '" + team + "'");
  store::ShiftQuery query;
  query.from_ms = from_ms;
  query.to_ms = to_ms;
  query.team_ids = {*team_id};
  const auto rows = store::list_shifts(conn, query);

  std::cout << "shifts of team " << team << ", " << from << " to " << to << " (UTC)\n";
  std::cout << std::left << std::setw(17) << "start" << std::setw(7) << "end" << std::setw(20) << "area"
            << std::setw(8) << "signed" << std::setw(9) << "min-max" << std::setw(14) << "state"
            << "title\n";
  int understaffed = 0, cancelled = 0;
  for (const auto& s : rows) {
    const auto state = app::shifts::staffing_of(s);
    if (state == v1::STAFFING_STATE_UNDERSTAFFED) ++understaffed;
    if (state == v1::STAFFING_STATE_CANCELLED) ++cancelled;
    std::cout << std::setw(17) << format_utc(s.starts_at_ms, "%Y-%m-%d %H:%M") << std::setw(7)
              << format_utc(s.ends_at_ms, "%H:%M") << std::setw(20) << s.area_name.substr(0, 19) << std::setw(8)
              << s.sign_ups.size() << std::setw(9)
              << (std::to_string(s.min_volunteers) + "-" + std::to_string(s.max_volunteers)) << std::setw(14)
              << staffing_name(state) << s.title << '\n';
  }
  std::cout << rows.size() << " shift(s); " << understaffed << " understaffed, " << cancelled << " cancelled\n";
  return kExitOk;
}

}  // namespace gadehold::cli
