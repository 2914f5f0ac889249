#pragma once
// Events: every change a client should see is appended to the event log in the same
// transaction as the change, then pushed to the connected members of its audience.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gadehold/v1/envelope.pb.h"
#include "server/app/session_state.hpp"
#include "server/store/events.hpp"

namespace gadehold::app {

// Who may see an event.
struct Audience {
  using Kind = store::AudienceKind;
  Kind kind;
  std::string team_id;       // for team, team_leads, leads_only and volunteer_and_leads
  std::string volunteer_id;  // for volunteer and volunteer_and_leads

  static Audience team(std::string id) { return {Kind::team, std::move(id), {}}; }
  static Audience team_leads(std::string id) { return {Kind::team_leads, std::move(id), {}}; }
  static Audience coordinators() { return {Kind::coordinators, {}, {}}; }
  static Audience volunteer(std::string id) { return {Kind::volunteer, {}, std::move(id)}; }
  // The team's leads without the coordinators: an overdue alert before it escalates.
  static Audience leads_only(std::string id) { return {Kind::leads_only, std::move(id), {}}; }
  // One volunteer, the team's leads and the coordinators: a change to someone's sign-up.
  static Audience volunteer_and_leads(std::string team, std::string volunteer) {
    return {Kind::volunteer_and_leads, std::move(team), std::move(volunteer)};
  }

  // Coordinators see everything; leads their teams' team and lead events; members
  // their teams' team events; everyone their own.
  bool includes(const Principal& p) const;
};

// An event appended in a write, waiting for the commit before it is pushed.
struct PendingEvent {
  v1::Event event;  // with seq set
  Audience audience;
  // What live recipients get instead of `event`, when it differs (an SOS with the exact
  // position, which is never stored). Empty: push `event`.
  std::optional<v1::Event> live;
};

// Appends `event` for `audience` and sets its seq. Call inside the writer's transaction.
PendingEvent append_event(store::Connection& conn, v1::Event event, const Audience& audience,
                          std::int64_t now_ms);

// The serialized ServerMessage{request_id 0, event} for pushing.
std::shared_ptr<const std::string> push_frame(const v1::Event& event);

}  // namespace gadehold::app
