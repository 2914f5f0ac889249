#pragma once
// Push to locked phones: the deployment's VAPID key and each device's push subscription.
// Every function runs on the connection it is given; writes belong inside the writer's
// transaction (or a CLI's own transaction).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/store/events.hpp"
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

// A push service answered 404 or 410 for `endpoint`: deletes the device's subscription if
// it is still that one (the phone may have registered a new one since). True when deleted.
bool delete_gone_push_subscription(Connection& conn, const std::string& device_id,
                                   const std::string& endpoint);

// The subscriptions of every device, not revoked, of a volunteer, not revoked, whom the
// audience includes, as app::Audience::includes decides for a live connection: the
// coordinators are in every audience but `volunteer` and `leads_only`. `team_id` and
// `volunteer_id` as the audience kind needs them.
std::vector<PushSubscription> push_subscriptions_for(Connection& conn, AudienceKind audience,
                                                     const std::string& team_id,
                                                     const std::string& volunteer_id);

// An area's name, or "" when there is no such area.
std::string area_name(Connection& conn, const std::string& area_id);

}  // namespace gadehold::store
