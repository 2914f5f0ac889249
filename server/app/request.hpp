#pragma once
// One request in flight and how it is answered: exactly one reply per request.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "gadehold/v1/envelope.pb.h"
#include "server/app/session_state.hpp"
#include "server/core/status.hpp"

namespace gadehold::store {
class Connection;
}

namespace gadehold::app {

// Called exactly once per request, on a reader, the writer or a network thread: the
// network layer posts it back to the session's strand before touching the session.
using Respond = std::function<void(Outcome)>;

// Which role may make a request, about which object: OK, PERMISSION_DENIED, or
// NOT_FOUND for an object missing or out of reach (policy.hpp).
using Policy = core::Status (*)(const Principal& caller, const v1::ClientMessage& message,
                                store::Connection& db);

// One request in flight. It owns copies of everything it needs, so handlers may finish
// it after the session has moved on.
struct Request {
  SessionState session;
  // Fresh from the database for reads; for writes the session's, and the writer passes
  // the fresh one to the write itself (commit.hpp). Empty for session-start requests.
  Principal caller;
  v1::ClientMessage message;
  Respond respond;
  Policy policy = nullptr;  // the route's; run again inside each write

  void reply(v1::ServerMessage msg);
  void fail(const core::Status& status);
  void fail(core::Reason reason, std::string message, std::string field = {}, core::Params params = {});
  void ack(const std::string& id, bool duplicate = false);
  // The caller's device was revoked since the Hello: UNAUTHENTICATED, then the
  // connection closes with 1008.
  void revoked();
};
using RequestPtr = std::shared_ptr<Request>;

// An Error reply for `request_id`.
v1::ServerMessage make_error(std::uint64_t request_id, const core::Status& status);

}  // namespace gadehold::app
