#pragma once
// Alerts that people raise and answer: the SOS, and a lead's acknowledgement; and the
// watchdog's side of them: escalation to the coordinators, and the open-alert gauges.
#include <cstdint>
#include <string>
#include <vector>

#include "server/app/request.hpp"
#include "server/app/services.hpp"

namespace gadehold::app::alerts {

// Writes: run on the network thread, which only checks and scrubs; the write itself runs
// in the writer's next group commit, with the caller authorised in its own transaction.
void raise_sos(const Services& services, RequestPtr request);
void acknowledge_alert(const Services& services, RequestPtr request);
void resolve_alert(const Services& services, RequestPtr request);
// ListAlerts: a read.
void list_alerts(const Services& services, RequestPtr request, store::Connection& reader);

// The watchdog: escalates an alert whose time has come (store::alerts_due_for_escalation),
// in a write of its own that re-checks that the alert is still open and not escalated.
void escalate(const Services& services, const std::string& alert_id, std::int64_t now_ms);
// Sets the gauges of open alerts by kind, for the operators' alerting (an SOS nobody
// has answered): counts and ages only, no ids.
void count_open_alerts(store::Connection& reader, std::int64_t now_ms);

}  // namespace gadehold::app::alerts
