#include "server/store/shifts.hpp"

#include <algorithm>
#include <map>

#include "server/core/tokens.hpp"
#include "server/store/identity.hpp"

namespace gadehold::store {

namespace {

constexpr const char* kShiftColumns =
    "s.id, s.team_id, s.area_id, a.name, s.starts_at_ms, s.ends_at_ms, s.min_volunteers, s.max_volunteers, "
    "s.title, s.notes, s.updated_at_ms, s.sequence, s.cancelled_at_ms, s.cancel_reason, "
    "s.understaffed_alert_id";

ShiftRow read_shift(Statement& st) {
  ShiftRow s;
  s.id = st.column_text(0);
  s.team_id = st.column_text(1);
  s.area_id = st.column_text(2);
  s.area_name = st.column_text(3);
  s.starts_at_ms = st.column_int(4);
  s.ends_at_ms = st.column_int(5);
  s.min_volunteers = st.column_int(6);
  s.max_volunteers = st.column_int(7);
  s.title = st.column_text(8);
  s.notes = st.column_text(9);
  s.updated_at_ms = st.column_int(10);
  s.sequence = st.column_int(11);
  s.cancelled_at_ms = st.column_int(12);
  s.cancel_reason = st.column_text(13);
  s.understaffed_alert_id = st.column_text(14);
  return s;
}

SignUpRow read_sign_up(Statement& st, int first) {
  return SignUpRow{st.column_text(first), st.column_text(first + 1), st.column_int(first + 2) == 1};
}

constexpr const char* kSignUpColumns = "v.id, v.handle, ss.assigned_by IS NOT NULL";

}  // namespace

bool ShiftRow::has_sign_up(const std::string& volunteer_id) const {
  return std::any_of(sign_ups.begin(), sign_ups.end(),
                     [&](const SignUpRow& s) { return s.volunteer_id == volunteer_id; });
}

std::optional<std::string> shift_team(Connection& conn, const std::string& shift_id) {
  Statement st(conn, "SELECT team_id FROM shifts WHERE id = ?");
  st.bind(1, shift_id);
  if (!st.step()) return std::nullopt;
  return st.column_text(0);
}

std::optional<ShiftRow> find_shift(Connection& conn, const std::string& shift_id) {
  Statement st(conn, std::string("SELECT ") + kShiftColumns +
                         " FROM shifts s JOIN areas a ON a.id = s.area_id WHERE s.id = ?");
  st.bind(1, shift_id);
  if (!st.step()) return std::nullopt;
  auto s = read_shift(st);
  Statement su(conn,
               std::string("SELECT ") + kSignUpColumns +
                   " FROM shift_signups ss JOIN volunteers v ON v.id = ss.volunteer_id WHERE ss.shift_id = ? "
                   "ORDER BY v.handle");
  su.bind(1, shift_id);
  while (su.step()) s.sign_ups.push_back(read_sign_up(su, 0));
  return s;
}

void insert_shift(Connection& conn, const ShiftRow& s, const std::string& created_by, std::int64_t now_ms) {
  Statement st(
      conn,
      "INSERT INTO shifts (id, team_id, area_id, starts_at_ms, ends_at_ms, min_volunteers, max_volunteers, "
      "title, notes, created_by, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.bind(1, s.id).bind(2, s.team_id).bind(3, s.area_id).bind(4, s.starts_at_ms).bind(5, s.ends_at_ms);
  st.bind(6, s.min_volunteers).bind(7, s.max_volunteers).bind(8, s.title).bind(9, s.notes);
  st.bind(10, created_by).bind(11, now_ms).bind(12, now_ms).run();
}

void save_shift(Connection& conn, const ShiftRow& s) {
  Statement st(
      conn,
      "UPDATE shifts SET area_id = ?, starts_at_ms = ?, ends_at_ms = ?, min_volunteers = ?, "
      "max_volunteers = ?, title = ?, notes = ?, updated_at_ms = ?, sequence = ?, cancelled_at_ms = ?, "
      "cancel_reason = ?, understaffed_alert_id = ? WHERE id = ?");
  st.bind(1, s.area_id).bind(2, s.starts_at_ms).bind(3, s.ends_at_ms).bind(4, s.min_volunteers);
  st.bind(5, s.max_volunteers).bind(6, s.title).bind(7, s.notes).bind(8, s.updated_at_ms).bind(9, s.sequence);
  if (s.cancelled_at_ms == 0) {
    st.bind_null(10);
  } else {
    st.bind(10, s.cancelled_at_ms);
  }
  st.bind(11, s.cancel_reason).bind_or_null(12, s.understaffed_alert_id).bind(13, s.id).run();
}

void add_sign_up(Connection& conn, const std::string& shift_id, const std::string& volunteer_id,
                 const std::string& assigned_by, std::int64_t now_ms) {
  Statement st(
      conn,
      "INSERT INTO shift_signups (shift_id, volunteer_id, signed_up_at_ms, assigned_by) VALUES (?, ?, ?, ?)");
  st.bind(1, shift_id).bind(2, volunteer_id).bind(3, now_ms).bind_or_null(4, assigned_by).run();
}

void remove_sign_up(Connection& conn, const std::string& shift_id, const std::string& volunteer_id,
                    std::int64_t now_ms, bool late, const std::string& unassigned_by) {
  Statement del(conn, "DELETE FROM shift_signups WHERE shift_id = ? AND volunteer_id = ?");
  del.bind(1, shift_id).bind(2, volunteer_id).run();
  Statement log(conn,
                "INSERT INTO shift_withdrawals (shift_id, volunteer_id, at_ms, late, unassigned_by) "
                "VALUES (?, ?, ?, ?, ?)");
  log.bind(1, shift_id)
      .bind(2, volunteer_id)
      .bind(3, now_ms)
      .bind(4, late ? 1 : 0)
      .bind_or_null(5, unassigned_by);
  log.run();
}

std::vector<TimeSpan> volunteer_shifts(Connection& conn, const std::string& volunteer_id,
                                       std::int64_t from_ms, std::int64_t to_ms) {
  Statement st(
      conn,
      "SELECT s.id, s.starts_at_ms, s.ends_at_ms FROM shift_signups ss JOIN shifts s ON s.id = ss.shift_id "
      "WHERE ss.volunteer_id = ? AND s.cancelled_at_ms IS NULL AND s.starts_at_ms < ? AND s.ends_at_ms > ? "
      "ORDER BY s.starts_at_ms");
  st.bind(1, volunteer_id).bind(2, to_ms).bind(3, from_ms);
  std::vector<TimeSpan> out;
  while (st.step()) out.push_back(TimeSpan{st.column_text(0), st.column_int(1), st.column_int(2)});
  return out;
}

std::vector<ShiftRow> list_shifts(Connection& conn, const ShiftQuery& q) {
  // One query for the shifts and one for all their sign-ups, whatever the count. The
  // filter is composed rather than OR-ed with flags, so SQLite can use the indexes.
  std::string filter = " WHERE s.starts_at_ms >= ?1 AND s.starts_at_ms < ?2";
  if (!q.all_teams) filter += " AND s.team_id IN (SELECT value FROM json_each(?3))";
  if (!q.signed_up.empty())
    filter += " AND s.id IN (SELECT shift_id FROM shift_signups WHERE volunteer_id = ?4)";
  auto bind = [&](Statement& st) {
    st.bind(1, q.from_ms).bind(2, q.to_ms);
    if (!q.all_teams) st.bind(3, json_text_array(q.team_ids));
    if (!q.signed_up.empty()) st.bind(4, q.signed_up);
  };
  std::vector<ShiftRow> out;
  std::map<std::string, std::size_t> index;
  {
    Statement st(conn, std::string("SELECT ") + kShiftColumns +
                           " FROM shifts s JOIN areas a ON a.id = s.area_id" + filter +
                           " ORDER BY s.starts_at_ms, s.id");
    bind(st);
    while (st.step()) {
      index[st.column_text(0)] = out.size();
      out.push_back(read_shift(st));
    }
  }
  if (out.empty()) return out;
  Statement su(conn, std::string("SELECT ss.shift_id, ") + kSignUpColumns +
                         " FROM shift_signups ss JOIN volunteers v ON v.id = ss.volunteer_id"
                         " WHERE ss.shift_id IN (SELECT s.id FROM shifts s" +
                         filter + ") ORDER BY v.handle");
  bind(su);
  while (su.step()) {
    auto it = index.find(su.column_text(0));
    if (it != index.end()) out[it->second].sign_ups.push_back(read_sign_up(su, 1));
  }
  return out;
}

namespace {
// A running shift started at most 12 hours ago (the longest a shift lasts), which bounds
// the index range. The lead must still be a member, without leading the team.
constexpr const char* kGuestLeadFilter =
    " FROM shift_signups ss JOIN shifts s ON s.id = ss.shift_id JOIN volunteers v ON v.id = ss.volunteer_id"
    " JOIN memberships m ON m.volunteer_id = v.id AND m.team_id = s.team_id AND m.is_lead = 0"
    " WHERE s.cancelled_at_ms IS NULL AND s.starts_at_ms <= ?2 AND s.starts_at_ms > ?2 - 43200000"
    " AND s.ends_at_ms > ?2 AND v.role = 2 AND v.revoked_at_ms IS NULL";
}  // namespace

std::vector<std::string> on_duty_guest_leads(Connection& conn, const std::string& team_id,
                                             std::int64_t now_ms) {
  Statement st(conn,
               std::string("SELECT DISTINCT v.id") + kGuestLeadFilter + " AND s.team_id = ?1 ORDER BY v.id");
  st.bind(1, team_id).bind(2, now_ms);
  return st.first_column();
}

bool on_duty(Connection& conn, const std::string& volunteer_id, const std::string& team_id,
             std::int64_t now_ms) {
  Statement st(conn, std::string("SELECT 1") + kGuestLeadFilter + " AND s.team_id = ?1 AND v.id = ?3");
  st.bind(1, team_id).bind(2, now_ms).bind(3, volunteer_id);
  return st.step();
}

std::vector<std::string> duty_teams(Connection& conn, const std::string& volunteer_id, std::int64_t now_ms) {
  Statement st(conn, std::string("SELECT DISTINCT s.team_id") + kGuestLeadFilter + " AND v.id = ?1");
  st.bind(1, volunteer_id).bind(2, now_ms);
  return st.first_column();
}

std::string create_feed(Connection& conn, const FeedRow& feed, std::int64_t now_ms) {
  auto token = core::new_device_token();
  Statement st(conn,
               "INSERT INTO calendar_feeds (id, token_hash, volunteer_id, scope, team_id, created_at_ms, "
               "device_id) VALUES (?, ?, ?, ?, ?, ?, ?)");
  st.bind(1, feed.id).bind_blob(2, core::sha256(token)).bind(3, feed.volunteer_id).bind(4, feed.scope);
  st.bind_or_null(5, feed.team_id).bind(6, now_ms).bind_or_null(7, feed.device_id).run();
  return token;
}

namespace {
constexpr const char* kFeedColumns = "f.id, f.volunteer_id, f.scope, f.team_id, f.device_id";
FeedRow read_feed(Statement& st) {
  return FeedRow{st.column_text(0), st.column_text(1), static_cast<int>(st.column_int(2)), st.column_text(3),
                 st.column_text(4)};
}
}  // namespace

std::optional<FeedRow> find_feed_by_token(Connection& conn, std::string_view token) {
  Statement st(conn, std::string("SELECT ") + kFeedColumns +
                         " FROM calendar_feeds f JOIN volunteers v ON v.id = f.volunteer_id"
                         " LEFT JOIN devices d ON d.id = f.device_id"
                         " WHERE f.token_hash = ? AND f.revoked_at_ms IS NULL AND v.revoked_at_ms IS NULL"
                         " AND d.revoked_at_ms IS NULL");
  st.bind_blob(1, core::sha256(token));
  if (!st.step()) return std::nullopt;
  return read_feed(st);
}

std::optional<FeedRow> find_feed(Connection& conn, const std::string& feed_id) {
  Statement st(conn, std::string("SELECT ") + kFeedColumns + " FROM calendar_feeds f WHERE f.id = ?");
  st.bind(1, feed_id);
  if (!st.step()) return std::nullopt;
  return read_feed(st);
}

bool revoke_feed(Connection& conn, const std::string& feed_id, std::int64_t now_ms) {
  Statement st(conn, "UPDATE calendar_feeds SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms IS NULL");
  st.bind(1, now_ms).bind(2, feed_id).run();
  return conn.changes() == 1;
}

std::vector<std::string> revoke_feeds_like(Connection& conn, const FeedRow& feed, std::int64_t now_ms) {
  Statement st(conn,
               "UPDATE calendar_feeds SET revoked_at_ms = ?1 WHERE volunteer_id = ?2 AND scope = ?3 "
               "AND team_id IS ?4 AND revoked_at_ms IS NULL RETURNING id");
  st.bind(1, now_ms).bind(2, feed.volunteer_id).bind(3, feed.scope).bind_or_null(4, feed.team_id);
  return st.first_column();
}

}  // namespace gadehold::store
