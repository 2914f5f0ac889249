#pragma once
// The lists that the dashboard and the apps show: teams with their members, areas, a
// volunteer's devices and the audit log; and who is in a team now.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "server/store/sqlite/connection.hpp"

namespace gadehold::store {

struct TeamMemberRow {
  std::string volunteer_id;
  std::string handle;
  int role = 0;
  bool is_lead = false;
};
struct TeamRow {
  std::string id;
  std::string name;
  std::vector<TeamMemberRow> members;  // not revoked, by handle
};
// The given teams, or every team when `all_teams`, by name, with their members, in one
// read snapshot (on a reader's connection, outside any transaction).
std::vector<TeamRow> teams_with_members(Connection& conn, const std::vector<std::string>& team_ids,
                                        bool all_teams);

struct AreaRow {
  std::string id;
  std::string name;
  std::vector<std::string> geohash_prefixes;
};
// Every area by name, with its prefixes.
std::vector<AreaRow> areas(Connection& conn);

struct DeviceRow {
  std::string id;
  std::string name;
  std::int64_t created_at_ms = 0;
  std::int64_t last_seen_ms = 0;
  bool revoked = false;
  bool has_push = false;  // a push subscription is registered for it
};
// The volunteer's devices, oldest first.
std::vector<DeviceRow> devices_of(Connection& conn, const std::string& volunteer_id);

struct AuditRow {
  std::int64_t id = 0;
  std::int64_t at_ms = 0;
  std::string actor_id;
  std::string action;
  std::string object_kind;
  std::string object_id;
};
// Up to `limit` audit entries with an id below `before_id`, newest first.
std::vector<AuditRow> audit_page(Connection& conn, std::int64_t before_id, std::int64_t limit);

// The teams the volunteer leads.
std::vector<std::string> lead_teams_of(Connection& conn, const std::string& volunteer_id);
// The team's volunteers who are not revoked, in one query: for checking a whole patrol.
std::set<std::string> active_members_of(Connection& conn, const std::string& team_id);

}  // namespace gadehold::store
