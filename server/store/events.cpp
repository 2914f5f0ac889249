#include "server/store/events.hpp"

namespace gadehold::store {

std::uint64_t insert_event(Connection& conn, std::int64_t at_ms, AudienceKind audience,
                           std::string_view team_id, std::string_view volunteer_id,
                           std::string_view payload) {
  Statement st(conn,
               "INSERT INTO events (at_ms, audience, team_id, volunteer_id, payload) VALUES (?, ?, ?, ?, ?)");
  st.bind(1, at_ms)
      .bind(2, static_cast<int>(audience))
      .bind_or_null(3, team_id)
      .bind_or_null(4, volunteer_id)
      .bind_blob(5, payload)
      .run();
  return static_cast<std::uint64_t>(conn.last_insert_rowid());
}

std::uint64_t latest_event_seq(Connection& conn) {
  Statement st(conn, "SELECT seq FROM sqlite_sequence WHERE name = 'events'");
  return st.step() ? static_cast<std::uint64_t>(st.column_int(0)) : 0;
}

std::uint64_t events_purged_through(Connection& conn) {
  Statement st(conn, "SELECT value FROM server_meta WHERE key = 'events_purged_through'");
  return st.step() ? std::stoull(st.column_text(0)) : 0;
}

std::vector<StoredEvent> events_visible_to(Connection& conn, const std::string& volunteer_id,
                                           bool coordinator, std::uint64_t since_seq, std::int64_t limit) {
  static_assert(
      static_cast<int>(AudienceKind::team) == 1 && static_cast<int>(AudienceKind::team_leads) == 2 &&
      static_cast<int>(AudienceKind::volunteer) == 4 && static_cast<int>(AudienceKind::leads_only) == 5 &&
      static_cast<int>(AudienceKind::volunteer_and_leads) == 6);
  Statement st(
      conn,
      "SELECT seq, payload FROM events WHERE seq > ?1 AND ("
      " (?2 = 1 AND audience NOT IN (4, 5))"
      " OR (audience IN (4, 6) AND volunteer_id = ?3)"
      " OR (audience = 1 AND team_id IN (SELECT team_id FROM memberships WHERE volunteer_id = ?3))"
      " OR (audience IN (2, 5, 6) AND team_id IN (SELECT team_id FROM memberships WHERE volunteer_id = ?3"
      "     AND is_lead = 1)))"
      " ORDER BY seq LIMIT ?4");
  st.bind(1, static_cast<std::int64_t>(since_seq))
      .bind(2, coordinator ? 1 : 0)
      .bind(3, volunteer_id)
      .bind(4, limit);
  std::vector<StoredEvent> out;
  while (st.step()) out.push_back({static_cast<std::uint64_t>(st.column_int(0)), st.column_text(1)});
  return out;
}

}  // namespace gadehold::store
