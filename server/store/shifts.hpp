#pragma once
// Shift records: shifts, sign-ups, withdrawals, the leads on duty, and calendar feeds.
// Every function runs on the connection it is given; writes belong inside the writer's
// transaction.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/store/sqlite/connection.hpp"

namespace gadehold::store {

struct SignUpRow {
  std::string volunteer_id;
  std::string handle;
  bool assigned = false;
};

struct ShiftRow {
  std::string id;
  std::string team_id;
  std::string area_id;
  std::string area_name;
  std::int64_t starts_at_ms = 0;
  std::int64_t ends_at_ms = 0;
  std::int64_t min_volunteers = 0;
  std::int64_t max_volunteers = 0;
  std::string title;
  std::string notes;
  std::int64_t updated_at_ms = 0;
  std::int64_t sequence = 0;
  std::int64_t cancelled_at_ms = 0;
  std::string cancel_reason;
  std::string understaffed_alert_id;
  std::vector<SignUpRow> sign_ups;  // by handle

  bool cancelled() const { return cancelled_at_ms != 0; }
  bool has_sign_up(const std::string& volunteer_id) const;
};

// The team of a shift, if it exists.
std::optional<std::string> shift_team(Connection& conn, const std::string& shift_id);
// The shift with its sign-ups and area name.
std::optional<ShiftRow> find_shift(Connection& conn, const std::string& shift_id);
void insert_shift(Connection& conn, const ShiftRow& s, const std::string& created_by, std::int64_t now_ms);
// Writes the changeable fields, sequence, updated_at and the cancellation.
void save_shift(Connection& conn, const ShiftRow& s);

void add_sign_up(Connection& conn, const std::string& shift_id, const std::string& volunteer_id,
                 const std::string& assigned_by, std::int64_t now_ms);
// Removes the sign-up and records the withdrawal; `unassigned_by` is the lead, if any.
void remove_sign_up(Connection& conn, const std::string& shift_id, const std::string& volunteer_id,
                    std::int64_t now_ms, bool late, const std::string& unassigned_by);

struct TimeSpan {
  std::string shift_id;
  std::int64_t starts_at_ms = 0;
  std::int64_t ends_at_ms = 0;
};
// The volunteer's shifts (not cancelled) that overlap [from_ms, to_ms).
std::vector<TimeSpan> volunteer_shifts(Connection& conn, const std::string& volunteer_id,
                                       std::int64_t from_ms, std::int64_t to_ms);

struct ShiftQuery {
  std::int64_t from_ms = 0;  // starts at or after
  std::int64_t to_ms = 0;    // starts before
  std::vector<std::string> team_ids;
  bool all_teams = false;  // ignore team_ids
  std::string signed_up;   // non-empty: only shifts this volunteer is signed up to
};
// Shifts by start time, then id, each with its sign-ups.
std::vector<ShiftRow> list_shifts(Connection& conn, const ShiftQuery& query);

// Leads (by role) signed up to a shift of `team_id` running at `now_ms` who do not lead
// the team: on duty for it, on top of its own leads.
std::vector<std::string> on_duty_guest_leads(Connection& conn, const std::string& team_id,
                                             std::int64_t now_ms);
// True when the volunteer is on duty for the team now (see above).
bool on_duty(Connection& conn, const std::string& volunteer_id, const std::string& team_id,
             std::int64_t now_ms);
// The teams the volunteer is on duty for now as a guest lead.
std::vector<std::string> duty_teams(Connection& conn, const std::string& volunteer_id, std::int64_t now_ms);

// Calendar feeds. scope: 1 mine, 2 team.
struct FeedRow {
  std::string id;
  std::string volunteer_id;
  int scope = 0;
  std::string team_id;
  std::string device_id;  // the device it was created from; empty for feeds made before 0014
};
// Creates a feed and returns its secret token; only the hash is stored.
std::string create_feed(Connection& conn, const FeedRow& feed, std::int64_t now_ms);
// The live feed behind `token`: not revoked, its owner and the device it was created
// from not revoked.
std::optional<FeedRow> find_feed_by_token(Connection& conn, std::string_view token);
std::optional<FeedRow> find_feed(Connection& conn, const std::string& feed_id);
// False when it was already revoked.
bool revoke_feed(Connection& conn, const std::string& feed_id, std::int64_t now_ms);
// (A feed is also revoked with its device and with its owner: revoke_device and
// revoke_volunteer in identity.hpp.)
// Revokes the volunteer's live feeds of this scope and team; returns their ids.
std::vector<std::string> revoke_feeds_like(Connection& conn, const FeedRow& feed, std::int64_t now_ms);

}  // namespace gadehold::store
