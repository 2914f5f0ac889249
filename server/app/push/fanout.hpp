#pragma once
// Who gets a push for committed events: on a reader thread, each pushed event's audience
// is resolved to the subscribed devices it includes, once per device, with the payload
// each one decrypts. Encrypting and sending are the network layer's (net/push_fanout).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "server/app/events.hpp"
#include "server/app/push/plan.hpp"
#include "server/core/clock.hpp"
#include "server/store/engine/database.hpp"
#include "server/store/push.hpp"

namespace gadehold::app::push {

// One push for one device.
struct Delivery {
  store::PushSubscription subscription;  // the endpoint and the phone's keys
  const PushPlan* plan = nullptr;        // urgency, TTL, topic
  std::string kind;                      // for logs and metrics: "sos", "acknowledged", "check_in_due", ...
  std::string payload;                   // the JSON to encrypt
};
using Send = std::function<void(const Delivery&)>;

// Plans `events` (cheap, on the caller's thread) and, if any is pushed, queues a server
// read that calls `send` once per device and event. False when nothing was queued: no
// event is pushed, or the readers have stopped (logged).
bool fan_out(store::Database& db, const core::Clock& clock, const std::vector<PendingEvent>& events,
             Send send);

// A push service called `endpoint` gone (404, 410): deletes the device's subscription
// through the writer if it is still that endpoint. Returns at once.
void forget_gone(store::Database& db, const std::string& device_id, const std::string& endpoint);

}  // namespace gadehold::app::push
