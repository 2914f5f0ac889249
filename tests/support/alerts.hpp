#pragma once
// Requests and checks for the alert tests (alert_lifecycle_test, alert_order_test).
#include <string>
#include <utility>
#include <vector>

#include "support/programme.hpp"

namespace gadehold::test {

inline v1::ClientMessage raise_sos(int client, const std::string& patrol_id, bool with_location = false) {
  v1::ClientMessage m;
  m.set_request_id(30);
  m.mutable_raise_sos()->set_client_id(uuid(client));
  m.mutable_raise_sos()->set_patrol_id(patrol_id);
  if (with_location) {
    m.mutable_raise_sos()->mutable_location()->set_lat(55.6761234);
    m.mutable_raise_sos()->mutable_location()->set_lon(12.5683456);
  }
  return m;
}

inline v1::ClientMessage acknowledge(const std::string& alert_id, const std::string& note) {
  v1::ClientMessage m;
  m.set_request_id(31);
  m.mutable_acknowledge_alert()->set_alert_id(alert_id);
  m.mutable_acknowledge_alert()->set_note(note);
  return m;
}

inline v1::ClientMessage resolve(int client, const std::string& alert_id, const std::string& note = {}) {
  v1::ClientMessage m;
  m.set_request_id(32);
  m.mutable_resolve_alert()->set_client_id(uuid(client));
  m.mutable_resolve_alert()->set_alert_id(alert_id);
  m.mutable_resolve_alert()->set_note(note);
  return m;
}

inline v1::AlertList list_alerts(Programme& p, User& user, const std::string& token = {},
                                 std::int64_t resolved_since = 0, std::uint32_t limit = 0) {
  v1::ClientMessage m;
  m.set_request_id(33);
  m.mutable_list_alerts()->set_page_token(token);
  m.mutable_list_alerts()->set_include_resolved_since_ms(resolved_since);
  m.mutable_list_alerts()->set_limit(limit);
  return p.app.ok(user, m).alert_list();
}

// Every page of ListAlerts.
inline std::vector<v1::Alert> all_alerts(Programme& p, User& user, std::int64_t resolved_since = 0) {
  std::vector<v1::Alert> out;
  std::string token;
  do {
    auto page = list_alerts(p, user, token, resolved_since, 37);
    out.insert(out.end(), page.alerts().begin(), page.alerts().end());
    token = page.next_page_token();
  } while (!token.empty());
  return out;
}

// The alert reminders that follow a Welcome for `user` on a fresh connection.
inline std::vector<v1::Alert> reminders(Programme& p, const User& user) {
  app::SessionState fresh;
  fresh.connection_id = 4242;
  fresh.client_address = "127.0.0.1";
  v1::ClientMessage hello;
  hello.set_request_id(1);
  hello.mutable_hello()->set_protocol_version(1);
  hello.mutable_hello()->set_device_token(user.token);
  REQUIRE(p.app.call(fresh, hello).has_welcome());
  std::vector<v1::Alert> out;
  for (const auto& m : p.app.last_followups()) out.push_back(m.event().alert_raised());
  return out;
}

inline int rank(v1::AlertKind kind) {
  switch (kind) {
    case v1::ALERT_KIND_SOS:
      return 0;
    case v1::ALERT_KIND_OVERDUE:
      return 2;
    default:
      return 3;
  }
}

// The events of one kind published since `from`, with their audiences.
inline std::vector<std::pair<v1::Event, app::Audience>> published(Programme& p, std::size_t from,
                                                                  v1::Event::KindCase kind) {
  std::vector<std::pair<v1::Event, app::Audience>> out;
  for (auto& e : p.published_since(from)) {
    if (e.first.kind_case() == kind) out.push_back(std::move(e));
  }
  return out;
}

inline bool reaches(const std::vector<std::pair<v1::Event, app::Audience>>& events, const User& user) {
  for (const auto& e : events) {
    if (e.second.includes(*user.session.principal)) return true;
  }
  return false;
}

}  // namespace gadehold::test
