#include "server/app/alert_log.hpp"

#include "server/core/tokens.hpp"
#include "server/store/shifts.hpp"

namespace gadehold::app {

store::AlertRow patrol_alert(int kind, const store::PatrolRow& patrol, std::int64_t now_ms,
                             std::string message) {
  store::AlertRow alert;
  alert.id = core::new_id("alrt");
  alert.kind = kind;
  alert.team_id = patrol.team_id;
  alert.patrol_id = patrol.id;
  alert.raised_at_ms = now_ms;
  alert.area_id = patrol.area_id;
  alert.message = std::move(message);
  return alert;
}

v1::Alert alert_view(const store::AlertRow& row) {
  v1::Alert a;
  a.set_alert_id(row.id);
  a.set_kind(static_cast<v1::AlertKind>(row.kind));
  a.set_team_id(row.team_id);
  a.set_patrol_id(row.patrol_id);
  a.set_raised_by(row.raised_by);
  a.set_raised_at_ms(row.raised_at_ms);
  a.set_cell(row.cell);
  a.set_area_id(row.area_id);
  a.set_message(row.message);
  a.set_escalated(row.escalated_at_ms != 0);
  a.set_shift_id(row.shift_id);
  return a;
}

void append_alert_event(store::Connection& conn, v1::Event event, const Audience& audience,
                        std::int64_t now_ms, std::vector<PendingEvent>& events) {
  for (const auto& lead : store::on_duty_guest_leads(conn, audience.team_id, now_ms)) {
    events.push_back(append_event(conn, event, Audience::volunteer(lead), now_ms));
  }
  events.push_back(append_event(conn, std::move(event), audience, now_ms));
}

void raise_alert(store::Connection& conn, const store::AlertRow& alert, const Audience& audience,
                 std::int64_t now_ms, std::vector<PendingEvent>& events, const v1::Location* live_location) {
  store::insert_alert(conn, alert);
  v1::Event e;
  *e.mutable_alert_raised() = alert_view(alert);
  const auto first = events.size();
  append_alert_event(conn, std::move(e), audience, now_ms, events);
  if (live_location == nullptr) return;
  for (auto i = first; i < events.size(); ++i) {
    events[i].live = events[i].event;
    *events[i].live->mutable_alert_raised()->mutable_location() = *live_location;
  }
}

void close_alert(store::Connection& conn, const std::string& alert_id, const std::string& team_id,
                 const std::string& note, std::int64_t now_ms, std::vector<PendingEvent>& events) {
  if (!store::acknowledge_alert(conn, alert_id, "", now_ms, note)) return;
  v1::Event e;
  auto* ack = e.mutable_alert_acknowledged();
  ack->set_alert_id(alert_id);
  ack->set_at_ms(now_ms);
  ack->set_note(note);
  append_alert_event(conn, std::move(e), Audience::team_leads(team_id), now_ms, events);
}

}  // namespace gadehold::app
