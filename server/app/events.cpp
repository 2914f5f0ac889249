#include "server/app/events.hpp"

#include <algorithm>

namespace gadehold::app {

bool Audience::includes(const Principal& p) const {
  if (kind == Kind::leads_only) return p.leads(team_id);
  if (p.is_coordinator()) return kind != Kind::volunteer || p.volunteer_id == volunteer_id;
  switch (kind) {
    case Kind::team: return p.member_of(team_id);
    case Kind::team_leads: return p.leads(team_id);
    case Kind::coordinators: return false;
    case Kind::volunteer: return p.volunteer_id == volunteer_id;
    case Kind::leads_only: return p.leads(team_id);
    case Kind::volunteer_and_leads: return p.volunteer_id == volunteer_id || p.leads(team_id);
  }
  return false;
}

PendingEvent append_event(store::Connection& conn, v1::Event event, const Audience& audience, std::int64_t now_ms) {
  event.set_at_ms(now_ms);
  event.clear_seq();
  std::string payload;
  event.SerializeToString(&payload);
  store::Statement st(conn,
                      "INSERT INTO events (at_ms, audience, team_id, volunteer_id, payload) VALUES (?, ?, ?, ?, ?)");
  st.bind(1, now_ms)
      .bind(2, static_cast<int>(audience.kind))
      .bind_or_null(3, audience.team_id)
      .bind_or_null(4, audience.volunteer_id)
      .bind_blob(5, payload)
      .run();
  event.set_seq(static_cast<std::uint64_t>(conn.last_insert_rowid()));
  return PendingEvent{std::move(event), audience, std::nullopt};
}

std::uint64_t latest_seq(store::Connection& conn) {
  store::Statement st(conn, "SELECT seq FROM sqlite_sequence WHERE name = 'events'");
  return st.step() ? static_cast<std::uint64_t>(st.column_int(0)) : 0;
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
