#include "server/store/directory.hpp"

#include "server/store/sqlite/transaction.hpp"

namespace gadehold::store {

std::vector<TeamRow> teams_with_members(Connection& conn, const std::vector<std::string>& team_ids,
                                        bool all_teams) {
  ReadSnapshot snapshot(conn);  // the teams and their members as of one moment
  std::vector<TeamRow> out;
  {
    Statement teams(conn,
                    "SELECT id, name FROM teams WHERE ?1 = 1 OR id IN (SELECT value FROM json_each(?2)) "
                    "ORDER BY name");
    teams.bind(1, all_teams ? 1 : 0).bind(2, json_text_array(team_ids));
    while (teams.step()) out.push_back({teams.column_text(0), teams.column_text(1), {}});
  }
  Statement members(conn,
                    "SELECT v.id, v.handle, v.role, m.is_lead FROM memberships m "
                    "JOIN volunteers v ON v.id = m.volunteer_id "
                    "WHERE m.team_id = ? AND v.revoked_at_ms IS NULL ORDER BY v.handle");
  for (auto& team : out) {
    members.reset();
    members.bind(1, team.id);
    while (members.step()) {
      team.members.push_back({members.column_text(0), members.column_text(1),
                              static_cast<int>(members.column_int(2)), members.column_int(3) == 1});
    }
  }
  return out;
}

std::vector<AreaRow> areas(Connection& conn) {
  Statement st(conn,
               "SELECT a.id, a.name, p.prefix FROM areas a LEFT JOIN area_prefixes p ON p.area_id = a.id "
               "ORDER BY a.name, a.id, p.prefix");
  std::vector<AreaRow> out;
  while (st.step()) {
    auto id = st.column_text(0);
    if (out.empty() || out.back().id != id) out.push_back({std::move(id), st.column_text(1), {}});
    if (!st.column_is_null(2)) out.back().geohash_prefixes.push_back(st.column_text(2));
  }
  return out;
}

std::vector<DeviceRow> devices_of(Connection& conn, const std::string& volunteer_id) {
  Statement st(conn,
               "SELECT id, name, created_at_ms, last_seen_ms, revoked_at_ms IS NOT NULL, "
               "EXISTS (SELECT 1 FROM push_subscriptions p WHERE p.device_id = devices.id) FROM devices "
               "WHERE volunteer_id = ? ORDER BY created_at_ms, id");
  st.bind(1, volunteer_id);
  std::vector<DeviceRow> out;
  while (st.step()) {
    out.push_back({st.column_text(0), st.column_text(1), st.column_int(2), st.column_int(3),
                   st.column_int(4) == 1, st.column_int(5) == 1});
  }
  return out;
}

std::vector<AuditRow> audit_page(Connection& conn, std::int64_t before_id, std::int64_t limit) {
  Statement st(conn,
               "SELECT id, at_ms, actor_id, action, object_kind, object_id FROM audit_log "
               "WHERE id < ? ORDER BY id DESC LIMIT ?");
  st.bind(1, before_id).bind(2, limit);
  std::vector<AuditRow> out;
  while (st.step()) {
    out.push_back({st.column_int(0), st.column_int(1), st.column_text(2), st.column_text(3),
                   st.column_text(4), st.column_text(5)});
  }
  return out;
}

std::vector<std::string> lead_teams_of(Connection& conn, const std::string& volunteer_id) {
  Statement st(conn,
               "SELECT team_id FROM memberships WHERE volunteer_id = ? AND is_lead = 1 ORDER BY team_id");
  st.bind(1, volunteer_id);
  return st.first_column();
}

std::set<std::string> active_members_of(Connection& conn, const std::string& team_id) {
  Statement st(conn,
               "SELECT v.id FROM memberships m JOIN volunteers v ON v.id = m.volunteer_id "
               "WHERE m.team_id = ? AND v.revoked_at_ms IS NULL");
  st.bind(1, team_id);
  std::set<std::string> out;
  while (st.step()) out.insert(st.column_text(0));
  return out;
}

}  // namespace gadehold::store
