#pragma once
// Retention: each data class is cleared or deleted once it is older than its limit. Every
// step works in bounded batches, is idempotent, and leaves the statistics unchanged
// (check-ins were counted per day as they arrived, so deleting them changes nothing).
#include <cstdint>
#include <string>

#include "server/store/sqlite/connection.hpp"

namespace gadehold::store {

struct RetentionLimits {
  std::int64_t note_text_days = 90;
  std::int64_t check_in_days = 180;
  std::int64_t event_days = 14;
  std::int64_t invite_days = 7;
  std::int64_t audit_days = 365;
  std::int64_t revoked_device_days = 30;
};

struct PurgeCounts {
  std::int64_t note_texts_cleared = 0;
  std::int64_t check_ins_deleted = 0;
  std::int64_t events_deleted = 0;
  std::int64_t invites_deleted = 0;
  std::int64_t audit_entries_deleted = 0;
  std::int64_t devices_deleted = 0;
  std::int64_t patrol_messages_deleted = 0;  // with the note texts' limit

  std::int64_t total() const;
  PurgeCounts& operator+=(const PurgeCounts& other);
};

// One batch of every class, at most `batch` rows each, inside the caller's transaction.
// Call until it returns a total of 0.
PurgeCounts purge_batch(Connection& conn, const RetentionLimits& limits, std::int64_t now_ms,
                        std::int64_t batch);

}  // namespace gadehold::store
