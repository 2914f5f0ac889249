#pragma once
// Identity records: teams, areas, volunteers, devices, invites, and the audit log.
// Every function runs on the connection it is given; writes belong inside the writer's
// transaction (or a CLI's own transaction).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "server/store/sqlite/connection.hpp"

namespace gadehold::store {

// Role numbers as in gadehold.v1.Role.
inline constexpr int kRoleVolunteer = 1;
inline constexpr int kRoleLead = 2;
inline constexpr int kRoleCoordinator = 3;

// Appends to the audit log: who, what, on which object. Never content.
void audit(Connection& conn, std::int64_t at_ms, std::string_view actor, std::string_view action,
           std::string_view object_kind, std::string_view object_id);

// Who a device belongs to, as the session sees it.
struct Identity {
  std::string volunteer_id;
  std::string device_id;
  std::string handle;
  int role = kRoleVolunteer;
  std::vector<std::string> team_ids;
  std::vector<std::string> lead_team_ids;
};

// The identity behind a device token, if the device and volunteer are not revoked.
std::optional<Identity> find_by_token(Connection& conn, std::string_view token);
// The current identity of a device (after a membership change, say).
std::optional<Identity> load_identity(Connection& conn, const std::string& device_id);

struct NewInvite {
  std::string id;
  std::string code;  // shown once; only its hash is stored
  std::int64_t expires_at_ms;
};

NewInvite create_invite(Connection& conn, int role, const std::string& team_id, std::string_view created_by,
                        std::int64_t now_ms, std::int64_t expires_at_ms);

struct Redemption {
  Identity identity;
  std::string device_token;
  // The code was good but the handle is taken: nothing was created, and the invite's
  // count of taken handles went up by one (committed with the caller's transaction).
  bool handle_taken = false;
};

// Taken handles one invite may try. At the last one the invite is used up: its code is
// then refused like a used one. So one invite tells its holder whether at most this many
// handles exist.
inline constexpr int kMaxInviteHandleAttempts = 10;

// Redeems `normalized_code`: creates the volunteer, their membership and device, and
// uses up the invite. A taken handle is answered in the result (handle_taken), not
// thrown, so that the count against the invite is kept. Throws core::Refusal:
// AUTHENTICATION_FAILED for an unknown, used, expired or used-up code; NAME_TAKEN
// (field "handle") when another redeem took the handle meanwhile.
Redemption redeem_invite(Connection& conn, std::string_view normalized_code, std::string_view handle,
                         std::string_view device_name, std::int64_t now_ms);

// Throws core::Refusal(CONFLICT, field "name") if the name is taken.
std::string create_team(Connection& conn, std::string_view name, std::string_view actor, std::int64_t now_ms);
// Throws core::Refusal(CONFLICT, ...) for a taken name or prefix.
std::string create_area(Connection& conn, std::string_view name, const std::vector<std::string>& prefixes,
                        std::string_view actor, std::int64_t now_ms);

enum class MembershipChange { none, member, lead };
void set_membership(Connection& conn, const std::string& volunteer_id, const std::string& team_id,
                    MembershipChange change, std::string_view actor, std::int64_t now_ms);

// Returns the ids of devices newly revoked.
std::vector<std::string> revoke_device(Connection& conn, const std::string& device_id, std::string_view actor,
                                       std::int64_t now_ms);
std::vector<std::string> revoke_volunteer(Connection& conn, const std::string& volunteer_id,
                                          std::string_view actor, std::int64_t now_ms);
// Devices revoked at or after `since_ms`, for a server to notice CLI revocations.
std::vector<std::string> devices_revoked_since(Connection& conn, std::int64_t since_ms);

void touch_device(Connection& conn, const std::string& device_id, std::int64_t now_ms);

// (id, name) of every device with a name, and a new name for one: for names stored
// before device names had rules (app/device_names.hpp).
std::vector<std::pair<std::string, std::string>> device_names(Connection& conn);
void rename_device(Connection& conn, const std::string& device_id, std::string_view name);

// Lookups used by authorization.
std::optional<std::string> team_id_by_name(Connection& conn, std::string_view name);
std::optional<std::string> volunteer_id_by_handle(Connection& conn, std::string_view handle);
bool team_exists(Connection& conn, const std::string& team_id);
// The team's name, if it exists.
std::optional<std::string> team_name(Connection& conn, const std::string& team_id);
// The volunteer's role, if they exist and are not revoked.
std::optional<int> volunteer_role(Connection& conn, const std::string& volunteer_id);
// The owner of a device, if it exists.
std::optional<std::string> device_owner(Connection& conn, const std::string& device_id);
std::vector<std::string> teams_of(Connection& conn, const std::string& volunteer_id);

}  // namespace gadehold::store
