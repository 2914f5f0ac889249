#pragma once
// Alerts: SOS, overdue patrols, understaffed shifts, small patrols and patrols closed
// after a long silence; raised, escalated and acknowledged.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/core/status.hpp"
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
  core::Params params;              // the values of the kind's sentence; keys listed in reasons.tsv
  std::int64_t escalate_at_ms = 0;  // 0: never escalates
  std::int64_t escalated_at_ms = 0;
  std::int64_t acknowledged_at_ms = 0;
  std::string shift_id;         // an understaffing alert's shift
  std::string acknowledged_by;  // empty: nobody yet, or the server
  std::string acknowledged_by_handle;
  std::string ack_note;
  std::int64_t resolved_at_ms = 0;  // 0: open
  std::string resolved_by;          // empty: the server, or still open
  std::string resolved_by_handle;
  std::string resolve_note;
  std::string resolve_reason;  // the server's reason (reasons.tsv, code RESOLVED); empty: a person
  core::Params resolve_params;

  bool acknowledged() const { return acknowledged_at_ms != 0; }
  bool resolved() const { return resolved_at_ms != 0; }
};

void insert_alert(Connection& conn, const AlertRow& a);
std::optional<AlertRow> find_alert(Connection& conn, const std::string& alert_id);
// Marks the alert acknowledged; false if it already was acknowledged or resolved.
bool acknowledge_alert(Connection& conn, const std::string& alert_id, const std::string& by,
                       std::int64_t now_ms, const std::string& note);
// Who resolved an alert, when, and why.
struct AlertResolution {
  std::string by;  // empty: the server
  std::int64_t at_ms = 0;
  std::string note;
  std::string reason;  // the server's
  core::Params params;
};
// Marks the alert resolved; false if it already was.
bool resolve_alert(Connection& conn, const std::string& alert_id, const AlertResolution& how);

// The volunteer's SOS that nobody has acknowledged yet, if there is one.
std::optional<std::string> unanswered_sos_of(Connection& conn, const std::string& volunteer_id);
// The patrol's unresolved alert of `kind`, if it has one.
std::optional<std::string> open_patrol_alert(Connection& conn, const std::string& patrol_id, int kind);

// Where an alert kind stands in every list: SOS first, then NEED_SUPPORT, OVERDUE, and
// the planning kinds. Lower is more urgent.
int alert_severity_rank(int kind);

// Where a list of alerts continues: the sort key of the last alert of a page.
struct AlertCursor {
  int resolved = 0;  // 0: open, 1: resolved
  int rank = 0;      // alert_severity_rank
  std::int64_t raised_at_ms = 0;
  std::string id;
};

// Which alerts a caller sees. A lead: those of `team_ids`, and an SOS without a patrol
// raised by a member of one of them; a coordinator (`all_teams`) every alert; everyone:
// the alerts `volunteer_id` raised or that are about a patrol they are on.
struct AlertQuery {
  bool all_teams = false;
  std::vector<std::string> team_ids;
  std::string volunteer_id;
  std::int64_t resolved_since_ms = -1;  // < 0: open (unresolved) alerts only
  std::optional<AlertCursor> after;     // the page after this key
  std::int64_t limit = 100;
};

// Open alerts first, then resolved ones; each most urgent kind first
// (alert_severity_rank), then oldest first.
std::vector<AlertRow> list_alerts(Connection& conn, const AlertQuery& q);
AlertCursor cursor_of(const AlertRow& row);

// Unacknowledged, unresolved, unescalated alerts whose escalation time has come.
std::vector<std::string> alerts_due_for_escalation(Connection& conn, std::int64_t now_ms);
void mark_escalated(Connection& conn, const std::string& alert_id, std::int64_t now_ms);

// The alerts nobody has acknowledged yet (open, not resolved) of one kind: how many, and
// when the oldest was raised.
struct OpenAlertCount {
  int kind = 0;
  std::int64_t count = 0;
  std::int64_t oldest_raised_at_ms = 0;
};
std::vector<OpenAlertCount> open_alert_counts(Connection& conn);

// Unresolved understaffing alerts (kind 3) of shifts that started at or before `now_ms`: the
// shifts' ids.
std::vector<std::string> started_shifts_with_open_understaffing(Connection& conn, std::int64_t now_ms);

}  // namespace gadehold::store
