// AcknowledgeAlert and ResolveAlert: someone is on it, and it is over. Both are told to
// everyone who got the alert, to its raiser and to its patrol's members.
#include "server/app/alert_log.hpp"
#include "server/app/alerts/alerts.hpp"
#include "server/app/commit.hpp"
#include "server/app/free_text.hpp"
#include "server/app/writes.hpp"
#include "server/store/patrols.hpp"
#include "server/store/shifts.hpp"

namespace gadehold::app::alerts {

namespace {

// A lead of one of the alert's teams, a lead on duty for one by a running shift, or a
// coordinator.
bool answers_for(store::Connection& conn, const Principal& caller, const store::AlertRow& alert,
                 std::int64_t now_ms) {
  if (caller.is_coordinator()) return true;
  for (const auto& team : alert_teams(conn, alert)) {
    if (caller.leads(team) || store::on_duty(conn, caller.volunteer_id, team, now_ms)) return true;
  }
  return false;
}

}  // namespace

void acknowledge_alert(const Services& s, RequestPtr request) {
  const auto req = request->message.acknowledge_alert();
  const auto scrubbed = scrub_text(req.note(), kShortTextMaxChars, "note");
  const auto now = s.clock.now_ms();
  acked_write(s, request, [=](store::Connection& conn, const Principal& caller) {
    auto alert = store::find_alert(conn, req.alert_id());
    if (!alert || !answers_for(conn, caller, *alert, now)) {
      throw core::Refusal(core::Reason::NOT_FOUND, "not found", "alert_id");
    }
    WriteResult result;
    result.id = alert->id;
    result.scrub_report = to_proto(scrubbed.report);
    // Acknowledging stops the escalation and, for an overdue patrol, the repeated alarm:
    // the patrol stays overdue until it checks in or the alert is resolved.
    result.duplicate = !acknowledge(conn, alert->id, caller.volunteer_id, scrubbed.text, now, result.events);
    return result;
  });
}

void resolve_alert(const Services& s, RequestPtr request) {
  const auto req = request->message.resolve_alert();
  const auto scrubbed = scrub_text(req.note(), kShortTextMaxChars, "note");
  const auto grace_ms = static_cast<std::int64_t>(s.config.overdue_grace_s) * 1000;
  const auto now = s.clock.now_ms();
  auto stored = req;
  stored.set_note(scrubbed.text);
  idempotent_write(s, request, "alert.resolve", req.client_id(), content_hash(stored),
                   [=](store::Connection& conn, const Principal& caller) {
                     auto alert = store::find_alert(conn, req.alert_id());
                     const bool own_sos = alert && alert->kind == v1::ALERT_KIND_SOS &&
                                          alert->raised_by == caller.volunteer_id;
                     if (!alert || !(own_sos || answers_for(conn, caller, *alert, now))) {
                       throw core::Refusal(core::Reason::NOT_FOUND, "not found", "alert_id");
                     }
                     WriteResult result;
                     result.id = alert->id;
                     result.scrub_report = to_proto(scrubbed.report);
                     result.duplicate =
                         !resolve(conn, alert->id, Resolution::person(caller.volunteer_id, scrubbed.text),
                                  now, result.events);
                     if (!result.duplicate) s.sos_positions.forget(alert->id);
                     // An overdue patrol that a lead has dealt with is watched afresh from now.
                     if (!result.duplicate && alert->kind == v1::ALERT_KIND_OVERDUE)
                       store::rewatch_after_overdue(conn, alert->id, now, grace_ms);
                     return result;
                   });
}

}  // namespace gadehold::app::alerts
