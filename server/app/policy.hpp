#pragma once
// Authorization, in one place: which role may make which request, about which object.
// Each request type names one of these in the route table (dispatcher.cpp); it runs
// before the handler, against the caller's identity as the database holds it now.
// OK, PERMISSION_DENIED (the role may never do this) or NOT_FOUND (the object is
// missing or out of reach, the same answer as for one that does not exist).
#include <optional>

#include "gadehold/v1/envelope.pb.h"
#include "server/app/request.hpp"
#include "server/core/status.hpp"
#include "server/store/identity.hpp"
#include "server/store/sqlite/connection.hpp"

namespace gadehold::app {

Principal to_principal(const store::Identity& identity);

// The caller of `request` as the database holds it now, checked against the request's
// policy on `conn`: a revocation or membership change made since the Hello applies to
// the very next request. Throws core::Refusal: UNAUTHENTICATED when the device has been
// revoked, or the policy's refusal.
Principal authorize(store::Connection& conn, const Request& request);

}  // namespace gadehold::app

namespace gadehold::app::policy {

// Any signed-in caller. Handlers that act on a patrol check, inside their write, that the
// caller is on it, so membership cannot change in between.
core::Status signed_in(const Principal&, const v1::ClientMessage&, store::Connection&);
core::Status coordinators_only(const Principal& caller, const v1::ClientMessage&, store::Connection&);
// Leads and coordinators.
core::Status leads_and_coordinators(const Principal& caller, const v1::ClientMessage&, store::Connection&);

core::Status create_invite(const Principal& caller, const v1::ClientMessage& message, store::Connection&);
core::Status revoke_device(const Principal& caller, const v1::ClientMessage& message, store::Connection& db);
core::Status revoke_volunteer(const Principal& caller, const v1::ClientMessage& message,
                              store::Connection& db);

core::Status create_shift(const Principal& caller, const v1::ClientMessage& message, store::Connection&);
// Writes to a shift's plan (update, cancel, assign, unassign): its team's leads and the
// coordinators.
core::Status plan_shift(const Principal& caller, const v1::ClientMessage& message, store::Connection& db);
// Signing up and withdrawing: members of the shift's team (and coordinators, whom the
// handler then refuses unless they are members).
core::Status see_shift(const Principal& caller, const v1::ClientMessage& message, store::Connection& db);
core::Status list_shifts(const Principal& caller, const v1::ClientMessage& message, store::Connection& db);
core::Status get_calendar_feed(const Principal& caller, const v1::ClientMessage& message,
                               store::Connection& db);
core::Status revoke_calendar_feed(const Principal& caller, const v1::ClientMessage& message,
                                  store::Connection& db);

}  // namespace gadehold::app::policy
