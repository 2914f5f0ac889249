#pragma once
// Raising and closing alerts, for every feature that does (patrols, shifts, alerts, the
// watchdog): the alert row and its events, in the caller's write.
#include <cstdint>
#include <string>
#include <vector>

#include "gadehold/v1/envelope.pb.h"
#include "server/app/events.hpp"
#include "server/store/alerts.hpp"
#include "server/store/patrols.hpp"

namespace gadehold::app {

// A new alert about `patrol`, raised now, in its area, by nobody (the server) until the
// caller sets `raised_by`.
store::AlertRow patrol_alert(int kind, const store::PatrolRow& patrol, std::int64_t now_ms,
                             std::string message);

// An alert row as the protocol shows it.
v1::Alert alert_view(const store::AlertRow& row);

// Appends an alert event (raised or acknowledged) for `audience` (the team's leads,
// with or without the coordinators), and a copy for each lead on duty for the team by
// a running shift who does not lead it.
void append_alert_event(store::Connection& conn, v1::Event event, const Audience& audience,
                        std::int64_t now_ms, std::vector<PendingEvent>& events);

// Inserts the alert and appends its events as above. `live_location`, for an SOS, goes
// to the recipients connected now and is never stored.
void raise_alert(store::Connection& conn, const store::AlertRow& alert, const Audience& audience,
                 std::int64_t now_ms, std::vector<PendingEvent>& events,
                 const v1::Location* live_location = nullptr);

// The server closes an open alert of `team_id` because its cause went away ("the patrol
// checked in"): acknowledged by nobody, with `note`, and the team's leads told. Nothing
// happens when it was already acknowledged.
void close_alert(store::Connection& conn, const std::string& alert_id, const std::string& team_id,
                 const std::string& note, std::int64_t now_ms, std::vector<PendingEvent>& events);

}  // namespace gadehold::app
