// The safety watchdog: overdue patrols, escalation to coordinators, patrols closed
// after long silence, and the event log's retention. Its state lives in the database,
// so a restarted server picks up every timer where it was; the clock is injectable,
// so tests move time instead of sleeping.
#include <spdlog/spdlog.h>

#include "server/app/dispatcher.hpp"
#include "server/app/events.hpp"
#include "server/app/patrol_support.hpp"
#include "server/app/patrol_view.hpp"
#include "server/app/writes.hpp"
#include "server/core/metrics.hpp"
#include "server/core/tokens.hpp"
#include "server/store/engine/database.hpp"
#include "server/store/patrols.hpp"

namespace gadehold::app {

namespace {

// An alert the server raises about a patrol.
store::AlertRow server_alert(int kind, const store::PatrolRow& p, std::int64_t now, const char* message) {
  store::AlertRow alert;
  alert.id = core::new_id("alrt");
  alert.kind = kind;
  alert.team_id = p.team_id;
  alert.patrol_id = p.id;
  alert.raised_at_ms = now;
  alert.area_id = p.area_id;
  alert.message = message;
  return alert;
}

std::vector<std::string> ids(store::Connection& conn, const char* sql, std::int64_t bound) {
  store::Statement st(conn, sql);
  st.bind(1, bound);
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.column_text(0));
  return out;
}

// For the operators' alerting (an SOS nobody has answered): counts only, no ids.
void count_open_alerts(store::Connection& conn, std::int64_t now) {
  auto& m = core::metrics();
  std::array<std::int64_t, core::Metrics::kAlertKinds> count{}, oldest{};
  store::Statement st(conn,
                      "SELECT kind, COUNT(*), MIN(raised_at_ms) FROM alerts WHERE acknowledged_at_ms IS NULL "
                      "GROUP BY kind");
  while (st.step()) {
    const auto kind = st.column_int(0);
    if (kind <= 0 || kind >= static_cast<std::int64_t>(count.size())) continue;
    count[kind] = st.column_int(1);
    oldest[kind] = std::max<std::int64_t>(0, (now - st.column_int(2)) / 1000);
  }
  for (std::size_t k = 1; k < count.size(); ++k) {
    m.alerts_unacknowledged[k].set(count[k]);
    m.alert_oldest_unacknowledged_s[k].set(oldest[k]);
  }
}

}  // namespace

void Dispatcher::watch_write(std::function<std::vector<PendingEvent>(store::Connection&)> apply) {
  auto events = std::make_shared<std::vector<PendingEvent>>();
  db_.writer().submit([apply = std::move(apply), events](store::Connection& conn) { *events = apply(conn); },
                      [this, events](const core::Status& status) {
                        if (!status.ok()) {
                          spdlog::warn("watchdog write failed: {}", status.message);
                          return;
                        }
                        publish(*events);
                      });
}

std::size_t Dispatcher::tick() {
  const auto now = clock_.now_ms();
  const auto escalation_ms = static_cast<std::int64_t>(config_.escalation_delay_s) * 1000;
  const auto silence_ms = static_cast<std::int64_t>(config_.patrol_auto_close_h) * 3600 * 1000;
  std::vector<std::string> overdue, escalate, silent;
  {
    auto reader = db_.readers().acquire();
    for (const auto& t : store::open_patrol_timers(*reader)) {
      if (!t.overdue_alert_open && t.due_at_ms <= now) overdue.push_back(t.id);
      if (t.last_activity_ms <= now - silence_ms) silent.push_back(t.id);
    }
    escalate = ids(*reader,
                   "SELECT id FROM alerts WHERE acknowledged_at_ms IS NULL AND escalated_at_ms IS NULL "
                   "AND escalate_at_ms <= ?",
                   now);
    count_open_alerts(*reader, now);
  }
  // Each write re-checks its condition: a tick that overlaps the last one, or a check-in
  // that arrived meanwhile, changes nothing twice.
  for (const auto& patrol_id : overdue) {
    watch_write([patrol_id, now, escalation_ms](store::Connection& conn) {
      std::vector<PendingEvent> events;
      auto p = store::find_patrol(conn, patrol_id);
      if (!p || !p->active() || !p->overdue_alert_id.empty() || p->due_at_ms > now) return events;
      auto alert = server_alert(v1::ALERT_KIND_OVERDUE, *p, now, "no check-in since the interval ran out");
      alert.cell = p->last_cell;
      alert.escalate_at_ms = now + escalation_ms;
      // Leads first; the coordinators only if no lead acknowledges in time.
      raise_alert(conn, alert, Audience::leads_only(p->team_id), now, events);
      store::Statement st(conn, "UPDATE patrols SET overdue_alert_id = ? WHERE id = ?");
      st.bind(1, alert.id).bind(2, p->id).run();
      return events;
    });
  }
  for (const auto& alert_id : escalate) {
    watch_write([alert_id, now](store::Connection& conn) {
      std::vector<PendingEvent> events;
      auto a = store::find_alert(conn, alert_id);
      if (!a || a->acknowledged_at_ms != 0 || a->escalated_at_ms != 0) return events;
      store::Statement st(conn, "UPDATE alerts SET escalated_at_ms = ? WHERE id = ?");
      st.bind(1, now).bind(2, alert_id).run();
      a->escalated_at_ms = now;
      v1::Event e;
      *e.mutable_alert_raised() = alert_view(*a);
      events.push_back(append_event(conn, std::move(e), Audience::coordinators(), now));
      return events;
    });
  }
  for (const auto& patrol_id : silent) {
    watch_write([patrol_id, now, silence_ms](store::Connection& conn) {
      std::vector<PendingEvent> events;
      auto p = store::find_patrol(conn, patrol_id);
      if (!p || !p->active() || p->last_activity_ms > now - silence_ms) return events;
      store::Statement st(conn,
                          "UPDATE patrols SET ended_at_ms = ?1, ended_received_ms = ?1, due_at_ms = NULL, "
                          "auto_closed = 1 WHERE id = ?2");
      st.bind(1, now).bind(2, p->id).run();
      auto alert = server_alert(v1::ALERT_KIND_AUTO_CLOSED, *p, now, "closed by the server after a long silence");
      raise_alert(conn, alert, Audience::team_leads(p->team_id), now, events);
      v1::Event ended;
      *ended.mutable_patrol_ended() = patrol_view(*store::find_patrol(conn, p->id));
      events.push_back(append_event(conn, std::move(ended), Audience::team(p->team_id), now));
      return events;
    });
  }
  return overdue.size() + escalate.size() + silent.size() + tick_shifts(now);
}

store::RetentionLimits retention_limits(const core::Config& c) {
  store::RetentionLimits limits;
  limits.note_text_days = c.retention_note_text_days;
  limits.check_in_days = c.retention_check_in_days;
  limits.event_days = c.event_retention_days;
  limits.invite_days = c.retention_invite_days;
  limits.audit_days = c.retention_audit_days;
  limits.revoked_device_days = c.retention_revoked_device_days;
  return limits;
}

void Dispatcher::purge(std::function<void(const store::PurgeCounts&)> done) {
  // Small batches, each its own writer job, so client writes wait at most one batch.
  constexpr std::int64_t kBatch = 2000;
  struct Run {
    store::RetentionLimits limits;
    std::int64_t now_ms;
    store::PurgeCounts total;
    std::function<void(const store::PurgeCounts&)> done;
  };
  auto run = std::make_shared<Run>(Run{retention_limits(config_), clock_.now_ms(), {}, std::move(done)});
  auto step = std::make_shared<std::function<void()>>();
  *step = [this, run, step] {
    auto batch = std::make_shared<store::PurgeCounts>();
    db_.writer().submit(
        [run, batch](store::Connection& conn) { *batch = store::purge_batch(conn, run->limits, run->now_ms, kBatch); },
        [run, batch, step](const core::Status& status) {
          if (status.ok() && batch->total() > 0) {
            run->total += *batch;
            (*step)();
            return;
          }
          if (!status.ok()) spdlog::warn("retention stopped: {}", status.message);
          const auto& t = run->total;
          if (t.total() > 0) {
            spdlog::info("retention: {} note texts cleared; {} check-ins, {} events, {} invites, {} audit "
                         "entries and {} devices deleted",
                         t.note_texts_cleared, t.check_ins_deleted, t.events_deleted, t.invites_deleted,
                         t.audit_entries_deleted, t.devices_deleted);
          }
          if (run->done) run->done(run->total);
          *step = nullptr;  // breaks the cycle: step owns itself through the lambda
        });
  };
  (*step)();
}

}  // namespace gadehold::app
