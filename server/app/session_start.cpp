// Hello and RedeemInvite: the two requests a connection may start with.
#include <spdlog/spdlog.h>

#include "server/app/dispatcher.hpp"

namespace gadehold::app {

namespace {

// A failed authentication: the same answer whatever went wrong, so a caller learns
// nothing about which tokens or codes exist. Too many failures close the connection.
void refuse_authentication(Request& request) {
  Outcome outcome;
  outcome.reply = make_error(request.message.request_id(),
                             {core::Code::unauthenticated, "authentication failed", ""});
  outcome.failed_auth = true;
  if (request.session.failed_auth_attempts + 1 >= kMaxFailedAuthAttempts) {
    outcome.close = CloseRequest{1008, "too many failed authentications"};
  }
  spdlog::info("connection {} failed authentication ({} so far)", request.session.connection_id,
               request.session.failed_auth_attempts + 1);
  request.respond(std::move(outcome));
}

}  // namespace

void Dispatcher::handle_hello(Request& request) {
  const auto& hello = request.message.hello();
  if (hello.protocol_version() < kMinProtocolVersion ||
      hello.protocol_version() > kMaxProtocolVersion) {
    request.fail(core::Code::failed_precondition,
                 "unsupported protocol_version; this server supports " +
                     std::to_string(kMinProtocolVersion) + " to " +
                     std::to_string(kMaxProtocolVersion),
                 "protocol_version");
    return;
  }
  // Device tokens are issued by RedeemInvite, which arrives with the identity layer.
  // Until then no token can be valid.
  refuse_authentication(request);
}

void Dispatcher::handle_redeem_invite(Request& request) {
  // Invites are created by the identity layer; until it exists no code can be valid.
  refuse_authentication(request);
}

}  // namespace gadehold::app
