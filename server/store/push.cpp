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

}  // namespace gadehold::store
