#include "server/store/patrols.hpp"

#include <algorithm>
#include <limits>

namespace gadehold::store {

bool PatrolRow::has_member(const std::string& volunteer_id) const {
  return std::any_of(members.begin(), members.end(), [&](const auto& m) { return m.first == volunteer_id; });
}

std::optional<PatrolRow> find_patrol(Connection& conn, const std::string& patrol_id) {
  Statement st(
      conn,
      "SELECT id, team_id, area_id, shift_id, checkin_interval_s, started_at_ms, last_check_in_ms, "
      "last_cell, last_status, last_activity_ms, due_at_ms, overdue_alert_id, ended_at_ms, auto_closed "
      "FROM patrols WHERE id = ?");
  st.bind(1, patrol_id);
  if (!st.step()) return std::nullopt;
  PatrolRow p;
  p.id = st.column_text(0);
  p.team_id = st.column_text(1);
  p.area_id = st.column_text(2);
  p.shift_id = st.column_text(3);
  p.checkin_interval_s = st.column_int(4);
  p.started_at_ms = st.column_int(5);
  p.last_check_in_ms = st.column_int(6);
  p.last_cell = st.column_text(7);
  p.last_status = static_cast<int>(st.column_int(8));
  p.last_activity_ms = st.column_int(9);
  p.due_at_ms = st.column_int(10);
  p.overdue_alert_id = st.column_text(11);
  p.ended_at_ms = st.column_int(12);
  p.auto_closed = st.column_int(13) == 1;
  Statement m(conn,
              "SELECT v.id, v.handle FROM patrol_members pm JOIN volunteers v ON v.id = pm.volunteer_id "
              "WHERE pm.patrol_id = ? ORDER BY v.handle");
  m.bind(1, patrol_id);
  while (m.step()) p.members.emplace_back(m.column_text(0), m.column_text(1));
  return p;
}

void insert_patrol(Connection& conn, const PatrolRow& p, const std::string& started_by, std::int64_t now_ms) {
  Statement st(
      conn,
      "INSERT INTO patrols (id, team_id, area_id, shift_id, started_by, checkin_interval_s, started_at_ms, "
      "received_at_ms, last_activity_ms, due_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.bind(1, p.id).bind(2, p.team_id).bind(3, p.area_id);
  st.bind_or_null(4, p.shift_id);
  st.bind(5, started_by)
      .bind(6, p.checkin_interval_s)
      .bind(7, p.started_at_ms)
      .bind(8, now_ms)
      .bind(9, now_ms);
  st.bind(10, p.due_at_ms).run();
  Statement m(conn, "INSERT INTO patrol_members (patrol_id, volunteer_id) VALUES (?, ?)");
  for (const auto& [id, handle] : p.members) {
    m.reset();
    m.bind(1, p.id).bind(2, id).run();
  }
}

// The two statements below share the overdue rule: due at now + interval + grace.
void restart_patrol_timer(Connection& conn, const std::string& patrol_id, std::int64_t now_ms,
                          std::int64_t grace_ms) {
  Statement st(conn,
               "UPDATE patrols SET last_activity_ms = ?1, due_at_ms = ?1 + checkin_interval_s * 1000 + ?2 "
               "WHERE id = ?3 AND ended_at_ms IS NULL");
  st.bind(1, now_ms).bind(2, grace_ms).bind(3, patrol_id).run();
}

void record_patrol_check_in(Connection& conn, const std::string& patrol_id, std::int64_t now_ms,
                            const std::string& cell, int status, std::int64_t grace_ms) {
  Statement st(
      conn,
      "UPDATE patrols SET last_check_in_ms = ?1, last_cell = ?2, last_status = ?3, last_activity_ms = ?1, "
      "due_at_ms = ?1 + checkin_interval_s * 1000 + ?4 WHERE id = ?5 AND ended_at_ms IS NULL");
  st.bind(1, now_ms).bind(2, cell).bind(3, status).bind(4, grace_ms).bind(5, patrol_id).run();
}

void insert_check_in(Connection& conn, const CheckInRow& c) {
  Statement st(
      conn,
      "INSERT INTO check_ins (id, patrol_id, volunteer_id, at_ms, received_at_ms, cell, area_id, status) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  st.bind(1, c.id).bind(2, c.patrol_id).bind(3, c.volunteer_id).bind(4, c.at_ms).bind(5, c.received_at_ms);
  st.bind(6, c.cell).bind_or_null(7, c.area_id).bind(8, c.status).run();
}

void insert_note(Connection& conn, const NoteRow& n) {
  Statement st(
      conn,
      "INSERT INTO notes (id, patrol_id, team_id, volunteer_id, at_ms, received_at_ms, cell, area_id, "
      "category, outcome, age_band, group_size, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.bind(1, n.id).bind(2, n.patrol_id).bind(3, n.team_id).bind(4, n.volunteer_id);
  st.bind(5, n.at_ms).bind(6, n.received_at_ms).bind_or_null(7, n.cell).bind(8, n.area_id);
  st.bind(9, n.category).bind(10, n.outcome).bind(11, n.age_band).bind(12, n.group_size);
  st.bind(13, n.text).run();
}

void end_patrol(Connection& conn, const std::string& patrol_id, std::int64_t ended_at_ms,
                std::int64_t now_ms) {
  Statement st(conn,
               "UPDATE patrols SET ended_at_ms = ?, ended_received_ms = ?, due_at_ms = NULL WHERE id = ?");
  st.bind(1, ended_at_ms).bind(2, now_ms).bind(3, patrol_id).run();
}

void auto_close_patrol(Connection& conn, const std::string& patrol_id, std::int64_t now_ms) {
  Statement st(
      conn,
      "UPDATE patrols SET ended_at_ms = ?1, ended_received_ms = ?1, due_at_ms = NULL, auto_closed = 1 "
      "WHERE id = ?2");
  st.bind(1, now_ms).bind(2, patrol_id).run();
}

void set_overdue_alert(Connection& conn, const std::string& patrol_id, const std::string& alert_id) {
  Statement st(conn, "UPDATE patrols SET overdue_alert_id = ? WHERE id = ?");
  st.bind(1, alert_id).bind(2, patrol_id).run();
}

void clear_overdue_alert(Connection& conn, const std::string& patrol_id) {
  Statement st(conn, "UPDATE patrols SET overdue_alert_id = NULL WHERE id = ?");
  st.bind(1, patrol_id).run();
}

void rewatch_after_overdue(Connection& conn, const std::string& alert_id, std::int64_t now_ms,
                           std::int64_t grace_ms) {
  Statement st(conn,
               "UPDATE patrols SET overdue_alert_id = NULL, due_at_ms = ?1 + checkin_interval_s * 1000 + ?2 "
               "WHERE overdue_alert_id = ?3 AND ended_at_ms IS NULL");
  st.bind(1, now_ms).bind(2, grace_ms).bind(3, alert_id).run();
}

std::vector<std::string> on_open_patrol(Connection& conn, const std::vector<std::string>& volunteer_ids) {
  Statement st(conn,
               "SELECT DISTINCT m.volunteer_id FROM patrol_members m JOIN patrols p ON p.id = m.patrol_id "
               "WHERE m.volunteer_id IN (SELECT value FROM json_each(?)) AND p.ended_at_ms IS NULL");
  st.bind(1, json_text_array(volunteer_ids));
  return st.first_column();
}

std::optional<std::string> latest_patrol_team(Connection& conn, const std::string& volunteer_id) {
  Statement st(conn,
               "SELECT p.team_id FROM patrol_members m JOIN patrols p ON p.id = m.patrol_id "
               "WHERE m.volunteer_id = ? ORDER BY p.received_at_ms DESC, p.id DESC LIMIT 1");
  st.bind(1, volunteer_id);
  if (!st.step()) return std::nullopt;
  return st.column_text(0);
}

std::vector<std::pair<std::string, std::string>> open_patrols(Connection& conn) {
  // The open patrols only (migration 0009's partial index), not every patrol started.
  Statement st(conn,
               "SELECT id, team_id FROM patrols INDEXED BY patrols_open WHERE ended_at_ms IS NULL "
               "ORDER BY received_at_ms, id");
  std::vector<std::pair<std::string, std::string>> out;
  while (st.step()) out.emplace_back(st.column_text(0), st.column_text(1));
  return out;
}

const char* const kOpenPatrolTimersSql =
    "SELECT id, due_at_ms, overdue_alert_id IS NOT NULL, last_activity_ms, checkin_interval_s, "
    "due_notice_for_ms FROM patrols INDEXED BY patrols_open WHERE ended_at_ms IS NULL";

namespace {

OpenPatrolTimer read_timer(Statement& st) {
  // An open patrol always has a timer; were one missing, it would never be overdue.
  const auto due = st.column_is_null(1) ? std::numeric_limits<std::int64_t>::max() : st.column_int(1);
  return {st.column_text(0), due, st.column_int(2) != 0, st.column_int(3), st.column_int(4) * 1000,
          st.column_int(5)};
}

}  // namespace

std::vector<OpenPatrolTimer> open_patrol_timers(Connection& conn) {
  Statement st(conn, kOpenPatrolTimersSql);
  std::vector<OpenPatrolTimer> out;
  while (st.step()) out.push_back(read_timer(st));
  return out;
}

std::optional<OpenPatrolTimer> open_patrol_timer(Connection& conn, const std::string& patrol_id) {
  Statement st(conn,
               "SELECT id, due_at_ms, overdue_alert_id IS NOT NULL, last_activity_ms, checkin_interval_s, "
               "due_notice_for_ms FROM patrols WHERE id = ? AND ended_at_ms IS NULL");
  st.bind(1, patrol_id);
  if (!st.step()) return std::nullopt;
  return read_timer(st);
}

void mark_due_notice(Connection& conn, const std::string& patrol_id, std::int64_t last_activity_ms) {
  Statement st(conn, "UPDATE patrols SET due_notice_for_ms = ? WHERE id = ?");
  st.bind(1, last_activity_ms).bind(2, patrol_id).run();
}

std::optional<std::string> area_of_cell(Connection& conn, const std::string& cell) {
  Statement st(conn, "SELECT area_id FROM area_prefixes WHERE prefix = ?");
  for (std::size_t n = cell.size(); n > 0; --n) {
    st.reset();
    st.bind(1, std::string_view(cell).substr(0, n));
    if (st.step()) return st.column_text(0);
  }
  return std::nullopt;
}

bool area_exists(Connection& conn, const std::string& area_id) {
  Statement st(conn, "SELECT 1 FROM areas WHERE id = ?");
  st.bind(1, area_id);
  return st.step();
}

}  // namespace gadehold::store
