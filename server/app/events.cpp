#include "server/app/events.hpp"

namespace gadehold::app {

bool Audience::includes(const Principal& p) const {
  if (kind == Kind::leads_only) return p.leads(team_id);
  if (p.is_coordinator()) return kind != Kind::volunteer || p.volunteer_id == volunteer_id;
  switch (kind) {
    case Kind::team:
      return p.member_of(team_id);
    case Kind::team_leads:
      return p.leads(team_id);
    case Kind::coordinators:
      return false;
    case Kind::volunteer:
      return p.volunteer_id == volunteer_id;
    case Kind::leads_only:
      return p.leads(team_id);
    case Kind::volunteer_and_leads:
      return p.volunteer_id == volunteer_id || p.leads(team_id);
  }
  return false;
}

PendingEvent append_event(store::Connection& conn, v1::Event event, const Audience& audience,
                          std::int64_t now_ms) {
  event.set_at_ms(now_ms);
  event.clear_seq();
  std::string payload;
  event.SerializeToString(&payload);
  event.set_seq(
      store::insert_event(conn, now_ms, audience.kind, audience.team_id, audience.volunteer_id, payload));
  return PendingEvent{std::move(event), audience, std::nullopt};
}

std::shared_ptr<const std::string> push_frame(const v1::Event& event) {
  v1::ServerMessage msg;
  msg.set_request_id(0);
  *msg.mutable_event() = event;
  auto bytes = std::make_shared<std::string>();
  msg.SerializeToString(bytes.get());
  return bytes;
}

}  // namespace gadehold::app
