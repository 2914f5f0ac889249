#include "server/store/identity.hpp"

#include "server/core/status.hpp"
#include "server/core/tokens.hpp"
#include "server/store/push.hpp"

namespace gadehold::store {

namespace {

bool is_unique_violation(const SqliteError& e) {
  return e.code() == 2067 /* SQLITE_CONSTRAINT_UNIQUE */ ||
         e.code() == 1555 /* SQLITE_CONSTRAINT_PRIMARYKEY */;
}

// Runs an insert; a uniqueness violation becomes the refusal `taken` (a CONFLICT).
void insert_unique(Statement& st, const core::Status& taken) {
  try {
    st.run();
  } catch (const SqliteError& e) {
    if (is_unique_violation(e)) throw core::Refusal(taken);
    throw;
  }
}

void load_teams(Connection& conn, Identity& id) {
  Statement st(conn, "SELECT team_id, is_lead FROM memberships WHERE volunteer_id = ? ORDER BY team_id");
  st.bind(1, id.volunteer_id);
  while (st.step()) {
    id.team_ids.push_back(st.column_text(0));
    if (st.column_int(1) == 1) id.lead_team_ids.push_back(st.column_text(0));
  }
}

std::optional<Identity> identity_where(Connection& conn, std::string_view clause, std::string_view key,
                                       bool key_is_blob) {
  Statement st(
      conn,
      std::string(
          "SELECT v.id, d.id, v.handle, v.role FROM devices d JOIN volunteers v ON v.id = d.volunteer_id "
          "WHERE d.revoked_at_ms IS NULL AND v.revoked_at_ms IS NULL AND ") +
          std::string(clause));
  if (key_is_blob) {
    st.bind_blob(1, key);
  } else {
    st.bind(1, key);
  }
  if (!st.step()) return std::nullopt;
  Identity id;
  id.volunteer_id = st.column_text(0);
  id.device_id = st.column_text(1);
  id.handle = st.column_text(2);
  id.role = static_cast<int>(st.column_int(3));
  load_teams(conn, id);
  return id;
}

// A lead who leads no team any more is a volunteer again; coordinators stay coordinators.
void recompute_role(Connection& conn, const std::string& volunteer_id) {
  Statement st(
      conn,
      "UPDATE volunteers SET role = CASE WHEN EXISTS (SELECT 1 FROM memberships WHERE volunteer_id = ?1 "
      "AND is_lead = 1) THEN 2 ELSE 1 END WHERE id = ?1 AND role != 3");
  st.bind(1, volunteer_id).run();
}

// Revokes the live calendar feeds that `sql` picks for `id` (a device or a volunteer)
// and audits each: a feed dies with the device it was made on and with its owner.
void revoke_feeds(Connection& conn, const char* sql, const std::string& id, std::string_view actor,
                  std::int64_t now_ms) {
  Statement st(conn, sql);
  st.bind(1, now_ms).bind(2, id);
  for (const auto& feed : st.first_column()) {
    audit(conn, now_ms, actor, "calendar_feed.revoke", "calendar_feed", feed);
  }
}

constexpr const char* kRevokeDeviceFeeds =
    "UPDATE calendar_feeds SET revoked_at_ms = ?1 WHERE device_id = ?2 AND revoked_at_ms IS NULL RETURNING "
    "id";
constexpr const char* kRevokeVolunteerFeeds =
    "UPDATE calendar_feeds SET revoked_at_ms = ?1 WHERE volunteer_id = ?2 AND revoked_at_ms IS NULL "
    "RETURNING id";

}  // namespace

void audit(Connection& conn, std::int64_t at_ms, std::string_view actor, std::string_view action,
           std::string_view object_kind, std::string_view object_id) {
  Statement st(
      conn, "INSERT INTO audit_log (at_ms, actor_id, action, object_kind, object_id) VALUES (?, ?, ?, ?, ?)");
  st.bind(1, at_ms).bind(2, actor).bind(3, action).bind(4, object_kind).bind(5, object_id).run();
}

std::optional<Identity> find_by_token(Connection& conn, std::string_view token) {
  return identity_where(conn, "d.token_hash = ?", core::sha256(token), true);
}

std::optional<Identity> load_identity(Connection& conn, const std::string& device_id) {
  return identity_where(conn, "d.id = ?", device_id, false);
}

NewInvite create_invite(Connection& conn, int role, const std::string& team_id, std::string_view created_by,
                        std::int64_t now_ms, std::int64_t expires_at_ms) {
  NewInvite invite{core::new_id("inv"), core::new_invite_code(), expires_at_ms};
  Statement st(conn,
               "INSERT INTO invites (id, code_hash, role, team_id, created_by, created_at_ms, expires_at_ms) "
               "VALUES (?, ?, ?, ?, ?, ?, ?)");
  st.bind(1, invite.id).bind_blob(2, core::sha256(*core::normalize_invite_code(invite.code))).bind(3, role);
  st.bind_or_null(4, team_id).bind(5, created_by).bind(6, now_ms).bind(7, expires_at_ms).run();
  audit(conn, now_ms, created_by, "invite.create", "invite", invite.id);
  return invite;
}

Redemption redeem_invite(Connection& conn, std::string_view normalized_code, std::string_view handle,
                         std::string_view device_name, std::int64_t now_ms) {
  Statement find(conn,
                 "SELECT id, role, team_id FROM invites WHERE code_hash = ? AND used_at_ms IS NULL "
                 "AND expires_at_ms > ? AND handle_attempts < ?");
  find.bind_blob(1, core::sha256(normalized_code)).bind(2, now_ms).bind(3, kMaxInviteHandleAttempts);
  if (!find.step()) throw core::Refusal(core::Reason::AUTHENTICATION_FAILED, "authentication failed");
  const auto invite_id = find.column_text(0);
  const int role = static_cast<int>(find.column_int(1));
  const auto team_id = find.column_text(2);

  Redemption out;
  Statement taken(conn, "SELECT 1 FROM volunteers WHERE handle = ?");
  taken.bind(1, handle);
  if (taken.step()) {
    Statement count(conn, "UPDATE invites SET handle_attempts = handle_attempts + 1 WHERE id = ?");
    count.bind(1, invite_id).run();
    out.handle_taken = true;
    return out;
  }
  out.identity.volunteer_id = core::new_id("vol");
  out.identity.device_id = core::new_id("dev");
  out.identity.handle = std::string(handle);
  out.identity.role = role;
  Statement v(conn, "INSERT INTO volunteers (id, handle, role, created_at_ms) VALUES (?, ?, ?, ?)");
  v.bind(1, out.identity.volunteer_id).bind(2, handle).bind(3, role).bind(4, now_ms);
  insert_unique(v, {core::Reason::NAME_TAKEN, "this handle is taken", "handle"});
  if (!team_id.empty()) {
    Statement m(conn, "INSERT INTO memberships (volunteer_id, team_id, is_lead) VALUES (?, ?, ?)");
    m.bind(1, out.identity.volunteer_id).bind(2, team_id).bind(3, role == kRoleLead ? 1 : 0).run();
    out.identity.team_ids.push_back(team_id);
    if (role == kRoleLead) out.identity.lead_team_ids.push_back(team_id);
  }
  out.device_token = core::new_device_token();
  Statement d(conn,
              "INSERT INTO devices (id, volunteer_id, name, token_hash, created_at_ms, last_seen_ms) "
              "VALUES (?, ?, ?, ?, ?, ?)");
  d.bind(1, out.identity.device_id)
      .bind(2, out.identity.volunteer_id)
      .bind(3, device_name)
      .bind_blob(4, core::sha256(out.device_token))
      .bind(5, now_ms)
      .bind(6, now_ms)
      .run();
  Statement used(conn, "UPDATE invites SET used_at_ms = ?, used_by = ? WHERE id = ?");
  used.bind(1, now_ms).bind(2, out.identity.volunteer_id).bind(3, invite_id).run();
  audit(conn, now_ms, out.identity.volunteer_id, "invite.redeem", "invite", invite_id);
  return out;
}

std::string create_team(Connection& conn, std::string_view name, std::string_view actor,
                        std::int64_t now_ms) {
  auto id = core::new_id("team");
  Statement st(conn, "INSERT INTO teams (id, name, created_at_ms) VALUES (?, ?, ?)");
  st.bind(1, id).bind(2, name).bind(3, now_ms);
  insert_unique(st, {core::Reason::NAME_TAKEN, "a team with this name exists", "name"});
  audit(conn, now_ms, actor, "team.create", "team", id);
  return id;
}

std::string create_area(Connection& conn, std::string_view name, const std::vector<std::string>& prefixes,
                        std::string_view actor, std::int64_t now_ms) {
  auto id = core::new_id("area");
  Statement st(conn, "INSERT INTO areas (id, name, created_at_ms) VALUES (?, ?, ?)");
  st.bind(1, id).bind(2, name).bind(3, now_ms);
  insert_unique(st, {core::Reason::NAME_TAKEN, "an area with this name exists", "name"});
  Statement p(conn, "INSERT INTO area_prefixes (prefix, area_id) VALUES (?, ?)");
  for (const auto& prefix : prefixes) {
    p.reset();
    p.bind(1, prefix).bind(2, id);
    insert_unique(p, {core::Reason::GEOHASH_PREFIX_TAKEN,
                      "prefix " + prefix + " already belongs to an area",
                      "geohash_prefixes",
                      {{"prefix", prefix}}});
  }
  audit(conn, now_ms, actor, "area.create", "area", id);
  return id;
}

void set_membership(Connection& conn, const std::string& volunteer_id, const std::string& team_id,
                    MembershipChange change, std::string_view actor, std::int64_t now_ms) {
  if (change == MembershipChange::none) {
    Statement st(conn, "DELETE FROM memberships WHERE volunteer_id = ? AND team_id = ?");
    st.bind(1, volunteer_id).bind(2, team_id).run();
  } else {
    Statement st(conn,
                 "INSERT INTO memberships (volunteer_id, team_id, is_lead) VALUES (?1, ?2, ?3) "
                 "ON CONFLICT (volunteer_id, team_id) DO UPDATE SET is_lead = ?3");
    st.bind(1, volunteer_id).bind(2, team_id).bind(3, change == MembershipChange::lead ? 1 : 0).run();
  }
  recompute_role(conn, volunteer_id);
  audit(conn, now_ms, actor, "membership.set", "volunteer", volunteer_id);
}

std::vector<std::string> revoke_device(Connection& conn, const std::string& device_id, std::string_view actor,
                                       std::int64_t now_ms) {
  Statement st(conn, "UPDATE devices SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms IS NULL");
  st.bind(1, now_ms).bind(2, device_id).run();
  if (conn.changes() == 0) return {};
  // A revoked phone gets no more pushes: its subscription goes with it.
  delete_push_subscription(conn, device_id);
  audit(conn, now_ms, actor, "device.revoke", "device", device_id);
  // A calendar feed dies with the device it was made on (the stolen-phone case).
  revoke_feeds(conn, kRevokeDeviceFeeds, device_id, actor, now_ms);
  return {device_id};
}

std::vector<std::string> revoke_volunteer(Connection& conn, const std::string& volunteer_id,
                                          std::string_view actor, std::int64_t now_ms) {
  std::vector<std::string> devices;
  {
    Statement st(conn, "SELECT id FROM devices WHERE volunteer_id = ? AND revoked_at_ms IS NULL");
    st.bind(1, volunteer_id);
    while (st.step()) devices.push_back(st.column_text(0));
  }
  Statement d(conn, "UPDATE devices SET revoked_at_ms = ? WHERE volunteer_id = ? AND revoked_at_ms IS NULL");
  d.bind(1, now_ms).bind(2, volunteer_id).run();
  Statement v(conn, "UPDATE volunteers SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms IS NULL");
  v.bind(1, now_ms).bind(2, volunteer_id).run();
  delete_push_subscriptions_of(conn, volunteer_id);
  audit(conn, now_ms, actor, "volunteer.revoke", "volunteer", volunteer_id);
  revoke_feeds(conn, kRevokeVolunteerFeeds, volunteer_id, actor, now_ms);
  return devices;
}

std::vector<std::string> devices_revoked_since(Connection& conn, std::int64_t since_ms) {
  Statement st(conn, "SELECT id FROM devices WHERE revoked_at_ms IS NOT NULL AND revoked_at_ms >= ?");
  st.bind(1, since_ms);
  return st.first_column();
}

void touch_device(Connection& conn, const std::string& device_id, std::int64_t now_ms) {
  Statement st(conn, "UPDATE devices SET last_seen_ms = ? WHERE id = ?");
  st.bind(1, now_ms).bind(2, device_id).run();
}

std::vector<std::pair<std::string, std::string>> device_names(Connection& conn) {
  Statement st(conn, "SELECT id, name FROM devices WHERE name <> ''");
  std::vector<std::pair<std::string, std::string>> out;
  while (st.step()) out.emplace_back(st.column_text(0), st.column_text(1));
  return out;
}

void rename_device(Connection& conn, const std::string& device_id, std::string_view name) {
  Statement st(conn, "UPDATE devices SET name = ? WHERE id = ?");
  st.bind(1, name).bind(2, device_id).run();
}

std::optional<std::string> team_id_by_name(Connection& conn, std::string_view name) {
  Statement st(conn, "SELECT id FROM teams WHERE name = ?");
  st.bind(1, name);
  if (!st.step()) return std::nullopt;
  return st.column_text(0);
}

std::optional<std::string> volunteer_id_by_handle(Connection& conn, std::string_view handle) {
  Statement st(conn, "SELECT id FROM volunteers WHERE handle = ?");
  st.bind(1, handle);
  if (!st.step()) return std::nullopt;
  return st.column_text(0);
}

std::optional<std::string> team_name(Connection& conn, const std::string& team_id) {
  Statement st(conn, "SELECT name FROM teams WHERE id = ?");
  st.bind(1, team_id);
  if (!st.step()) return std::nullopt;
  return st.column_text(0);
}

bool team_exists(Connection& conn, const std::string& team_id) {
  Statement st(conn, "SELECT 1 FROM teams WHERE id = ?");
  st.bind(1, team_id);
  return st.step();
}

std::optional<int> volunteer_role(Connection& conn, const std::string& volunteer_id) {
  Statement st(conn, "SELECT role FROM volunteers WHERE id = ? AND revoked_at_ms IS NULL");
  st.bind(1, volunteer_id);
  if (!st.step()) return std::nullopt;
  return static_cast<int>(st.column_int(0));
}

std::optional<std::string> device_owner(Connection& conn, const std::string& device_id) {
  Statement st(conn, "SELECT volunteer_id FROM devices WHERE id = ?");
  st.bind(1, device_id);
  if (!st.step()) return std::nullopt;
  return st.column_text(0);
}

std::vector<std::string> teams_of(Connection& conn, const std::string& volunteer_id) {
  Statement st(conn, "SELECT team_id FROM memberships WHERE volunteer_id = ? ORDER BY team_id");
  st.bind(1, volunteer_id);
  return st.first_column();
}

}  // namespace gadehold::store
