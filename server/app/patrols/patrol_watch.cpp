// The patrols' side of the watchdog: an overdue alert when a patrol's check-in timer runs
// out, and the patrol closed by the server after a long silence. The timers live in the
// database, so a restarted server picks up every one where it was.
#include <algorithm>

#include "server/app/alert_log.hpp"
#include "server/app/commit.hpp"
#include "server/app/patrols/patrol_rules.hpp"
#include "server/app/patrols/patrols.hpp"

namespace gadehold::app::patrols {

namespace {

// Whether the patrol's members are owed a check_in_due reminder now.
bool reminder_due(const store::OpenPatrolTimer& t, std::int64_t now_ms, std::int64_t notice_ms) {
  if (notice_ms <= 0 || t.overdue_alert_open || t.due_notice_for_ms == t.last_activity_ms) return false;
  const auto check_in_due = t.last_activity_ms + t.checkin_interval_ms;
  return now_ms >= check_in_due - notice_ms && now_ms < t.due_at_ms;
}

}  // namespace

DuePatrols due_patrols(store::Connection& reader, std::int64_t now_ms, std::int64_t silence_ms,
                       std::int64_t notice_ms) {
  DuePatrols due;
  for (const auto& t : store::open_patrol_timers(reader)) {
    if (!t.overdue_alert_open && t.due_at_ms <= now_ms) due.overdue.push_back(t.id);
    if (t.last_activity_ms <= now_ms - silence_ms) due.silent.push_back(t.id);
    if (reminder_due(t, now_ms, notice_ms)) due.check_in_soon.push_back(t.id);
  }
  return due;
}

void remind_check_in(const Services& s, const std::string& patrol_id, std::int64_t now_ms) {
  const auto notice_ms = static_cast<std::int64_t>(s.config.check_in_due_notice_s) * 1000;
  background_write(s, [patrol_id, now_ms, notice_ms](store::Connection& conn) {
    std::vector<PendingEvent> events;
    const auto t = store::open_patrol_timer(conn, patrol_id);
    if (!t || !reminder_due(*t, now_ms, notice_ms)) return events;
    store::mark_due_notice(conn, patrol_id, t->last_activity_ms);
    const auto patrol = store::find_patrol(conn, patrol_id);
    v1::Event e;
    e.mutable_check_in_due()->set_patrol_id(patrol_id);
    e.mutable_check_in_due()->set_due_at_ms(t->last_activity_ms + t->checkin_interval_ms);
    // To the members alone: the leads see the patrol's timer on their board.
    for (const auto& member : patrol->members) {
      events.push_back(append_event(conn, e, Audience::volunteer(member.first), now_ms));
    }
    return events;
  });
}

void raise_overdue(const Services& s, const std::string& patrol_id, std::int64_t now_ms) {
  const auto escalation_ms = static_cast<std::int64_t>(s.config.escalation_delay_s) * 1000;
  background_write(s, [patrol_id, now_ms, escalation_ms](store::Connection& conn) {
    std::vector<PendingEvent> events;
    auto p = store::find_patrol(conn, patrol_id);
    if (!p || !p->active() || !p->overdue_alert_id.empty() || p->due_at_ms > now_ms) return events;
    auto alert = patrol_alert(v1::ALERT_KIND_OVERDUE, *p, now_ms, "no check-in since the interval ran out");
    alert.cell = p->last_cell;
    alert.params = {{"last_activity_ms", std::to_string(p->last_activity_ms)}};
    alert.escalate_at_ms = now_ms + escalation_ms;
    // Leads first; the coordinators only if no lead acknowledges in time.
    raise_alert(conn, alert, Audience::leads_only(p->team_id), now_ms, events);
    store::set_overdue_alert(conn, p->id, alert.id);
    return events;
  });
}

void close_silent(const Services& s, const std::string& patrol_id, std::int64_t now_ms) {
  const auto silence_ms = static_cast<std::int64_t>(s.config.patrol_auto_close_h) * 3600 * 1000;
  background_write(s, [patrol_id, now_ms, silence_ms](store::Connection& conn) {
    std::vector<PendingEvent> events;
    auto p = store::find_patrol(conn, patrol_id);
    if (!p || !p->active() || p->last_activity_ms > now_ms - silence_ms) return events;
    store::auto_close_patrol(conn, p->id, now_ms);
    auto alert =
        patrol_alert(v1::ALERT_KIND_AUTO_CLOSED, *p, now_ms, "closed by the server after a long silence");
    alert.params = {{"last_activity_ms", std::to_string(p->last_activity_ms)}};
    raise_alert(conn, alert, Audience::team_leads(p->team_id), now_ms, events);
    v1::Event ended;
    *ended.mutable_patrol_ended() = patrol_view(*store::find_patrol(conn, p->id));
    events.push_back(append_event(conn, std::move(ended), Audience::team(p->team_id), now_ms));
    return events;
  });
}

}  // namespace gadehold::app::patrols
