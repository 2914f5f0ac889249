#pragma once
// Identity: starting a session (Hello, RedeemInvite), invites, teams, areas,
// memberships, revocation, and the lists that go with them. Each request's policy
// (policy.hpp) is checked by the route table and inside each write; these check values,
// write and read.
#include "server/app/rate_limit.hpp"
#include "server/app/request.hpp"
#include "server/app/services.hpp"
#include "server/store/identity.hpp"

namespace gadehold::app::identity {

// Protocol versions this server speaks.
inline constexpr std::uint32_t kMinProtocolVersion = 1;
inline constexpr std::uint32_t kMaxProtocolVersion = 1;
// Failed Hello/RedeemInvite attempts after which the connection is closed.
inline constexpr unsigned kMaxFailedAuthAttempts = 5;

// The two requests a connection may start with. `auth_failures` holds the failed
// attempts by client address. A good token or invite is always accepted; a failure
// (a bad token or code, a taken handle) from an address whose budget is spent is
// answered TOO_MANY_FAILED_AUTHENTICATIONS and closes the connection.
void hello(const Services& services, TokenBuckets& auth_failures, RequestPtr request,
           store::Connection& reader);
void redeem_invite(const Services& services, TokenBuckets& auth_failures, RequestPtr request);
// The protocol version, checked before Hello reads anything. False when `request` has
// been answered.
bool admit_hello(Request& request);

// Writes: run on the network thread, which only checks and scrubs; the write itself runs
// in the writer's next group commit, with the caller authorised in its own transaction.
void create_invite(const Services& services, RequestPtr request);
void create_team(const Services& services, RequestPtr request);
void create_area(const Services& services, RequestPtr request);
void set_membership(const Services& services, RequestPtr request);
void revoke_device(const Services& services, RequestPtr request);
void revoke_volunteer(const Services& services, RequestPtr request);
// Reads: run on a reader; `reader` is the connection the request was authorised on.
void list_teams(const Services& services, RequestPtr request, store::Connection& reader);
void list_areas(const Services& services, RequestPtr request, store::Connection& reader);
void list_devices(const Services& services, RequestPtr request, store::Connection& reader);
void list_audit(const Services& services, RequestPtr request, store::Connection& reader);

}  // namespace gadehold::app::identity
