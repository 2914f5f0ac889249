#include "server/store/stats.hpp"

namespace gadehold::store {

namespace {

// "team_id IN (...)" over a JSON array, or nothing for every team.
std::string team_filter(const StatsScope& scope, const char* column) {
  if (scope.all_teams) return "";
  return std::string(" AND ") + column + " IN (SELECT value FROM json_each(?3))";
}

std::string json_ids(const std::vector<std::string>& ids) {
  std::string out = "[";
  for (const auto& id : ids) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : id) {
      if (c == '"' || c == '\\') out += '\\';
      if (static_cast<unsigned char>(c) >= 0x20) out += c;
    }
    out += '"';
  }
  return out + "]";
}

void bind_scope(Statement& st, const StatsScope& scope, bool by_day) {
  if (by_day) {
    st.bind(1, scope.from_day).bind(2, scope.to_day);
  } else {
    st.bind(1, scope.from_day * kDayMs).bind(2, scope.to_day * kDayMs);
  }
  if (!scope.all_teams) st.bind(3, json_ids(scope.team_ids));
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
  static const char* outcomes[] = {"", "no_action_needed", "advice_given", "referred", "emergency_services_called"};
  static const char* bands[] = {"", "under_12", "12_15", "16_17", "18_24", "adult", "unknown"};
  const std::string m = metric;
  if (m == "notes_by_category" && value > 0 && value < 10) return categories[value];
  if (m == "notes_by_outcome" && value > 0 && value < 5) return outcomes[value];
  if (m == "notes_by_age_band" && value > 0 && value < 7) return bands[value];
  return "unknown";
}

}  // namespace

DailyCounts daily_counts(Connection& conn, const StatsScope& scope) {
  DailyCounts out;
  auto add = [&](const std::string& area, std::int64_t day, const std::string& metric, const std::string& category,
                 double value) {
    if (value != 0) out[{area, day, metric, category}] += value;
  };
  // Patrols by the day they started (server time). Hours from the phone's start and end;
  // a patrol the server closed after a long silence counts until it was last heard from.
  {
    Statement st(conn,
                 "SELECT p.area_id, p.received_at_ms / 86400000, COUNT(*), "
                 " SUM(CASE WHEN p.ended_at_ms IS NULL THEN 0 WHEN p.auto_closed = 1 "
                 "  THEN MAX(p.last_activity_ms - p.received_at_ms, 0) "
                 "  ELSE MAX(p.ended_at_ms - p.started_at_ms, 0) END) / 3600000.0, "
                 " SUM((CASE WHEN p.ended_at_ms IS NULL THEN 0 WHEN p.auto_closed = 1 "
                 "  THEN MAX(p.last_activity_ms - p.received_at_ms, 0) "
                 "  ELSE MAX(p.ended_at_ms - p.started_at_ms, 0) END) * "
                 "  (SELECT COUNT(*) FROM patrol_members pm WHERE pm.patrol_id = p.id)) / 3600000.0 "
                 "FROM patrols p WHERE p.received_at_ms >= ?1 AND p.received_at_ms < ?2" +
                     team_filter(scope, "p.team_id") + " GROUP BY 1, 2");
    bind_scope(st, scope, false);
    while (st.step()) {
      const auto area = st.column_text(0);
      const auto day = st.column_int(1);
      add(area, day, "patrols", "", static_cast<double>(st.column_int(2)));
      add(area, day, "patrol_hours", "", st.column_double(3));
      add(area, day, "volunteer_hours", "", st.column_double(4));
    }
  }
  // Check-ins: the live rows, then the folded days.
  {
    const std::string sql =
        scope.all_teams
            ? "SELECT COALESCE(c.area_id, ''), c.received_at_ms / 86400000, COUNT(*), SUM(c.status = 2) "
              "FROM check_ins c WHERE c.received_at_ms >= ?1 AND c.received_at_ms < ?2 GROUP BY 1, 2"
            : "SELECT COALESCE(c.area_id, ''), c.received_at_ms / 86400000, COUNT(*), SUM(c.status = 2) "
              "FROM check_ins c JOIN patrols p ON p.id = c.patrol_id "
              "WHERE c.received_at_ms >= ?1 AND c.received_at_ms < ?2" +
                  team_filter(scope, "p.team_id") + " GROUP BY 1, 2";
    Statement st(conn, sql);
    bind_scope(st, scope, false);
    while (st.step()) {
      add(st.column_text(0), st.column_int(1), "check_ins", "", static_cast<double>(st.column_int(2)));
      add(st.column_text(0), st.column_int(1), "check_ins", "need_support", static_cast<double>(st.column_int(3)));
    }
    Statement folded(conn, "SELECT area_id, day, SUM(total), SUM(need_support) FROM checkin_daily "
                           "WHERE day >= ?1 AND day < ?2" +
                               team_filter(scope, "team_id") + " GROUP BY 1, 2");
    bind_scope(folded, scope, true);
    while (folded.step()) {
      add(folded.column_text(0), folded.column_int(1), "check_ins", "", static_cast<double>(folded.column_int(2)));
      add(folded.column_text(0), folded.column_int(1), "check_ins", "need_support",
          static_cast<double>(folded.column_int(3)));
    }
  }
  // Notes by category, outcome and age band.
  {
    Statement st(conn,
                 "SELECT COALESCE(n.area_id, ''), n.received_at_ms / 86400000, n.category, n.outcome, n.age_band, "
                 "COUNT(*) FROM notes n WHERE n.received_at_ms >= ?1 AND n.received_at_ms < ?2" +
                     team_filter(scope, "n.team_id") + " GROUP BY 1, 2, 3, 4, 5");
    bind_scope(st, scope, false);
    while (st.step()) {
      const auto area = st.column_text(0);
      const auto day = st.column_int(1);
      const auto n = static_cast<double>(st.column_int(5));
      add(area, day, "notes", "", n);
      add(area, day, "notes_by_category", category_name("notes_by_category", st.column_int(2)), n);
      add(area, day, "notes_by_outcome", category_name("notes_by_outcome", st.column_int(3)), n);
      add(area, day, "notes_by_age_band", category_name("notes_by_age_band", st.column_int(4)), n);
    }
  }
  // SOS and overdue alerts, in the alert's area or else its patrol's.
  {
    Statement st(conn,
                 "SELECT COALESCE(NULLIF(a.area_id, ''), p.area_id, ''), a.raised_at_ms / 86400000, a.kind, COUNT(*) "
                 "FROM alerts a LEFT JOIN patrols p ON p.id = a.patrol_id "
                 "WHERE a.kind IN (1, 2) AND a.raised_at_ms >= ?1 AND a.raised_at_ms < ?2" +
                     team_filter(scope, "a.team_id") + " GROUP BY 1, 2, 3");
    bind_scope(st, scope, false);
    while (st.step()) {
      add(st.column_text(0), st.column_int(1), "alerts", st.column_int(2) == 2 ? "sos" : "overdue",
          static_cast<double>(st.column_int(3)));
    }
  }
  // Shifts by the day they start: planned (not cancelled), filled (at least the minimum
  // signed up), and volunteers' own withdrawals inside the late window.
  {
    Statement st(conn,
                 "SELECT s.area_id, s.starts_at_ms / 86400000, COUNT(*), "
                 " SUM((SELECT COUNT(*) FROM shift_signups ss WHERE ss.shift_id = s.id) >= s.min_volunteers), "
                 " SUM((SELECT COUNT(*) FROM shift_withdrawals w WHERE w.shift_id = s.id AND w.late = 1 "
                 "      AND w.unassigned_by IS NULL)) "
                 "FROM shifts s WHERE s.cancelled_at_ms IS NULL AND s.starts_at_ms >= ?1 AND s.starts_at_ms < ?2" +
                     team_filter(scope, "s.team_id") + " GROUP BY 1, 2");
    bind_scope(st, scope, false);
    while (st.step()) {
      add(st.column_text(0), st.column_int(1), "shifts_planned", "", static_cast<double>(st.column_int(2)));
      add(st.column_text(0), st.column_int(1), "shifts_filled", "", static_cast<double>(st.column_int(3)));
      add(st.column_text(0), st.column_int(1), "late_withdrawals", "", static_cast<double>(st.column_int(4)));
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
