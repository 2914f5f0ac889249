#pragma once
// Which committed events go to locked phones (Web Push), and how: the push's kind,
// urgency, lifetime and topic, and its payload. Pure: no database, no sockets. The
// sending is in net/push_fanout.
#include <cstdint>
#include <optional>
#include <string>

#include "server/app/events.hpp"

namespace gadehold::app::push {

// What a push asks of the push service (RFC 8030 section 5.3).
enum class PushUrgency { normal, high };

struct PushPlan {
  std::string kind;  // the Event field: "alert_raised", "alert_acknowledged", ...: logs, metrics
  PushUrgency urgency = PushUrgency::normal;
  std::uint32_t ttl_s = 60;  // how long the push service keeps it for a phone that is off
  std::string topic;         // a newer push with the same topic replaces an undelivered one; may be empty
  // The JSON the phone decrypts, without the area's name ("area"), which needs the
  // database: payload_json adds it. See docs/protocol.md, "Push to locked phones".
  std::string alert_kind;  // "sos", "need_support", "overdue"; empty unless an alert
  std::string alert_id;
  std::string patrol_id;
  std::string shift_id;
  std::string message_id;
  std::string area_id;
  bool escalated = false;
  std::int64_t at_ms = 0;  // when it happened: the alert raised, the ack, the check-in due
  std::uint64_t seq = 0;   // the event's seq: Sync from before it to fetch the details
};

// The push for `event`, or nullopt when this event, for this audience, is not pushed.
// Pushed: SOS, NEED_SUPPORT and OVERDUE alerts raised or escalated, and the answers to
// them (acknowledged, resolved); check_in_due; shift reminders; patrol messages to the
// patrol's members. Not pushed: planning alerts, check-ins, notes, patrols started and
// ended, shift changes: they wait for the app to open.
std::optional<PushPlan> push_plan(const PendingEvent& event, std::int64_t now_ms);

// The Topic header for one device: `topic` (the same for every recipient of an alert)
// keyed with the device's subscription secret (`auth`) and cut to 32 base64url
// characters, so that a push service can neither read an alert's id from it nor tell
// which phones got the same alert. Stable per device, so a newer push still replaces an
// older one. Empty when `topic` is.
std::string device_topic(const std::string& topic, const std::string& auth);

// The decrypted payload: one JSON object of at most a few hundred bytes, with no note
// text, no message text, no coordinates and no handle. `area_name` may be empty.
std::string payload_json(const PushPlan& plan, const std::string& area_name);

}  // namespace gadehold::app::push
