#include "server/store/stats.hpp"

namespace gadehold::store {

namespace {

// "team_id IN (...)" over a JSON array, or nothing for every team.
std::string team_filter(const StatsScope& scope, const char* column) {
  if (scope.all_teams) return "";
  return std::string(" AND ") + column + " IN (SELECT value FROM json_each(?3))";
}

void bind_scope(Statement& st, const StatsScope& scope, bool by_day) {
  if (by_day) {
    st.bind(1, scope.from_day).bind(2, scope.to_day);
  } else {
    st.bind(1, scope.from_day * kDayMs).bind(2, scope.to_day * kDayMs);
  }
  if (!scope.all_teams) st.bind(3, json_text_array(scope.team_ids));
}

const char* category_name(const char* metric, std::int64_t value) {
  static const char* categories[] = {"",
                                     "conversation",
                                     "anti_social_behaviour",
                                     "conflict_deescalated",
                                     "welfare_concern",
                                     "substance_related",
                                     "weapon_concern",
                                     "environmental_hazard",
                                     "referral_made",
                                     "other"};
  static const char* outcomes[] = {"", "no_action_needed", "advice_given", "referred",
                                   "emergency_services_called"};
  static const char* bands[] = {"", "under_12", "12_15", "16_17", "18_24", "adult", "unknown"};
  const std::string m = metric;
  if (m == "notes_by_category" && value > 0 && value < 10) return categories[value];
  if (m == "notes_by_outcome" && value > 0 && value < 5) return outcomes[value];
  if (m == "notes_by_age_band" && value > 0 && value < 7) return bands[value];
  return "unknown";
}

}  // namespace

WindowCounts window_counts(Connection& conn, const StatsScope& scope) {
  WindowCounts out;
  auto add = [&](const std::string& area, const std::string& metric, const std::string& category,
                 double value) {
    if (value != 0) out[{area, metric, category}] += value;
  };
  // Patrols by the day they started (server time). Hours from the phone's start and end;
  // a patrol the server closed after a long silence counts until it was last heard from.
  {
    Statement st(conn,
                 "SELECT p.area_id, COUNT(*), "
                 " SUM(CASE WHEN p.ended_at_ms IS NULL THEN 0 WHEN p.auto_closed = 1 "
                 "  THEN MAX(p.last_activity_ms - p.received_at_ms, 0) "
                 "  ELSE MAX(p.ended_at_ms - p.started_at_ms, 0) END) / 3600000.0, "
                 " SUM((CASE WHEN p.ended_at_ms IS NULL THEN 0 WHEN p.auto_closed = 1 "
                 "  THEN MAX(p.last_activity_ms - p.received_at_ms, 0) "
                 "  ELSE MAX(p.ended_at_ms - p.started_at_ms, 0) END) * "
                 "  (SELECT COUNT(*) FROM patrol_members pm WHERE pm.patrol_id = p.id)) / 3600000.0 "
                 "FROM patrols p WHERE p.received_at_ms >= ?1 AND p.received_at_ms < ?2" +
                     team_filter(scope, "p.team_id") + " GROUP BY 1");
    bind_scope(st, scope, false);
    while (st.step()) {
      const auto area = st.column_text(0);
      add(area, "patrols", "", static_cast<double>(st.column_int(1)));
      add(area, "patrol_hours", "", st.column_double(2));
      add(area, "volunteer_hours", "", st.column_double(3));
    }
  }
  // Check-ins: counted per day as they arrive (see schema/0005_stats.sql).
  {
    Statement st(conn,
                 "SELECT area_id, SUM(total), SUM(need_support) FROM checkin_daily "
                 "WHERE day >= ?1 AND day < ?2" +
                     team_filter(scope, "team_id") + " GROUP BY 1");
    bind_scope(st, scope, true);
    while (st.step()) {
      add(st.column_text(0), "check_ins", "", static_cast<double>(st.column_int(1)));
      add(st.column_text(0), "check_ins", "need_support", static_cast<double>(st.column_int(2)));
    }
  }
  // Notes: in total, and by category, outcome and age band.
  for (const char* metric : {"notes_by_category", "notes_by_outcome", "notes_by_age_band"}) {
    const std::string column = std::string(metric) == "notes_by_category"  ? "category"
                               : std::string(metric) == "notes_by_outcome" ? "outcome"
                                                                           : "age_band";
    Statement st(conn, "SELECT COALESCE(n.area_id, ''), n." + column +
                           ", COUNT(*) FROM notes n WHERE n.received_at_ms >= ?1 AND n.received_at_ms < ?2" +
                           team_filter(scope, "n.team_id") + " GROUP BY 1, 2");
    bind_scope(st, scope, false);
    while (st.step()) {
      const auto n = static_cast<double>(st.column_int(2));
      add(st.column_text(0), metric, category_name(metric, st.column_int(1)), n);
      if (column == "category") add(st.column_text(0), "notes", "", n);
    }
  }
  // SOS and overdue alerts, in the alert's area or else its patrol's.
  {
    Statement st(conn,
                 "SELECT COALESCE(NULLIF(a.area_id, ''), p.area_id, ''), a.kind, COUNT(*) "
                 "FROM alerts a LEFT JOIN patrols p ON p.id = a.patrol_id "
                 "WHERE a.kind IN (1, 2) AND a.raised_at_ms >= ?1 AND a.raised_at_ms < ?2" +
                     team_filter(scope, "a.team_id") + " GROUP BY 1, 2");
    bind_scope(st, scope, false);
    while (st.step()) {
      add(st.column_text(0), "alerts", st.column_int(1) == 2 ? "sos" : "overdue",
          static_cast<double>(st.column_int(2)));
    }
  }
  // Shifts by the day they start: planned (not cancelled), filled (at least the minimum
  // signed up), and volunteers' own withdrawals inside the late window.
  {
    Statement st(
        conn,
        "SELECT s.area_id, COUNT(*), "
        " SUM((SELECT COUNT(*) FROM shift_signups ss WHERE ss.shift_id = s.id) >= s.min_volunteers), "
        " SUM((SELECT COUNT(*) FROM shift_withdrawals w WHERE w.shift_id = s.id AND w.late = 1 "
        "      AND w.unassigned_by IS NULL)) "
        "FROM shifts s WHERE s.cancelled_at_ms IS NULL AND s.starts_at_ms >= ?1 AND s.starts_at_ms < ?2" +
            team_filter(scope, "s.team_id") + " GROUP BY 1");
    bind_scope(st, scope, false);
    while (st.step()) {
      add(st.column_text(0), "shifts_planned", "", static_cast<double>(st.column_int(1)));
      add(st.column_text(0), "shifts_filled", "", static_cast<double>(st.column_int(2)));
      add(st.column_text(0), "late_withdrawals", "", static_cast<double>(st.column_int(3)));
    }
  }
  return out;
}

std::map<std::string, std::string> area_names(Connection& conn) {
  std::map<std::string, std::string> out;
  Statement st(conn, "SELECT id, name FROM areas");
  while (st.step()) out[st.column_text(0)] = st.column_text(1);
  return out;
}

}  // namespace gadehold::store

namespace gadehold::store {

void count_check_in(Connection& conn, std::int64_t received_at_ms, const std::string& area_id,
                    const std::string& team_id, bool need_support) {
  Statement st(
      conn,
      "INSERT INTO checkin_daily (day, area_id, team_id, total, need_support) VALUES (?, ?, ?, 1, ?) "
      "ON CONFLICT (day, area_id, team_id) DO UPDATE SET total = total + 1, "
      "need_support = need_support + excluded.need_support");
  st.bind(1, received_at_ms / kDayMs).bind(2, area_id).bind(3, team_id).bind(4, need_support ? 1 : 0).run();
}

}  // namespace gadehold::store
