#pragma once
// The timers of the safety loop, and the server's other housekeeping: overdue patrols,
// escalation, patrols closed after a long silence, shift alerts and reminders, the
// retention limits, and revocations made by another process. Their state lives in the
// database, so a restarted server picks up every timer where it was; the clock is
// injectable, so tests move time instead of sleeping. The server calls each on a
// timer; every read is posted to the readers and every change is a write of its own,
// so the caller never waits.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>

#include "server/app/services.hpp"
#include "server/store/retention.hpp"

namespace gadehold::app {

// The retention limits the config sets.
store::RetentionLimits retention_limits(const core::Config& config);

class Watchdog {
 public:
  explicit Watchdog(const Services& services);

  // Reads what is due (once a second): check-in reminders to send, overdue alerts to
  // raise, alerts to escalate, silent patrols to close, and the shifts' alerts and
  // reminders; each change is queued
  // on the writer and re-checks its condition there. `done` runs on a reader thread with
  // how many changes were queued. A tick asked for while the last one has not run yet
  // is skipped (`done` gets 0), so a busy reader pool never piles ticks up.
  void tick(std::function<void(std::size_t)> done = {});

  // Applies retention (store/retention.hpp) in bounded batches on the writer until
  // nothing is left; `done` gets the counts. The server calls it every hour.
  void purge(std::function<void(const store::PurgeCounts&)> done = {});

  // Closes the live connections of devices revoked by another process, such as
  // `gadehold revoke`. The server calls it every second; skipped like tick().
  void poll_revocations();

 private:
  Services services_;
  std::atomic<bool> tick_running_{false};
  std::atomic<bool> poll_running_{false};
  std::atomic<std::int64_t> revocations_seen_until_ms_;
};

}  // namespace gadehold::app
