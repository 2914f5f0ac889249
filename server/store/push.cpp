#include "server/store/push.hpp"

namespace gadehold::store {

std::optional<StoredVapidKey> vapid_key(Connection& conn) {
  Statement st(conn, "SELECT private_key, public_key FROM vapid_key WHERE id = 1");
  if (!st.step()) return std::nullopt;
  return StoredVapidKey{st.column_text(0), st.column_text(1)};
}

std::string vapid_public_key(Connection& conn) {
  Statement st(conn, "SELECT public_key FROM vapid_key WHERE id = 1");
  return st.step() ? st.column_text(0) : std::string();
}

bool save_vapid_key_if_missing(Connection& conn, const StoredVapidKey& key, std::int64_t now_ms) {
  Statement st(conn,
               "INSERT INTO vapid_key (id, private_key, public_key, created_at_ms) VALUES (1, ?, ?, ?) "
               "ON CONFLICT (id) DO NOTHING");
  st.bind(1, key.private_key).bind(2, key.public_key).bind(3, now_ms).run();
  return conn.changes() == 1;
}

void save_push_subscription(Connection& conn, const PushSubscription& sub, std::int64_t now_ms) {
  Statement st(
      conn,
      "INSERT INTO push_subscriptions (device_id, endpoint, p256dh, auth, created_at_ms, updated_at_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT (device_id) DO UPDATE SET "
      "created_at_ms = CASE WHEN endpoint = excluded.endpoint THEN created_at_ms "
      "ELSE excluded.created_at_ms END, "
      "endpoint = excluded.endpoint, p256dh = excluded.p256dh, auth = excluded.auth, "
      "updated_at_ms = excluded.updated_at_ms");
  st.bind(1, sub.device_id).bind(2, sub.endpoint).bind(3, sub.p256dh).bind(4, sub.auth).bind(5, now_ms).run();
}

bool delete_push_subscription(Connection& conn, const std::string& device_id) {
  Statement st(conn, "DELETE FROM push_subscriptions WHERE device_id = ?");
  st.bind(1, device_id).run();
  return conn.changes() > 0;
}

void delete_push_subscriptions_of(Connection& conn, const std::string& volunteer_id) {
  Statement st(
      conn,
      "DELETE FROM push_subscriptions WHERE device_id IN (SELECT id FROM devices WHERE volunteer_id = ?)");
  st.bind(1, volunteer_id).run();
}

std::optional<PushSubscription> push_subscription(Connection& conn, const std::string& device_id) {
  Statement st(
      conn,
      "SELECT device_id, endpoint, p256dh, auth, created_at_ms, updated_at_ms FROM push_subscriptions "
      "WHERE device_id = ?");
  st.bind(1, device_id);
  if (!st.step()) return std::nullopt;
  return PushSubscription{st.column_text(0), st.column_text(1), st.column_text(2),
                          st.column_text(3), st.column_int(4),  st.column_int(5)};
}

std::int64_t count_push_subscriptions(Connection& conn) {
  return conn.query_int("SELECT count(*) FROM push_subscriptions");
}

bool delete_gone_push_subscription(Connection& conn, const std::string& device_id,
                                   const std::string& endpoint) {
  Statement st(conn, "DELETE FROM push_subscriptions WHERE device_id = ? AND endpoint = ?");
  st.bind(1, device_id).bind(2, endpoint).run();
  return conn.changes() > 0;
}

std::vector<PushSubscription> push_subscriptions_for(Connection& conn, AudienceKind audience,
                                                     const std::string& team_id,
                                                     const std::string& volunteer_id) {
  // ?1 the team, ?2 the volunteer. A lead is a member with is_lead = 1.
  static constexpr const char* kMember =
      "EXISTS (SELECT 1 FROM memberships m WHERE m.volunteer_id = v.id AND m.team_id = ?1)";
  static constexpr const char* kLead =
      "EXISTS (SELECT 1 FROM memberships m WHERE m.volunteer_id = v.id AND m.team_id = ?1 AND m.is_lead = 1)";
  std::string where;
  switch (audience) {
    case AudienceKind::team:
      where = std::string("v.role = 3 OR ") + kMember;
      break;
    case AudienceKind::team_leads:
      where = std::string("v.role = 3 OR ") + kLead;
      break;
    case AudienceKind::coordinators:
      where = "v.role = 3";
      break;
    case AudienceKind::volunteer:
      where = "v.id = ?2";
      break;
    case AudienceKind::leads_only:
      where = kLead;
      break;
    case AudienceKind::volunteer_and_leads:
      where = std::string("v.id = ?2 OR v.role = 3 OR ") + kLead;
      break;
  }
  Statement st(conn,
               "SELECT s.device_id, s.endpoint, s.p256dh, s.auth, s.created_at_ms, s.updated_at_ms "
               "FROM push_subscriptions s JOIN devices d ON d.id = s.device_id AND d.revoked_at_ms IS NULL "
               "JOIN volunteers v ON v.id = d.volunteer_id AND v.revoked_at_ms IS NULL WHERE (" +
                   where + ") ORDER BY s.device_id");
  // Unused parameters stay NULL.
  if (where.find("?1") != std::string::npos) st.bind(1, team_id);
  if (where.find("?2") != std::string::npos) st.bind(2, volunteer_id);
  std::vector<PushSubscription> out;
  while (st.step()) {
    out.push_back(PushSubscription{st.column_text(0), st.column_text(1), st.column_text(2), st.column_text(3),
                                   st.column_int(4), st.column_int(5)});
  }
  return out;
}

std::string area_name(Connection& conn, const std::string& area_id) {
  Statement st(conn, "SELECT name FROM areas WHERE id = ?");
  st.bind(1, area_id);
  return st.step() ? st.column_text(0) : std::string();
}

}  // namespace gadehold::store
