#pragma once
// Alerts: SOS, overdue patrols, understaffed shifts, small patrols and patrols closed
// after a long silence; raised, escalated and acknowledged.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/store/sqlite/connection.hpp"

namespace gadehold::store {

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
bool acknowledge_alert(Connection& conn, const std::string& alert_id, const std::string& by,
                       std::int64_t now_ms, const std::string& note);
// Unacknowledged alerts: of the given teams, or of every team when `all_teams`.
std::vector<AlertRow> open_alerts(Connection& conn, const std::vector<std::string>& team_ids, bool all_teams);

// Unacknowledged, unescalated alerts whose escalation time has come.
std::vector<std::string> alerts_due_for_escalation(Connection& conn, std::int64_t now_ms);
void mark_escalated(Connection& conn, const std::string& alert_id, std::int64_t now_ms);

// The open (unacknowledged) alerts of one kind: how many, and when the oldest was raised.
struct OpenAlertCount {
  int kind = 0;
  std::int64_t count = 0;
  std::int64_t oldest_raised_at_ms = 0;
};
std::vector<OpenAlertCount> open_alert_counts(Connection& conn);

// Open understaffing alerts (kind 3) of shifts that started at or before `now_ms`: the
// shifts' ids.
std::vector<std::string> started_shifts_with_open_understaffing(Connection& conn, std::int64_t now_ms);

}  // namespace gadehold::store
