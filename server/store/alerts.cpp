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

// key=value pairs joined by '&'; keys and values are names, numbers and ids.
std::string encode_params(const core::Params& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out += '&';
    out += key + '=' + value;
  }
  return out;
}

core::Params decode_params(const std::string& text) {
  core::Params params;
  std::size_t from = 0;
  while (from < text.size()) {
    auto to = text.find('&', from);
    if (to == std::string::npos) to = text.size();
    const auto pair = text.substr(from, to - from);
    const auto eq = pair.find('=');
    if (eq != std::string::npos) params.emplace_back(pair.substr(0, eq), pair.substr(eq + 1));
    from = to + 1;
  }
  return params;
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
  a.acknowledged_by = st.column_text(13);
  a.acknowledged_by_handle = st.column_text(14);
  a.ack_note = st.column_text(15);
  a.resolved_at_ms = st.column_int(16);
  a.resolved_by = st.column_text(17);
  a.resolved_by_handle = st.column_text(18);
  a.resolve_note = st.column_text(19);
  a.params = decode_params(st.column_text(20));
  a.resolve_reason = st.column_text(21);
  a.resolve_params = decode_params(st.column_text(22));
  return a;
}

// The alert's columns and the handles of who acknowledged and resolved it, from `alerts a`.
constexpr const char* kAlertSelect =
    "SELECT a.id, a.kind, a.team_id, a.patrol_id, a.raised_by, a.raised_at_ms, a.cell, a.area_id, a.message, "
    "a.escalate_at_ms, a.escalated_at_ms, a.acknowledged_at_ms, a.shift_id, a.acknowledged_by, ack.handle, "
    "a.ack_note, a.resolved_at_ms, a.resolved_by, res.handle, a.resolve_note, a.params, a.resolve_reason, "
    "a.resolve_params FROM alerts a "
    "LEFT JOIN volunteers ack ON ack.id = a.acknowledged_by LEFT JOIN volunteers res ON res.id = "
    "a.resolved_by ";

// alert_severity_rank in SQL.
constexpr const char* kSeverityRank = "CASE a.kind WHEN 2 THEN 0 WHEN 6 THEN 1 WHEN 1 THEN 2 ELSE 3 END";

}  // namespace

void insert_alert(Connection& conn, const AlertRow& a) {
  Statement st(
      conn,
      "INSERT INTO alerts (id, kind, team_id, patrol_id, raised_by, raised_at_ms, cell, area_id, message, "
      "escalate_at_ms, shift_id, params) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.bind(1, a.id).bind(2, a.kind).bind(3, a.team_id);
  st.bind_or_null(4, a.patrol_id);
  st.bind_or_null(5, a.raised_by);
  st.bind(6, a.raised_at_ms);
  st.bind_or_null(7, a.cell);
  st.bind_or_null(8, a.area_id);
  st.bind(9, a.message);
  bind_int_or_null(st, 10, a.escalate_at_ms);
  st.bind_or_null(11, a.shift_id);
  st.bind(12, encode_params(a.params));
  st.run();
}

std::optional<AlertRow> find_alert(Connection& conn, const std::string& alert_id) {
  Statement st(conn, std::string(kAlertSelect) + "WHERE a.id = ?");
  st.bind(1, alert_id);
  if (!st.step()) return std::nullopt;
  return read_alert(st);
}

bool acknowledge_alert(Connection& conn, const std::string& alert_id, const std::string& by,
                       std::int64_t now_ms, const std::string& note) {
  Statement st(conn,
               "UPDATE alerts SET acknowledged_at_ms = ?, acknowledged_by = ?, ack_note = ? "
               "WHERE id = ? AND acknowledged_at_ms IS NULL AND resolved_at_ms IS NULL");
  st.bind(1, now_ms);
  st.bind_or_null(2, by);
  st.bind(3, note).bind(4, alert_id).run();
  return conn.changes() == 1;
}

bool resolve_alert(Connection& conn, const std::string& alert_id, const AlertResolution& how) {
  Statement st(conn,
               "UPDATE alerts SET resolved_at_ms = ?, resolved_by = ?, resolve_note = ?, resolve_reason = ?, "
               "resolve_params = ? WHERE id = ? AND resolved_at_ms IS NULL");
  st.bind(1, how.at_ms);
  st.bind_or_null(2, how.by);
  st.bind(3, how.note).bind(4, how.reason).bind(5, encode_params(how.params)).bind(6, alert_id).run();
  return conn.changes() == 1;
}

std::optional<std::string> unanswered_sos_of(Connection& conn, const std::string& volunteer_id) {
  Statement st(conn,
               "SELECT id FROM alerts WHERE kind = 2 AND raised_by = ? AND acknowledged_at_ms IS NULL AND "
               "resolved_at_ms IS NULL ORDER BY raised_at_ms LIMIT 1");
  st.bind(1, volunteer_id);
  if (!st.step()) return std::nullopt;
  return st.column_text(0);
}

std::optional<std::string> open_patrol_alert(Connection& conn, const std::string& patrol_id, int kind) {
  Statement st(conn,
               "SELECT id FROM alerts WHERE patrol_id = ? AND kind = ? AND resolved_at_ms IS NULL "
               "ORDER BY raised_at_ms LIMIT 1");
  st.bind(1, patrol_id).bind(2, kind);
  if (!st.step()) return std::nullopt;
  return st.column_text(0);
}

int alert_severity_rank(int kind) {
  switch (kind) {
    case 2:
      return 0;  // SOS
    case 6:
      return 1;  // NEED_SUPPORT
    case 1:
      return 2;  // OVERDUE
    default:
      return 3;
  }
}

std::vector<AlertRow> list_alerts(Connection& conn, const AlertQuery& q) {
  // ?1 all teams, ?2 the lead's teams (JSON), ?3 the volunteer, ?4 resolved since,
  // ?5-?8 the cursor, ?9 the limit.
  std::string sql =
      std::string(kAlertSelect) +
      (q.resolved_since_ms < 0 ? "WHERE a.resolved_at_ms IS NULL "
                               : "WHERE (a.resolved_at_ms IS NULL OR a.resolved_at_ms >= ?4) ") +
      "AND (?1 = 1 OR a.team_id IN (SELECT value FROM json_each(?2)) "
      "OR (a.kind = 2 AND a.patrol_id IS NULL AND a.raised_by IN (SELECT volunteer_id FROM "
      "memberships WHERE team_id IN (SELECT value FROM json_each(?2)))) "
      "OR a.raised_by = ?3 "
      "OR a.patrol_id IN (SELECT patrol_id FROM patrol_members WHERE volunteer_id = ?3)) ";
  const std::string key =
      "(a.resolved_at_ms IS NOT NULL), " + std::string(kSeverityRank) + ", a.raised_at_ms, a.id";
  if (q.after) sql += "AND (" + key + ") > (?5, ?6, ?7, ?8) ";
  sql += "ORDER BY " + key + " LIMIT ?9";
  Statement st(conn, sql);
  st.bind(1, q.all_teams ? 1 : 0).bind(2, json_text_array(q.team_ids)).bind(3, q.volunteer_id);
  if (q.resolved_since_ms >= 0) st.bind(4, q.resolved_since_ms);
  if (q.after) {
    st.bind(5, q.after->resolved).bind(6, q.after->rank).bind(7, q.after->raised_at_ms).bind(8, q.after->id);
  }
  st.bind(9, q.limit);
  std::vector<AlertRow> out;
  while (st.step()) out.push_back(read_alert(st));
  return out;
}

AlertCursor cursor_of(const AlertRow& row) {
  return {row.resolved() ? 1 : 0, alert_severity_rank(row.kind), row.raised_at_ms, row.id};
}

std::vector<std::string> alerts_due_for_escalation(Connection& conn, std::int64_t now_ms) {
  Statement st(conn,
               "SELECT id FROM alerts WHERE acknowledged_at_ms IS NULL AND escalated_at_ms IS NULL "
               "AND escalate_at_ms <= ? AND resolved_at_ms IS NULL");
  st.bind(1, now_ms);
  return st.first_column();
}

void mark_escalated(Connection& conn, const std::string& alert_id, std::int64_t now_ms) {
  Statement st(conn, "UPDATE alerts SET escalated_at_ms = ? WHERE id = ?");
  st.bind(1, now_ms).bind(2, alert_id).run();
}

std::vector<OpenAlertCount> open_alert_counts(Connection& conn) {
  Statement st(conn,
               "SELECT kind, COUNT(*), MIN(raised_at_ms) FROM alerts WHERE acknowledged_at_ms IS NULL AND "
               "resolved_at_ms IS NULL GROUP BY kind");
  std::vector<OpenAlertCount> out;
  while (st.step()) out.push_back({static_cast<int>(st.column_int(0)), st.column_int(1), st.column_int(2)});
  return out;
}

std::vector<std::string> started_shifts_with_open_understaffing(Connection& conn, std::int64_t now_ms) {
  Statement st(conn,
               "SELECT s.id FROM alerts a JOIN shifts s ON s.id = a.shift_id "
               "WHERE a.resolved_at_ms IS NULL AND a.kind = 3 AND s.starts_at_ms <= ?");
  st.bind(1, now_ms);
  return st.first_column();
}

}  // namespace gadehold::store
