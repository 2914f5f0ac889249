#include "server/store/retention.hpp"

#include <algorithm>
#include <vector>

#include "server/store/patrol_messages.hpp"
#include "server/store/stats.hpp"

namespace gadehold::store {

std::int64_t RetentionLimits::effective_event_days() const {
  return std::min({event_days, note_text_days, alert_message_days, alert_note_days, shift_text_days,
                   shift_reason_days, patrol_message_days});
}

std::int64_t PurgeCounts::total() const {
  return note_texts_cleared + alert_messages_cleared + alert_notes_cleared + shift_texts_cleared +
         shift_reasons_cleared + patrol_messages_deleted + check_ins_deleted + events_deleted +
         invites_deleted + audit_entries_deleted + devices_deleted + device_names_replaced;
}

PurgeCounts& PurgeCounts::operator+=(const PurgeCounts& o) {
  note_texts_cleared += o.note_texts_cleared;
  alert_messages_cleared += o.alert_messages_cleared;
  alert_notes_cleared += o.alert_notes_cleared;
  shift_texts_cleared += o.shift_texts_cleared;
  shift_reasons_cleared += o.shift_reasons_cleared;
  patrol_messages_deleted += o.patrol_messages_deleted;
  check_ins_deleted += o.check_ins_deleted;
  events_deleted += o.events_deleted;
  invites_deleted += o.invites_deleted;
  audit_entries_deleted += o.audit_entries_deleted;
  devices_deleted += o.devices_deleted;
  device_names_replaced += o.device_names_replaced;
  return *this;
}

namespace {

std::int64_t run_counted(Connection& conn, const std::string& sql, std::int64_t cutoff, std::int64_t batch,
                         std::int64_t now_ms = 0) {
  Statement st(conn, sql);
  st.bind(1, cutoff).bind(2, batch);
  if (now_ms != 0) st.bind(3, now_ms);
  st.run();
  return conn.changes();
}

// Check-ins (by rowid) and events (by seq) are appended in the order the server received
// them, and their times grow with that order (a write's time is read just before it is
// queued, so two neighbours can be out of order by the time a write waits). Their
// retention therefore reads the table from its oldest row, without an index on the time
// (migration 0008), and stops at the first row inside the retention period. A row
// stamped later than now (the clock ran ahead when it was written, and was set back
// since) neither ends the pass nor goes: it would otherwise keep every row after it
// past its limit until the clock caught up with it.
struct OldestRun {
  std::int64_t through = 0;  // the key of the last row read that is past the limit
  std::int64_t rows = 0;     // rows past the limit up to there, at most the batch
};

OldestRun oldest_run(Connection& conn, const char* oldest_first_sql, std::int64_t cutoff_ms,
                     std::int64_t now_ms, std::int64_t batch) {
  Statement st(conn, oldest_first_sql);
  OldestRun run;
  while (run.rows < batch && st.step()) {
    const auto t = st.column_int(1);
    if (t < cutoff_ms) {
      run.through = st.column_int(0);
      ++run.rows;
    } else if (t <= now_ms) {
      break;
    }
  }
  return run;
}

std::int64_t purge_check_ins(Connection& conn, std::int64_t cutoff_ms, std::int64_t now_ms,
                             std::int64_t batch) {
  const auto run = oldest_run(conn, "SELECT rowid, received_at_ms FROM check_ins ORDER BY rowid", cutoff_ms,
                              now_ms, batch);
  if (run.rows == 0) return 0;
  Statement del(conn, "DELETE FROM check_ins WHERE rowid <= ?1 AND received_at_ms < ?2");
  del.bind(1, run.through).bind(2, cutoff_ms).run();
  return conn.changes();
}

std::int64_t purge_events(Connection& conn, std::int64_t cutoff_ms, std::int64_t now_ms, std::int64_t batch) {
  const auto run = oldest_run(conn, "SELECT seq, at_ms FROM events ORDER BY seq", cutoff_ms, now_ms, batch);
  if (run.rows == 0) return 0;
  const auto through = run.through;
  Statement del(conn, "DELETE FROM events WHERE seq <= ?1 AND at_ms < ?2");
  del.bind(1, through).bind(2, cutoff_ms).run();
  const auto n = conn.changes();
  // Sync refuses cursors before this point: they must resync.
  Statement meta(conn,
                 "INSERT INTO server_meta (key, value) VALUES ('events_purged_through', ?1) "
                 "ON CONFLICT (key) DO UPDATE SET value = MAX(CAST(value AS INTEGER), CAST(?1 AS INTEGER))");
  meta.bind(1, std::to_string(through)).run();
  return n;
}

}  // namespace

PurgeCounts purge_batch(Connection& conn, const RetentionLimits& limits, std::int64_t now_ms,
                        std::int64_t batch) {
  auto cutoff = [&](std::int64_t days) { return now_ms - days * kDayMs; };
  PurgeCounts c;
  c.note_texts_cleared =
      run_counted(conn,
                  "UPDATE notes SET text = '', text_cleared_at_ms = ?3 WHERE id IN (SELECT id FROM notes "
                  "WHERE received_at_ms < ?1 AND text <> '' ORDER BY received_at_ms LIMIT ?2)",
                  cutoff(limits.note_text_days), batch, now_ms);
  // The free text of alerts and shifts is cleared in place: the alert, with its kind and
  // params, and the shift, with its times and sign-ups, stay for the history and the
  // statistics. The tables are small (alerts are rare, shifts a few a day), so a scan
  // per pass costs little and needs no index.
  c.alert_messages_cleared =
      run_counted(conn,
                  "UPDATE alerts SET message = '' WHERE id IN (SELECT id FROM alerts WHERE raised_at_ms < ?1 "
                  "AND message <> '' LIMIT ?2)",
                  cutoff(limits.alert_message_days), batch);
  c.alert_notes_cleared =
      run_counted(conn,
                  "UPDATE alerts SET ack_note = CASE WHEN acknowledged_at_ms < ?1 THEN '' ELSE ack_note END, "
                  "resolve_note = CASE WHEN resolved_at_ms < ?1 THEN '' ELSE resolve_note END WHERE id IN "
                  "(SELECT id FROM "
                  "alerts WHERE (ack_note <> '' AND acknowledged_at_ms < ?1) OR (resolve_note <> '' AND "
                  "resolved_at_ms < ?1) "
                  "LIMIT ?2)",
                  cutoff(limits.alert_note_days), batch);
  // A shift's title and notes are what volunteers read to turn up: they stay until the
  // shift is over, then for the limit. The title becomes empty (apps and the calendar
  // feed show a word of their own); the shift is not deleted.
  c.shift_texts_cleared = run_counted(
      conn,
      "UPDATE shifts SET title = '', notes = '' WHERE id IN (SELECT id FROM shifts WHERE ends_at_ms < ?1 "
      "AND (title <> '' OR notes <> '') LIMIT ?2)",
      cutoff(limits.shift_text_days), batch);
  // Withdraw reasons are kept nowhere but in the withdrawal's event, which goes with the
  // events below (never later than this limit).
  c.shift_reasons_cleared = run_counted(
      conn,
      "UPDATE shifts SET cancel_reason = '' WHERE id IN (SELECT id FROM shifts WHERE cancelled_at_ms < ?1 "
      "AND cancel_reason <> '' LIMIT ?2)",
      cutoff(limits.shift_reason_days), batch);
  c.patrol_messages_deleted = delete_patrol_messages_before(conn, cutoff(limits.patrol_message_days), batch);
  // Check-ins were counted in checkin_daily as they arrived: deleting them changes no figure.
  c.check_ins_deleted = purge_check_ins(conn, cutoff(limits.check_in_days), now_ms, batch);
  c.events_deleted = purge_events(conn, cutoff(limits.effective_event_days()), now_ms, batch);
  c.invites_deleted = run_counted(conn,
                                  "DELETE FROM invites WHERE id IN (SELECT id FROM invites WHERE (used_at_ms "
                                  "IS NOT NULL AND used_at_ms < ?1) "
                                  "OR expires_at_ms < ?1 LIMIT ?2)",
                                  cutoff(limits.invite_days), batch);
  c.audit_entries_deleted = run_counted(
      conn,
      "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at_ms < ?1 ORDER BY at_ms LIMIT ?2)",
      cutoff(limits.audit_days), batch);
  c.devices_deleted =
      run_counted(conn,
                  "DELETE FROM devices WHERE id IN (SELECT id FROM devices WHERE revoked_at_ms IS NOT NULL "
                  "AND revoked_at_ms < ?1 LIMIT ?2)",
                  cutoff(limits.revoked_device_days), batch);
  return c;
}

}  // namespace gadehold::store
