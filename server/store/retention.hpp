#pragma once
// Retention: each data class is cleared or deleted once it is older than its limit. Every
// step works in bounded batches, is idempotent, and leaves the statistics unchanged
// (check-ins were counted per day as they arrived, so deleting them changes nothing).
#include <cstdint>
#include <string>

#include "server/store/sqlite/connection.hpp"

namespace gadehold::store {

// Days each class is kept. Free text (the first six) is cleared or deleted; the rows
// around it stay, so statistics and the alert and shift history keep their shape.
struct RetentionLimits {
  std::int64_t note_text_days = 90;       // notes.text, from when the note arrived
  std::int64_t alert_message_days = 90;   // alerts.message (an SOS's text), from when it was raised
  std::int64_t alert_note_days = 90;      // alerts.ack_note and resolve_note, from the ack or resolve
  std::int64_t shift_text_days = 90;      // shifts.title and notes, from the shift's end
  std::int64_t shift_reason_days = 90;    // shifts.cancel_reason, from the cancellation
  std::int64_t patrol_message_days = 90;  // patrol_messages rows, from when they were sent
  std::int64_t check_in_days = 180;
  // Events carry copies of every free-text class (and withdraw reasons live only there),
  // so they are kept no longer than the shortest free-text limit either.
  std::int64_t event_days = 14;
  std::int64_t invite_days = 7;
  std::int64_t audit_days = 365;
  std::int64_t revoked_device_days = 30;

  // event_days, capped by the free-text limits.
  std::int64_t effective_event_days() const;
};

struct PurgeCounts {
  std::int64_t note_texts_cleared = 0;
  std::int64_t alert_messages_cleared = 0;
  std::int64_t alert_notes_cleared = 0;  // alerts whose acknowledgement or resolve note was cleared
  std::int64_t shift_texts_cleared = 0;  // shifts whose title and notes were cleared
  std::int64_t shift_reasons_cleared = 0;
  std::int64_t patrol_messages_deleted = 0;
  std::int64_t check_ins_deleted = 0;
  std::int64_t events_deleted = 0;
  std::int64_t invites_deleted = 0;
  std::int64_t audit_entries_deleted = 0;
  std::int64_t devices_deleted = 0;
  // Device names that do not follow today's rules, replaced by a label. Not a step of
  // purge_batch (the rules are the privacy layer's): the app counts it here.
  std::int64_t device_names_replaced = 0;

  std::int64_t total() const;
  PurgeCounts& operator+=(const PurgeCounts& other);
};

// One batch of every class, at most `batch` rows each, inside the caller's transaction.
// Call until it returns a total of 0.
PurgeCounts purge_batch(Connection& conn, const RetentionLimits& limits, std::int64_t now_ms,
                        std::int64_t batch);

}  // namespace gadehold::store
