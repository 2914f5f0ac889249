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

// Appends an alert event for `audience` (the team's leads, with or without the
// coordinators), and a copy for each lead on duty for the team by a running shift who
// does not lead it.
void append_alert_event(store::Connection& conn, v1::Event event, const Audience& audience,
                        std::int64_t now_ms, std::vector<PendingEvent>& events);

// The teams whose leads an alert goes to: its own, and for an SOS raised without a
// patrol every team of the volunteer who raised it.
std::vector<std::string> alert_teams(store::Connection& conn, const store::AlertRow& alert);

// Appends an alert_raised event for `alert` as raise_alert() does, without inserting it:
// an SOS pressed again.
void announce_alert(store::Connection& conn, const store::AlertRow& alert, const Audience& audience,
                    std::int64_t now_ms, std::vector<PendingEvent>& events,
                    const v1::Location* live_location = nullptr);

// Inserts the alert and appends its events: for `audience`, the on-duty leads as above,
// and for an SOS the leads of every other team in alert_teams. `live_location`, for an
// SOS, goes to the recipients connected now and is never stored (SosPositions keeps it
// in memory for those who connect later).
void raise_alert(store::Connection& conn, const store::AlertRow& alert, const Audience& audience,
                 std::int64_t now_ms, std::vector<PendingEvent>& events,
                 const v1::Location* live_location = nullptr);

// Acknowledges an open alert by `by` and tells everyone who got it, its raiser and its
// patrol's members (alert_acknowledged). False, and nothing happens, when it was already
// acknowledged or resolved.
bool acknowledge(store::Connection& conn, const std::string& alert_id, const std::string& by,
                 const std::string& note, std::int64_t now_ms, std::vector<PendingEvent>& events);

// Who resolved an alert and how: a person (`by`, with their note), or the server (`by`
// empty) with a reason from proto/gadehold/v1/reasons.tsv (code RESOLVED), its params, and
// the English note as the fallback.
struct Resolution {
  std::string by;
  std::string note;
  std::string reason;
  core::Params params;

  static Resolution person(std::string by, std::string note) {
    return {std::move(by), std::move(note), {}, {}};
  }
  static Resolution server(std::string reason, std::string note, core::Params params = {}) {
    return {{}, std::move(note), std::move(reason), std::move(params)};
  }
};

// Resolves an alert and tells the same people (alert_resolved; and alert_acknowledged as
// well when nobody had acknowledged it, for apps that predate resolving). False, and
// nothing happens, when it was already resolved.
bool resolve(store::Connection& conn, const std::string& alert_id, const Resolution& how, std::int64_t now_ms,
             std::vector<PendingEvent>& events);

}  // namespace gadehold::app
