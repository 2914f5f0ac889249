#include "server/app/watchdog.hpp"

#include <spdlog/spdlog.h>

#include "server/app/alerts/alerts.hpp"
#include "server/app/device_names.hpp"
#include "server/app/patrols/patrols.hpp"
#include "server/app/shifts/shifts.hpp"
#include "server/core/metrics.hpp"
#include "server/store/alerts.hpp"
#include "server/store/identity.hpp"
#include "server/store/push.hpp"

namespace gadehold::app {

namespace {

// Runs `read` on a reader unless the last one of its kind is still queued or running.
// What `read` returns runs after the next one may start. False when it did not start.
using Continuation = std::function<void()>;
bool read_once(store::ReaderPool& readers, std::atomic<bool>& running,
               std::function<Continuation(store::Connection&)> read, const char* what) {
  if (running.exchange(true)) {
    core::metrics().watchdog_ticks_skipped.inc();
    spdlog::warn("{} skipped: the last one has not run yet (every reader busy)", what);
    return false;
  }
  auto job = [&running, read = std::move(read), what](store::Connection& conn) {
    Continuation then;
    try {
      then = read(conn);
    } catch (const std::exception& e) {
      // A busy or failing database must not stop the watchdog: it tries again next time.
      spdlog::error("{} failed: {}", what, e.what());
    } catch (...) {
      spdlog::error("{} failed", what);
    }
    running.store(false);
    if (then) then();
  };
  // The server's own reads go before the clients' waiting ones.
  if (readers.submit(std::move(job), store::ReaderPool::Priority::server)) return true;
  running.store(false);  // the readers have stopped: the server is shutting down
  return false;
}

}  // namespace

store::RetentionLimits retention_limits(const core::Config& c) {
  store::RetentionLimits limits;
  limits.note_text_days = c.retention_note_text_days;
  limits.alert_message_days = c.retention_alert_message_days;
  limits.alert_note_days = c.retention_alert_note_days;
  limits.shift_text_days = c.retention_shift_text_days;
  limits.shift_reason_days = c.retention_shift_reason_days;
  limits.patrol_message_days = c.retention_patrol_message_days;
  limits.check_in_days = c.retention_check_in_days;
  limits.event_days = c.event_retention_days;
  limits.invite_days = c.retention_invite_days;
  limits.audit_days = c.retention_audit_days;
  limits.revoked_device_days = c.retention_revoked_device_days;
  return limits;
}

Watchdog::Watchdog(const Services& services)
    : services_(services), revocations_seen_until_ms_(services.clock.now_ms()) {}

void Watchdog::tick(std::function<void(std::size_t)> done) {
  const bool started = read_once(
      services_.db.readers(), tick_running_,
      [s = services_, done](store::Connection& reader) -> Continuation {
        std::size_t changes = 0;
        try {
          const auto now = s.clock.now_ms();
          const auto silence_ms = static_cast<std::int64_t>(s.config.patrol_auto_close_h) * 3600 * 1000;
          const auto notice_ms = static_cast<std::int64_t>(s.config.check_in_due_notice_s) * 1000;
          const auto due = patrols::due_patrols(reader, now, silence_ms, notice_ms);
          const auto escalate = store::alerts_due_for_escalation(reader, now);
          alerts::count_open_alerts(reader, now);
          core::metrics().push_subscriptions.set(store::count_push_subscriptions(reader));
          for (const auto& patrol_id : due.overdue) patrols::raise_overdue(s, patrol_id, now);
          for (const auto& alert_id : escalate) alerts::escalate(s, alert_id, now);
          for (const auto& patrol_id : due.silent) patrols::close_silent(s, patrol_id, now);
          for (const auto& patrol_id : due.check_in_soon) patrols::remind_check_in(s, patrol_id, now);
          changes = due.overdue.size() + escalate.size() + due.silent.size() + due.check_in_soon.size() +
                    shifts::watch(s, reader, now);
        } catch (const std::exception& e) {
          // A busy or failing database must not stop the watchdog: it tries again next second.
          spdlog::error("watchdog tick failed: {}", e.what());
        }
        // `done` runs whatever happened, so nobody waits for it forever.
        if (!done) return {};
        return [done, changes] { done(changes); };
      },
      "watchdog tick");
  if (!started && done) done(0);
}

void Watchdog::purge(std::function<void(const store::PurgeCounts&)> done) {
  // Small batches, each its own writer job, so client writes wait at most one batch.
  constexpr std::int64_t kBatch = 2000;
  struct Run {
    store::RetentionLimits limits;
    std::int64_t now_ms;
    store::PurgeCounts total;
    std::function<void(const store::PurgeCounts&)> done;
  };
  auto run = std::make_shared<Run>(
      Run{retention_limits(services_.config), services_.clock.now_ms(), {}, std::move(done)});
  auto step = std::make_shared<std::function<void()>>();
  *step = [&writer = services_.db.writer(), run, step] {
    auto batch = std::make_shared<store::PurgeCounts>();
    writer.submit(
        [run, batch](store::Connection& conn) {
          *batch = store::purge_batch(conn, run->limits, run->now_ms, kBatch);
          // Once a run, with its first batch.
          if (run->total.total() == 0) batch->device_names_replaced = relabel_device_names(conn);
        },
        [run, batch, step](const core::Status& status) {
          if (status.ok() && batch->total() > 0) {
            run->total += *batch;
            (*step)();
            return;
          }
          if (!status.ok()) spdlog::warn("retention stopped: {}", status.message);
          const auto& t = run->total;
          if (t.total() > 0) {
            spdlog::info(
                "retention: {} note texts, {} alert messages, {} alerts' notes, {} shifts' titles and notes "
                "and {} cancel reasons cleared; {} patrol messages, {} check-ins, {} events, {} invites, {} "
                "audit entries and {} devices deleted; {} device names replaced by a label",
                t.note_texts_cleared, t.alert_messages_cleared, t.alert_notes_cleared, t.shift_texts_cleared,
                t.shift_reasons_cleared, t.patrol_messages_deleted, t.check_ins_deleted, t.events_deleted,
                t.invites_deleted, t.audit_entries_deleted, t.devices_deleted, t.device_names_replaced);
          }
          if (run->done) run->done(run->total);
          *step = nullptr;  // breaks the cycle: step owns itself through the lambda
        });
  };
  (*step)();
}

void Watchdog::poll_revocations() {
  read_once(
      services_.db.readers(), poll_running_,
      [this](store::Connection& reader) -> Continuation {
        // Revocations by another process carry that process's clock; look back a little
        // so one written just before our last poll is not missed.
        const auto now = services_.clock.now_ms();
        const auto revoked = store::devices_revoked_since(reader, revocations_seen_until_ms_.load() - 5000);
        revocations_seen_until_ms_.store(now);
        for (const auto& device : revoked) services_.hub.close_device(device, 1008, "revoked");
        return {};
      },
      "revocation poll");
}

}  // namespace gadehold::app
