#include "server/app/alert_log.hpp"

#include <algorithm>
#include <set>

#include "server/core/tokens.hpp"
#include "server/store/directory.hpp"
#include "server/store/identity.hpp"
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
  a.set_state(row.resolved()       ? v1::ALERT_STATE_RESOLVED
              : row.acknowledged() ? v1::ALERT_STATE_ACKNOWLEDGED
                                   : v1::ALERT_STATE_OPEN);
  a.set_acknowledged_by(row.acknowledged_by);
  a.set_acknowledged_by_handle(row.acknowledged_by_handle);
  a.set_acknowledged_at_ms(row.acknowledged_at_ms);
  a.set_ack_note(row.ack_note);
  a.set_resolved_by(row.resolved_by);
  a.set_resolved_by_handle(row.resolved_by_handle);
  a.set_resolved_at_ms(row.resolved_at_ms);
  a.set_resolve_note(row.resolve_note);
  a.set_resolve_reason(row.resolve_reason);
  for (const auto& [key, value] : row.resolve_params) (*a.mutable_resolve_params())[key] = value;
  for (const auto& [key, value] : row.params) (*a.mutable_params())[key] = value;
  return a;
}

void append_alert_event(store::Connection& conn, v1::Event event, const Audience& audience,
                        std::int64_t now_ms, std::vector<PendingEvent>& events) {
  for (const auto& lead : store::on_duty_guest_leads(conn, audience.team_id, now_ms)) {
    events.push_back(append_event(conn, event, Audience::volunteer(lead), now_ms));
  }
  events.push_back(append_event(conn, std::move(event), audience, now_ms));
}

std::vector<std::string> alert_teams(store::Connection& conn, const store::AlertRow& alert) {
  std::vector<std::string> teams{alert.team_id};
  if (alert.kind != v1::ALERT_KIND_SOS || !alert.patrol_id.empty() || alert.raised_by.empty()) return teams;
  for (auto& t : store::teams_of(conn, alert.raised_by)) {
    if (t != alert.team_id) teams.push_back(std::move(t));
  }
  return teams;
}

namespace {

// Appends `event` for the leads of every team in `teams` (the first with the
// coordinators, the others without, so that a coordinator gets one copy).
void append_for_teams(store::Connection& conn, const v1::Event& event, const std::vector<std::string>& teams,
                      const Audience& first, std::int64_t now_ms, std::vector<PendingEvent>& events) {
  append_alert_event(conn, event, first, now_ms, events);
  for (std::size_t i = 1; i < teams.size(); ++i) {
    append_alert_event(conn, event, Audience::leads_only(teams[i]), now_ms, events);
  }
}

// The people an alert is about, besides its leads: who raised it and the members of its
// patrol, but not those whom the leads' audience reaches already (a coordinator, a lead
// of one of its teams) nor anyone revoked.
std::vector<std::string> alert_subjects(store::Connection& conn, const store::AlertRow& alert,
                                        const std::vector<std::string>& teams) {
  std::set<std::string> ids;
  if (!alert.raised_by.empty()) ids.insert(alert.raised_by);
  if (!alert.patrol_id.empty()) {
    if (const auto patrol = store::find_patrol(conn, alert.patrol_id)) {
      for (const auto& member : patrol->members) ids.insert(member.first);
    }
  }
  std::vector<std::string> out;
  for (const auto& id : ids) {
    const auto role = store::volunteer_role(conn, id);
    if (!role || *role == store::kRoleCoordinator) continue;
    const auto leads = store::lead_teams_of(conn, id);
    const bool lead = std::any_of(teams.begin(), teams.end(), [&leads](const std::string& t) {
      return std::find(leads.begin(), leads.end(), t) != leads.end();
    });
    if (!lead) out.push_back(id);
  }
  return out;
}

// Who hears the answers to an alert (acknowledged, resolved): its leads and coordinators,
// and its raiser and its patrol's members, so that whoever is in trouble learns that
// someone heard.
struct AnswerAudience {
  std::vector<std::string> teams;
  Audience leads;
  std::vector<std::string> subjects;
};

AnswerAudience answer_audience(store::Connection& conn, const store::AlertRow& alert) {
  auto teams = alert_teams(conn, alert);
  // The audience it was raised to: an overdue alert reaches the coordinators only once
  // it has escalated.
  const bool leads_only = alert.kind == v1::ALERT_KIND_OVERDUE && alert.escalated_at_ms == 0;
  auto leads = leads_only ? Audience::leads_only(teams.front()) : Audience::team_leads(teams.front());
  auto subjects = alert_subjects(conn, alert, teams);
  return {std::move(teams), std::move(leads), std::move(subjects)};
}

void tell_about(store::Connection& conn, const v1::Event& event, const AnswerAudience& audience,
                std::int64_t now_ms, std::vector<PendingEvent>& events) {
  append_for_teams(conn, event, audience.teams, audience.leads, now_ms, events);
  for (const auto& id : audience.subjects) {
    events.push_back(append_event(conn, event, Audience::volunteer(id), now_ms));
  }
}

v1::Event acknowledged_event(const store::AlertRow& alert, const std::string& by,
                             const std::string& by_handle, const std::string& note, std::int64_t at_ms) {
  v1::Event e;
  auto* ack = e.mutable_alert_acknowledged();
  ack->set_alert_id(alert.id);
  ack->set_acknowledged_by(by);
  ack->set_acknowledged_by_handle(by_handle);
  ack->set_at_ms(at_ms);
  ack->set_note(note);
  *ack->mutable_alert() = alert_view(alert);
  return e;
}

}  // namespace

void raise_alert(store::Connection& conn, const store::AlertRow& alert, const Audience& audience,
                 std::int64_t now_ms, std::vector<PendingEvent>& events, const v1::Location* live_location) {
  store::insert_alert(conn, alert);
  announce_alert(conn, alert, audience, now_ms, events, live_location);
}

void announce_alert(store::Connection& conn, const store::AlertRow& alert, const Audience& audience,
                    std::int64_t now_ms, std::vector<PendingEvent>& events,
                    const v1::Location* live_location) {
  v1::Event e;
  *e.mutable_alert_raised() = alert_view(alert);
  const auto first = events.size();
  append_for_teams(conn, e, alert_teams(conn, alert), audience, now_ms, events);
  if (live_location == nullptr) return;
  for (auto i = first; i < events.size(); ++i) {
    events[i].live = events[i].event;
    *events[i].live->mutable_alert_raised()->mutable_location() = *live_location;
  }
}

bool acknowledge(store::Connection& conn, const std::string& alert_id, const std::string& by,
                 const std::string& note, std::int64_t now_ms, std::vector<PendingEvent>& events) {
  if (!store::acknowledge_alert(conn, alert_id, by, now_ms, note)) return false;
  const auto alert = store::find_alert(conn, alert_id);
  tell_about(conn, acknowledged_event(*alert, by, alert->acknowledged_by_handle, note, now_ms),
             answer_audience(conn, *alert), now_ms, events);
  return true;
}

bool resolve(store::Connection& conn, const std::string& alert_id, const Resolution& how, std::int64_t now_ms,
             std::vector<PendingEvent>& events) {
  const auto& by = how.by;
  const auto& note = how.note;
  if (!store::resolve_alert(conn, alert_id, {by, now_ms, note, how.reason, how.params})) return false;
  const auto alert = store::find_alert(conn, alert_id);
  const auto audience = answer_audience(conn, *alert);
  // Apps that predate resolving drop an alert when it is acknowledged. (Resolving leaves
  // the acknowledgement as it was.)
  if (!alert->acknowledged()) {
    tell_about(conn, acknowledged_event(*alert, by, alert->resolved_by_handle, note, now_ms), audience,
               now_ms, events);
  }
  v1::Event e;
  auto* r = e.mutable_alert_resolved();
  r->set_alert_id(alert->id);
  r->set_resolved_by(by);
  r->set_resolved_by_handle(alert->resolved_by_handle);
  r->set_at_ms(now_ms);
  r->set_note(note);
  *r->mutable_alert() = alert_view(*alert);
  tell_about(conn, e, audience, now_ms, events);
  return true;
}

}  // namespace gadehold::app
