#pragma once
// Patrol records: patrols and their members, check-ins, notes and alerts.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/store/sqlite/connection.hpp"

namespace gadehold::store {

struct PatrolRow {
  std::string id;
  std::string team_id;
  std::string area_id;
  std::string shift_id;
  std::int64_t checkin_interval_s = 0;
  std::int64_t started_at_ms = 0;
  std::int64_t last_check_in_ms = 0;
  std::string last_cell;
  int last_status = 0;
  std::int64_t last_activity_ms = 0;
  std::int64_t due_at_ms = 0;
  std::string overdue_alert_id;
  std::int64_t ended_at_ms = 0;
  bool auto_closed = false;
  std::vector<std::pair<std::string, std::string>> members;  // volunteer id, handle

  bool active() const { return ended_at_ms == 0; }
  bool has_member(const std::string& volunteer_id) const;
};

std::optional<PatrolRow> find_patrol(Connection& conn, const std::string& patrol_id);

void insert_patrol(Connection& conn, const PatrolRow& p, const std::string& started_by, std::int64_t now_ms);
// Restarts an active patrol's check-in timer: it is overdue from now + its interval +
// grace. Anything from the patrol (a note, an SOS) does this.
void restart_patrol_timer(Connection& conn, const std::string& patrol_id, std::int64_t now_ms, std::int64_t grace_ms);
// A check-in does the same in one statement with its last check-in. The SQLite limit
// probe (tests/load/sqlite_probe.cpp) runs this same function.
void record_patrol_check_in(Connection& conn, const std::string& patrol_id, std::int64_t now_ms, const std::string& cell,
                            int status, std::int64_t grace_ms);

// What the watchdog compares against the clock for one patrol that is not ended.
struct OpenPatrolTimer {
  std::string id;
  std::int64_t due_at_ms = 0;         // overdue from then on
  bool overdue_alert_open = false;    // an overdue alert is raised and not yet resolved
  std::int64_t last_activity_ms = 0;  // the start, or the latest check-in, note or SOS
};
// Every patrol that is not ended, read through the partial index patrols_open
// (migration 0009), which check-ins never write: a scan of the open patrols only,
// never of every patrol ever started.
std::vector<OpenPatrolTimer> open_patrol_timers(Connection& conn);
// The statement open_patrol_timers() runs, for the test of its query plan.
extern const char* const kOpenPatrolTimersSql;

// The area whose prefix is the longest match of `cell`, if any.
std::optional<std::string> area_of_cell(Connection& conn, const std::string& cell);
bool area_exists(Connection& conn, const std::string& area_id);

struct AlertRow {
  std::string id;
  int kind = 0;
  std::string team_id;
  std::string patrol_id;
  std::string raised_by;
  std::int64_t raised_at_ms = 0;
  std::string cell;
  std::string area_id;
  std::string message;
  std::int64_t escalate_at_ms = 0;  // 0: never escalates
  std::int64_t escalated_at_ms = 0;
  std::int64_t acknowledged_at_ms = 0;
  std::string shift_id;  // an understaffing alert's shift
};

void insert_alert(Connection& conn, const AlertRow& a);
std::optional<AlertRow> find_alert(Connection& conn, const std::string& alert_id);
// Marks the alert acknowledged; false if it already was.
bool acknowledge_alert(Connection& conn, const std::string& alert_id, const std::string& by, std::int64_t now_ms,
                       const std::string& note);
// Unacknowledged alerts: of the given teams, or of every team when `all_teams`.
std::vector<AlertRow> open_alerts(Connection& conn, const std::vector<std::string>& team_ids, bool all_teams);

}  // namespace gadehold::store
