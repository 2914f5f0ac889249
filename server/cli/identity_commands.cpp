// `gadehold invite` and `gadehold revoke`: identity administration from the shell. Both
// work while the server runs: WAL lets a second process write, waiting on busy_timeout.
#include <iostream>

#include <boost/program_options.hpp>

#include "server/app/shifts/shift_rules.hpp"
#include "server/app/shifts/shift_support.hpp"
#include "server/cli/commands.hpp"
#include "server/core/clock.hpp"
#include "server/core/config.hpp"
#include "server/core/logging.hpp"
#include "server/store/engine/database.hpp"
#include "server/store/identity.hpp"
#include "server/store/sqlite/transaction.hpp"

namespace po = boost::program_options;

namespace gadehold::cli {

namespace {

int parse_role(const std::string& role) {
  if (role == "volunteer") return store::kRoleVolunteer;
  if (role == "lead") return store::kRoleLead;
  if (role == "coordinator") return store::kRoleCoordinator;
  throw core::UsageError("--role: expected coordinator, lead or volunteer, got '" + role + "'");
}

}  // namespace

std::string issue_invite(store::Connection& conn, int role, const std::string& team_name, unsigned valid_hours,
                         std::int64_t now_ms) {
  std::string team_id;
  if (role == store::kRoleCoordinator && !team_name.empty()) {
    throw core::UsageError("--team: coordinators belong to no team");
  }
  if (role != store::kRoleCoordinator) {
    if (team_name.empty()) throw core::UsageError("--team: volunteers and leads are invited into a team");
    auto id = store::team_id_by_name(conn, team_name);
    if (!id) throw core::UsageError("--team: no team is named '" + team_name + "'");
    team_id = *id;
  }
  store::Transaction tx(conn);
  auto invite = store::create_invite(conn, role, team_id, "cli", now_ms,
                                     now_ms + static_cast<std::int64_t>(valid_hours) * 3600 * 1000);
  tx.commit();
  return invite.code;
}

int invite(const Args& args) {
  core::Config cfg;
  std::string role;
  std::string team;
  unsigned valid_hours = 72;
  po::options_description desc("gadehold invite --db PATH --role coordinator|lead|volunteer [--team NAME]");
  core::add_database_options(desc, cfg);
  desc.add_options()
      ("role", po::value(&role)->required(), "coordinator, lead or volunteer")
      ("team", po::value(&team), "the team's name; required for lead and volunteer")
      ("valid-hours", po::value(&valid_hours)->default_value(valid_hours), "hours until the code expires (1-720)");
  if (core::parse_options(args, desc)) {
    std::cout << desc << '\n';
    return kExitOk;
  }
  const int role_number = parse_role(role);
  if (valid_hours < 1 || valid_hours > 720) throw core::UsageError("--valid-hours: 1 to 720");
  core::setup_logging("warn");
  auto conn = store::open_existing(cfg.db, static_cast<int>(cfg.busy_timeout_ms));
  const auto code = issue_invite(conn, role_number, team, valid_hours, core::SystemClock().now_ms());
  std::cout << "invite for a " << role << (team.empty() ? "" : " of team " + team) << ", valid for " << valid_hours
            << " hours:\n"
            << code << '\n';
  return kExitOk;
}

int revoke(const Args& args) {
  core::Config cfg;
  std::string handle;
  std::string device;
  po::options_description desc("gadehold revoke --db PATH (--volunteer HANDLE | --device DEVICE_ID)");
  core::add_database_options(desc, cfg);
  desc.add_options()
      ("volunteer", po::value(&handle), "revoke this volunteer and all their devices")
      ("device", po::value(&device), "revoke one device");
  if (core::parse_options(args, desc)) {
    std::cout << desc << '\n';
    return kExitOk;
  }
  if (handle.empty() == device.empty()) throw core::UsageError("give exactly one of --volunteer and --device");
  core::setup_logging("warn");
  auto conn = store::open_existing(cfg.db, static_cast<int>(cfg.busy_timeout_ms));
  const auto now = core::SystemClock().now_ms();
  store::Transaction tx(conn);
  std::vector<std::string> revoked;
  if (!handle.empty()) {
    auto id = store::volunteer_id_by_handle(conn, handle);
    if (!id) throw core::UsageError("--volunteer: no volunteer has the handle '" + handle + "'");
    revoked = store::revoke_volunteer(conn, *id, "cli", now);
    // Their future sign-ups go too; the events reach the apps through Sync.
    std::vector<app::PendingEvent> events;
    app::shifts::drop_future_sign_ups(conn, *id, "", "", app::shifts::ShiftRules::from(cfg).late_withdrawal_ms, now, events);
  } else {
    if (!store::device_owner(conn, device)) throw core::UsageError("--device: no device has the id '" + device + "'");
    revoked = store::revoke_device(conn, device, "cli", now);
  }
  tx.commit();
  std::cout << "revoked " << revoked.size() << " device(s); a running server closes their connections within 5 s\n";
  return kExitOk;
}

}  // namespace gadehold::cli
