// AcknowledgeAlert: by a lead of the team, a lead on duty for it, or a coordinator.
#include "server/app/alert_log.hpp"
#include "server/app/alerts/alerts.hpp"
#include "server/app/commit.hpp"
#include "server/app/free_text.hpp"
#include "server/store/patrols.hpp"
#include "server/store/shifts.hpp"

namespace gadehold::app::alerts {

void acknowledge_alert(const Services& s, RequestPtr request) {
  const auto req = request->message.acknowledge_alert();
  const auto scrubbed = scrub_text(req.note(), kShortTextMaxChars, "note");
  const auto grace_ms = static_cast<std::int64_t>(s.config.overdue_grace_s) * 1000;
  const auto now = s.clock.now_ms();
  acked_write(s, request, [=](store::Connection& conn, const Principal& caller) {
    auto alert = store::find_alert(conn, req.alert_id());
    if (!alert || !(caller.is_coordinator() || caller.leads(alert->team_id) ||
                    store::on_duty(conn, caller.volunteer_id, alert->team_id, now))) {
      throw core::Refusal(core::Code::not_found, "not found", "alert_id");
    }
    WriteResult result;
    result.id = alert->id;
    result.scrub_report = to_proto(scrubbed.report);
    result.duplicate = !store::acknowledge_alert(conn, alert->id, caller.volunteer_id, now, scrubbed.text);
    if (result.duplicate) return result;
    // The lead has made contact: the patrol is watched afresh from now.
    if (alert->kind == v1::ALERT_KIND_OVERDUE)
      store::rewatch_after_overdue_ack(conn, alert->id, now, grace_ms);
    v1::Event e;
    auto* ack = e.mutable_alert_acknowledged();
    ack->set_alert_id(alert->id);
    ack->set_acknowledged_by(caller.volunteer_id);
    ack->set_at_ms(now);
    ack->set_note(scrubbed.text);
    append_alert_event(conn, std::move(e), Audience::team_leads(alert->team_id), now, result.events);
    return result;
  });
}

}  // namespace gadehold::app::alerts
