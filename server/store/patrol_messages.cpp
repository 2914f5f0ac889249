#include "server/store/patrol_messages.hpp"

namespace gadehold::store {

void insert_patrol_message(Connection& conn, const PatrolMessageRow& m) {
  Statement st(conn,
               "INSERT INTO patrol_messages (id, patrol_id, team_id, from_volunteer_id, sent_at_ms, text) "
               "VALUES (?, ?, ?, ?, ?, ?)");
  st.bind(1, m.id).bind(2, m.patrol_id).bind(3, m.team_id).bind(4, m.from_volunteer_id);
  st.bind(5, m.sent_at_ms).bind(6, m.text).run();
}

std::int64_t delete_patrol_messages_before(Connection& conn, std::int64_t before_ms, std::int64_t batch) {
  Statement st(conn,
               "DELETE FROM patrol_messages WHERE id IN (SELECT id FROM patrol_messages WHERE sent_at_ms < ? "
               "ORDER BY sent_at_ms LIMIT ?)");
  st.bind(1, before_ms).bind(2, batch).run();
  return conn.changes();
}

}  // namespace gadehold::store
