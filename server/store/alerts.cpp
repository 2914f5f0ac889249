#include "server/store/alerts.hpp"

#include <algorithm>

namespace gadehold::store {

namespace {

void bind_int_or_null(Statement& st, int index, std::int64_t value) {
  if (value == 0) {
    st.bind_null(index);
  } else {
    st.bind(index, value);
  }
}

AlertRow read_alert(Statement& st) {
  AlertRow a;
  a.id = st.column_text(0);
  a.kind = static_cast<int>(st.column_int(1));
  a.team_id = st.column_text(2);
  a.patrol_id = st.column_text(3);
  a.raised_by = st.column_text(4);
  a.raised_at_ms = st.column_int(5);
  a.cell = st.column_text(6);
  a.area_id = st.column_text(7);
  a.message = st.column_text(8);
  a.escalate_at_ms = st.column_int(9);
  a.escalated_at_ms = st.column_int(10);
  a.acknowledged_at_ms = st.column_int(11);
  a.shift_id = st.column_text(12);
  return a;
}

constexpr const char* kAlertColumns =
    "id, kind, team_id, patrol_id, raised_by, raised_at_ms, cell, area_id, message, escalate_at_ms, "
    "escalated_at_ms, acknowledged_at_ms, shift_id";

}  // namespace

void insert_alert(Connection& conn, const AlertRow& a) {
  Statement st(
      conn,
      "INSERT INTO alerts (id, kind, team_id, patrol_id, raised_by, raised_at_ms, cell, area_id, message, "
      "escalate_at_ms, shift_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.bind(1, a.id).bind(2, a.kind).bind(3, a.team_id);
  st.bind_or_null(4, a.patrol_id);
  st.bind_or_null(5, a.raised_by);
  st.bind(6, a.raised_at_ms);
  st.bind_or_null(7, a.cell);
  st.bind_or_null(8, a.area_id);
  st.bind(9, a.message);
  bind_int_or_null(st, 10, a.escalate_at_ms);
  st.bind_or_null(11, a.shift_id);
  st.run();
}

std::optional<AlertRow> find_alert(Connection& conn, const std::string& alert_id) {
  Statement st(conn, std::string("SELECT ") + kAlertColumns + " FROM alerts WHERE id = ?");
  st.bind(1, alert_id);
  if (!st.step()) return std::nullopt;
  return read_alert(st);
}

bool acknowledge_alert(Connection& conn, const std::string& alert_id, const std::string& by,
                       std::int64_t now_ms, const std::string& note) {
  Statement st(conn,
               "UPDATE alerts SET acknowledged_at_ms = ?, acknowledged_by = ?, ack_note = ? "
               "WHERE id = ? AND acknowledged_at_ms IS NULL");
  st.bind(1, now_ms);
  st.bind_or_null(2, by);
  st.bind(3, note).bind(4, alert_id).run();
  return conn.changes() == 1;
}

std::vector<AlertRow> open_alerts(Connection& conn, const std::vector<std::string>& team_ids,
                                  bool all_teams) {
  std::vector<AlertRow> out;
  Statement st(conn, std::string("SELECT ") + kAlertColumns +
                         " FROM alerts WHERE acknowledged_at_ms IS NULL ORDER BY raised_at_ms, id");
  while (st.step()) {
    auto a = read_alert(st);
    if (all_teams || std::find(team_ids.begin(), team_ids.end(), a.team_id) != team_ids.end()) {
      out.push_back(std::move(a));
    }
  }
  return out;
}

std::vector<std::string> alerts_due_for_escalation(Connection& conn, std::int64_t now_ms) {
  Statement st(conn,
               "SELECT id FROM alerts WHERE acknowledged_at_ms IS NULL AND escalated_at_ms IS NULL "
               "AND escalate_at_ms <= ?");
  st.bind(1, now_ms);
  return st.first_column();
}

void mark_escalated(Connection& conn, const std::string& alert_id, std::int64_t now_ms) {
  Statement st(conn, "UPDATE alerts SET escalated_at_ms = ? WHERE id = ?");
  st.bind(1, now_ms).bind(2, alert_id).run();
}

std::vector<OpenAlertCount> open_alert_counts(Connection& conn) {
  Statement st(
      conn,
      "SELECT kind, COUNT(*), MIN(raised_at_ms) FROM alerts WHERE acknowledged_at_ms IS NULL GROUP BY kind");
  std::vector<OpenAlertCount> out;
  while (st.step()) out.push_back({static_cast<int>(st.column_int(0)), st.column_int(1), st.column_int(2)});
  return out;
}

std::vector<std::string> started_shifts_with_open_understaffing(Connection& conn, std::int64_t now_ms) {
  Statement st(conn,
               "SELECT s.id FROM alerts a JOIN shifts s ON s.id = a.shift_id "
               "WHERE a.acknowledged_at_ms IS NULL AND a.kind = 3 AND s.starts_at_ms <= ?");
  st.bind(1, now_ms);
  return st.first_column();
}

}  // namespace gadehold::store
