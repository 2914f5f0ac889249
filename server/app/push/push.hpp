#pragma once
// Push to locked phones: the calling device's push subscription (RegisterPush,
// UnregisterPush). Which events are pushed, and the sending, are elsewhere.
#include <cstddef>
#include <string>

#include "server/app/request.hpp"
#include "server/app/services.hpp"
#include "server/store/push.hpp"

namespace gadehold::app::push {

inline constexpr std::size_t kMaxEndpointBytes = 2048;

// The subscription in `req`, checked and normalised (trailing '=' padding removed from the
// keys), without a device. Throws core::Refusal: REQUIRED, PUSH_ENDPOINT_INVALID on
// "endpoint", PUSH_KEY_INVALID on "p256dh" or "auth". Messages never contain the values.
// Unless `allow_private` (push-allow-private-endpoints), an endpoint whose host is a
// loopback, private or link-local address literal is PUSH_ENDPOINT_INVALID.
store::PushSubscription checked_subscription(const v1::RegisterPush& req, bool allow_private);

// Writes: any signed-in caller, for the device of this connection; answered by
// Ack { id: device_id }, duplicate when nothing changed.
void register_push(const Services& services, RequestPtr request);
void unregister_push(const Services& services, RequestPtr request);

}  // namespace gadehold::app::push
