#pragma once
// Push to locked phones: the deployment's VAPID key and each device's push subscription.
// Every function runs on the connection it is given; writes belong inside the writer's
// transaction (or a CLI's own transaction).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/store/sqlite/connection.hpp"

namespace gadehold::store {

struct StoredVapidKey {
  std::string private_key;  // as VapidKey::stored() gives it: a secret
  std::string public_key;   // base64url uncompressed point
};

// The deployment's VAPID key, if it has one yet.
std::optional<StoredVapidKey> vapid_key(Connection& conn);
// Its public half, or "" when there is none yet.
std::string vapid_public_key(Connection& conn);
// Stores the key unless the database has one. True when it was stored.
bool save_vapid_key_if_missing(Connection& conn, const StoredVapidKey& key, std::int64_t now_ms);

struct PushSubscription {
  std::string device_id;
  std::string endpoint;  // identifies the phone: never logged
  std::string p256dh;
  std::string auth;  // a secret
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

// Binds `sub` to its device, replacing the device's old subscription. created_at_ms is kept
// while the endpoint stays the same.
void save_push_subscription(Connection& conn, const PushSubscription& sub, std::int64_t now_ms);
// True when the device had a subscription.
bool delete_push_subscription(Connection& conn, const std::string& device_id);
// Every subscription of the volunteer's devices, for revoking the volunteer.
void delete_push_subscriptions_of(Connection& conn, const std::string& volunteer_id);
std::optional<PushSubscription> push_subscription(Connection& conn, const std::string& device_id);
std::int64_t count_push_subscriptions(Connection& conn);

}  // namespace gadehold::store
