#include "server/store/shift_timers.hpp"

namespace gadehold::store {

namespace {

std::vector<std::string> shifts_starting_soon_where(Connection& conn, std::string_view condition,
                                                    std::int64_t now_ms, std::int64_t window_ms) {
  Statement st(conn, std::string("SELECT s.id FROM shifts s WHERE s.cancelled_at_ms IS NULL "
                                 "AND s.starts_at_ms > ?1 AND s.starts_at_ms <= ?1 + ?2 AND ")
                         .append(condition));
  st.bind(1, now_ms).bind(2, window_ms);
  return st.first_column();
}

}  // namespace

std::vector<std::string> understaffed_shifts_without_alert(Connection& conn, std::int64_t now_ms,
                                                           std::int64_t window_ms) {
  return shifts_starting_soon_where(
      conn,
      "s.understaffed_alert_id IS NULL AND "
      "(SELECT COUNT(*) FROM shift_signups ss WHERE ss.shift_id = s.id) < s.min_volunteers",
      now_ms, window_ms);
}

std::vector<std::string> shifts_with_unreminded_sign_ups(Connection& conn, std::int64_t now_ms,
                                                         std::int64_t window_ms) {
  return shifts_starting_soon_where(
      conn, "EXISTS (SELECT 1 FROM shift_signups ss WHERE ss.shift_id = s.id AND ss.reminded_at_ms IS NULL)",
      now_ms, window_ms);
}

std::vector<std::string> unreminded_volunteers(Connection& conn, const std::string& shift_id) {
  Statement st(conn,
               "SELECT volunteer_id FROM shift_signups WHERE shift_id = ? AND reminded_at_ms IS NULL "
               "ORDER BY volunteer_id");
  st.bind(1, shift_id);
  return st.first_column();
}

void mark_reminded(Connection& conn, const std::string& shift_id, const std::string& volunteer_id,
                   std::int64_t now_ms) {
  Statement st(conn, "UPDATE shift_signups SET reminded_at_ms = ? WHERE shift_id = ? AND volunteer_id = ?");
  st.bind(1, now_ms).bind(2, shift_id).bind(3, volunteer_id).run();
}

void clear_reminders(Connection& conn, const std::string& shift_id) {
  Statement st(conn, "UPDATE shift_signups SET reminded_at_ms = NULL WHERE shift_id = ?");
  st.bind(1, shift_id).run();
}

std::vector<std::pair<std::string, std::int64_t>> future_sign_ups(Connection& conn,
                                                                  const std::string& volunteer_id,
                                                                  const std::string& team_id,
                                                                  std::int64_t now_ms) {
  Statement st(conn,
               "SELECT s.id, s.starts_at_ms FROM shift_signups ss JOIN shifts s ON s.id = ss.shift_id "
               "WHERE ss.volunteer_id = ?1 AND s.starts_at_ms > ?2 AND (?3 IS NULL OR s.team_id = ?3) "
               "ORDER BY s.starts_at_ms");
  st.bind(1, volunteer_id).bind(2, now_ms).bind_or_null(3, team_id);
  std::vector<std::pair<std::string, std::int64_t>> out;
  while (st.step()) out.emplace_back(st.column_text(0), st.column_int(1));
  return out;
}

}  // namespace gadehold::store
