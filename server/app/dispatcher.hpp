#pragma once
// Maps each ClientMessage body to its handler. Protobuf in, Outcome out; no sockets.
#include <functional>
#include <string_view>
#include <unordered_map>

#include "server/app/session_state.hpp"
#include "server/core/clock.hpp"
#include "server/core/status.hpp"

namespace gadehold::store {
class Database;
}

namespace gadehold::app {

// Called exactly once per request, possibly on the writer thread: post back to the
// session's strand before touching the session.
using Respond = std::function<void(Outcome)>;

// One request in flight. Handlers copy what they need: the session may change after
// the handler returns.
struct Request {
  const SessionState& session;
  v1::ClientMessage message;
  Respond respond;

  void reply(v1::ServerMessage msg);
  void fail(const core::Status& status);
  void fail(core::Code code, std::string message, std::string field = {});
};

struct Health {
  bool database_ok = false;
  int schema_version = 0;
};

// Protocol versions this server speaks.
inline constexpr std::uint32_t kMinProtocolVersion = 1;
inline constexpr std::uint32_t kMaxProtocolVersion = 1;
// Failed Hello/RedeemInvite attempts after which the connection is closed.
inline constexpr unsigned kMaxFailedAuthAttempts = 5;

class Dispatcher {
 public:
  Dispatcher(store::Database& db, const core::Clock& clock);

  // Parses one binary frame and handles it; `respond` runs exactly once. Returns true
  // when the session must hold further frames until `respond` ran, which is the case
  // for session-start requests, so a pipelined request sees the new identity.
  bool dispatch(const SessionState& session, std::string_view frame, Respond respond);

  Health health();

 private:
  using Handler = std::function<void(Request&)>;
  void handle_hello(Request& request);
  void handle_redeem_invite(Request& request);

  store::Database& db_;
  const core::Clock& clock_;
  std::unordered_map<int, Handler> handlers_;
};

// Builds an Error reply for `request_id`.
v1::ServerMessage make_error(std::uint64_t request_id, const core::Status& status);

}  // namespace gadehold::app
