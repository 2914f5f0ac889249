#include "server/app/patrol_support.hpp"

#include "server/app/patrol_view.hpp"
#include "server/core/status.hpp"
#include "server/privacy/handle_rules.hpp"
#include "server/privacy/location.hpp"
#include "server/store/shifts.hpp"

namespace gadehold::app {

// Validates a position and coarsens it; the numbers go no further than this function.
Place place_of(store::Connection& conn, const v1::Location& location, unsigned precision) {
  auto status = privacy::check_position(location.lat(), location.lon());
  if (!status.ok()) throw core::Refusal(status.code, status.message, status.field);
  Place p;
  p.cell = privacy::geohash(location.lat(), location.lon(), static_cast<int>(precision));
  p.area_id = store::area_of_cell(conn, p.cell).value_or("");
  return p;
}

void check_position_early(const v1::Location& location) {
  auto status = privacy::check_position(location.lat(), location.lon());
  if (!status.ok()) throw core::Refusal(status.code, status.message, status.field);
}

// Scrubs optional free text after checking its length; returns the scrubbed text.
privacy::ScrubResult scrub_text(const std::string& text, std::size_t max_chars, const char* field) {
  const long chars = privacy::utf8_length(text);
  if (chars < 0 || static_cast<std::size_t>(chars) > max_chars) {
    throw core::Refusal(core::Code::invalid_argument,
                        "at most " + std::to_string(max_chars) + " characters of UTF-8", field);
  }
  return privacy::scrub(text);
}

v1::ScrubReport to_proto(const privacy::ScrubReport& r) {
  using privacy::Marker;
  v1::ScrubReport out;
  out.set_phone(r.count(Marker::phone));
  out.set_email(r.count(Marker::email));
  out.set_postcode(r.count(Marker::postcode));
  out.set_address(r.count(Marker::address));
  out.set_id(r.count(Marker::id));
  out.set_plate(r.count(Marker::plate));
  out.set_date(r.count(Marker::date));
  out.set_name(r.count(Marker::name));
  out.set_handle(r.count(Marker::handle));
  out.set_url(r.count(Marker::url));
  return out;
}

// The patrol a member writes to: it must exist and have the caller as a member;
// anything else is NOT_FOUND, like a patrol that does not exist.
store::PatrolRow member_patrol(store::Connection& conn, const std::string& patrol_id, const Principal& caller) {
  auto patrol = store::find_patrol(conn, patrol_id);
  if (!patrol || !patrol->has_member(caller.volunteer_id) || !caller.member_of(patrol->team_id)) {
    throw core::Refusal(core::Code::not_found, "not found", "patrol_id");
  }
  return *patrol;
}

void require_active(const store::PatrolRow& patrol) {
  if (!patrol.active()) throw core::Refusal(core::Code::failed_precondition, "the patrol has ended", "patrol_id");
}

// Anything from a patrol (a check-in, a note, an SOS) restarts its check-in timer and
// resolves an open overdue alert.
void heard_from(store::Connection& conn, const store::PatrolRow& patrol, std::int64_t now_ms, std::int64_t grace_ms,
                std::vector<PendingEvent>& events) {
  store::restart_patrol_timer(conn, patrol.id, now_ms, grace_ms);
  resolve_overdue(conn, patrol, now_ms, events);
}

// Resolves a patrol's open overdue alert because the patrol was heard from again.
void resolve_overdue(store::Connection& conn, const store::PatrolRow& patrol, std::int64_t now_ms,
                     std::vector<PendingEvent>& events) {
  if (patrol.overdue_alert_id.empty()) return;
  if (store::acknowledge_alert(conn, patrol.overdue_alert_id, "", now_ms, "the patrol checked in")) {
    v1::Event e;
    auto* ack = e.mutable_alert_acknowledged();
    ack->set_alert_id(patrol.overdue_alert_id);
    ack->set_at_ms(now_ms);
    ack->set_note("the patrol checked in");
    append_alert_event(conn, std::move(e), Audience::team_leads(patrol.team_id), now_ms, events);
  }
  store::Statement st(conn, "UPDATE patrols SET overdue_alert_id = NULL WHERE id = ?");
  st.bind(1, patrol.id).run();
}

void append_alert_event(store::Connection& conn, v1::Event event, const Audience& audience, std::int64_t now_ms,
                        std::vector<PendingEvent>& events) {
  const auto guests = store::on_duty_guest_leads(conn, audience.team_id, now_ms);
  for (const auto& lead : guests) {
    events.push_back(append_event(conn, event, Audience::volunteer(lead), now_ms));
  }
  events.push_back(append_event(conn, std::move(event), audience, now_ms));
}

void raise_alert(store::Connection& conn, const store::AlertRow& alert, const Audience& audience, std::int64_t now_ms,
                 std::vector<PendingEvent>& events, const v1::Location* live_location) {
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

}  // namespace gadehold::app
