#pragma once
// Patrol records: patrols and their members, check-ins and notes, and the areas their
// positions fall in.
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
void restart_patrol_timer(Connection& conn, const std::string& patrol_id, std::int64_t now_ms,
                          std::int64_t grace_ms);
// A check-in does the same in one statement with its last check-in. The SQLite limit
// probe (tests/load/sqlite_probe.cpp) runs this same function.
void record_patrol_check_in(Connection& conn, const std::string& patrol_id, std::int64_t now_ms,
                            const std::string& cell, int status, std::int64_t grace_ms);

// What the watchdog compares against the clock for one patrol that is not ended.
struct OpenPatrolTimer {
  std::string id;
  std::int64_t due_at_ms = 0;         // overdue from then on
  bool overdue_alert_open = false;    // an overdue alert is raised and not yet resolved
  std::int64_t last_activity_ms = 0;  // the start, or the latest check-in, note or SOS
  std::int64_t checkin_interval_ms = 0;
  std::int64_t due_notice_for_ms = 0;  // the last activity a check_in_due went out for; 0: none
};
// Every patrol that is not ended, read through the partial index patrols_open
// (migration 0009), which check-ins never write: a scan of the open patrols only,
// never of every patrol ever started.
std::vector<OpenPatrolTimer> open_patrol_timers(Connection& conn);
// The statement open_patrol_timers() runs, for the test of its query plan.
extern const char* const kOpenPatrolTimersSql;
// One open patrol's timer, by its primary key; nullopt if it has ended or does not exist.
std::optional<OpenPatrolTimer> open_patrol_timer(Connection& conn, const std::string& patrol_id);

// A check-in as stored: the coarse cell only, never the position.
struct CheckInRow {
  std::string id;
  std::string patrol_id;
  std::string volunteer_id;
  std::int64_t at_ms = 0;           // the phone's time
  std::int64_t received_at_ms = 0;  // the server's
  std::string cell;
  std::string area_id;  // empty: outside every area
  int status = 0;
};
void insert_check_in(Connection& conn, const CheckInRow& c);

// A note as stored: scrubbed text, the cell only.
struct NoteRow {
  std::string id;
  std::string patrol_id;
  std::string team_id;
  std::string volunteer_id;
  std::int64_t at_ms = 0;
  std::int64_t received_at_ms = 0;
  std::string cell;  // empty: sent without a position
  std::string area_id;
  int category = 0;
  int outcome = 0;
  int age_band = 0;
  int group_size = 0;
  std::string text;
};
void insert_note(Connection& conn, const NoteRow& n);

// Ends an active patrol at the phone's `ended_at_ms`; its timer stops.
void end_patrol(Connection& conn, const std::string& patrol_id, std::int64_t ended_at_ms,
                std::int64_t now_ms);
// Ends a patrol that has been silent too long, on the server's clock.
void auto_close_patrol(Connection& conn, const std::string& patrol_id, std::int64_t now_ms);

// The patrol's open overdue alert, set when the watchdog raises it and cleared when the
// patrol is heard from.
void set_overdue_alert(Connection& conn, const std::string& patrol_id, const std::string& alert_id);
void clear_overdue_alert(Connection& conn, const std::string& patrol_id);
// A lead resolved the overdue alert `alert_id`: the patrol that has it (if still active)
// is watched afresh from now, without it.
void rewatch_after_overdue(Connection& conn, const std::string& alert_id, std::int64_t now_ms,
                           std::int64_t grace_ms);
// Of `volunteer_ids`, those on a patrol that has not ended.
std::vector<std::string> on_open_patrol(Connection& conn, const std::vector<std::string>& volunteer_ids);
// Records that the check_in_due reminder for the stretch after `last_activity_ms` went out.
void mark_due_notice(Connection& conn, const std::string& patrol_id, std::int64_t last_activity_ms);
// The team of the volunteer's most recently started patrol, if they have been on one.
std::optional<std::string> latest_patrol_team(Connection& conn, const std::string& volunteer_id);

// The open patrols, oldest first: (patrol id, team id).
std::vector<std::pair<std::string, std::string>> open_patrols(Connection& conn);

// The area whose prefix is the longest match of `cell`, if any.
std::optional<std::string> area_of_cell(Connection& conn, const std::string& cell);
bool area_exists(Connection& conn, const std::string& area_id);

}  // namespace gadehold::store
