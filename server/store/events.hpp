#pragma once
// The event log: every change a client should see, in order of its seq, with who may
// see it. Written in the same transaction as the change; read by Sync.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/store/sqlite/connection.hpp"

namespace gadehold::store {

// Who may see an event, as stored in events.audience.
enum class AudienceKind {
  team = 1,                 // the team's members and leads
  team_leads = 2,           // the team's leads
  coordinators = 3,         // coordinators only
  volunteer = 4,            // one volunteer
  leads_only = 5,           // the team's leads, not the coordinators
  volunteer_and_leads = 6,  // one volunteer and the team's leads
};

// Appends an event and returns its seq. `team_id` and `volunteer_id` may be empty.
std::uint64_t insert_event(Connection& conn, std::int64_t at_ms, AudienceKind audience,
                           std::string_view team_id, std::string_view volunteer_id, std::string_view payload);

// The highest seq ever handed out (0 when none), purged events included.
std::uint64_t latest_event_seq(Connection& conn);
// Events up to this seq may have been deleted by retention (0 when none were).
std::uint64_t events_purged_through(Connection& conn);

struct StoredEvent {
  std::uint64_t seq = 0;
  std::string payload;  // a serialized gadehold.v1.Event without its seq
};

// Up to `limit` events after `since_seq` that the volunteer may see, by seq: with
// `coordinator`, every event but those for one other volunteer and those for leads only;
// otherwise those for their teams (as member or lead) and for themselves.
std::vector<StoredEvent> events_visible_to(Connection& conn, const std::string& volunteer_id,
                                           bool coordinator, std::uint64_t since_seq, std::int64_t limit);

}  // namespace gadehold::store
