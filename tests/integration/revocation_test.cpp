// Revocation over real sockets: a revoked volunteer's live connection is closed with
// 1008 "revoked", whether the revocation comes from a coordinator's request or from
// `gadehold revoke` in another process.
#include <doctest/doctest.h>

#include "support/process.hpp"
#include "support/test_server.hpp"
#include "support/ws_client.hpp"

using namespace gadehold;
using test::WsClient;

namespace {

struct Programme {
  std::unique_ptr<WsClient> coordinator;
  std::unique_ptr<WsClient> volunteer;
  v1::Welcome volunteer_welcome;
};

Programme onboard(test::TestServer& server) {
  Programme p;
  p.coordinator = std::make_unique<WsClient>(server.port());
  p.coordinator->redeem(server.invite(), "coordinator");
  v1::ClientMessage team;
  team.set_request_id(p.coordinator->next_request_id());
  team.mutable_create_team()->set_name("North");
  const auto team_id = p.coordinator->call(team).ack().id();
  v1::ClientMessage invite;
  invite.set_request_id(p.coordinator->next_request_id());
  invite.mutable_create_invite()->set_role(v1::ROLE_VOLUNTEER);
  invite.mutable_create_invite()->set_team_id(team_id);
  const auto code = p.coordinator->call(invite).invite_created().invite_code();
  p.volunteer = std::make_unique<WsClient>(server.port());
  p.volunteer_welcome = p.volunteer->redeem(code, "river");
  return p;
}

}  // namespace

TEST_CASE("revoking a connected volunteer closes their socket within 1 s with 1008 revoked") {
  test::TestServer server;
  auto p = onboard(server);
  v1::ClientMessage revoke;
  revoke.set_request_id(p.coordinator->next_request_id());
  revoke.mutable_revoke_volunteer()->set_volunteer_id(p.volunteer_welcome.volunteer_id());
  const auto started = std::chrono::steady_clock::now();
  CHECK(p.coordinator->call(revoke).has_ack());
  auto code = p.volunteer->wait_for_close(std::chrono::seconds(2));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  REQUIRE(code.has_value());
  CHECK(*code == 1008);
  CHECK(p.volunteer->stream().reason().reason == "revoked");
  CHECK(elapsed < std::chrono::seconds(1));

  WsClient again(server.port());
  auto reply = again.call(test::hello(5, p.volunteer_welcome.device_token()));
  CHECK(reply.error().code() == v1::ERROR_CODE_UNAUTHENTICATED);
}

TEST_CASE("a device token signs in again on a new connection until it is revoked") {
  test::TestServer server;
  auto p = onboard(server);
  WsClient second(server.port());
  auto welcome = second.call(test::hello(1, p.volunteer_welcome.device_token()));
  REQUIRE(welcome.has_welcome());
  CHECK(welcome.welcome().volunteer_id() == p.volunteer_welcome.volunteer_id());
  CHECK(welcome.welcome().role() == v1::ROLE_VOLUNTEER);
  CHECK(welcome.welcome().team_ids_size() == 1);
}

TEST_CASE("gadehold revoke from another process is noticed by the running server within 5 s") {
  test::TestServer server;
  auto p = onboard(server);
  const auto started = std::chrono::steady_clock::now();
  auto cli = test::run_gadehold({"revoke", "--db", server.db_path(), "--volunteer", "river"});
  CHECK(cli.exit_code == 0);
  auto code = p.volunteer->wait_for_close(std::chrono::seconds(6));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  REQUIRE(code.has_value());
  CHECK(*code == 1008);
  CHECK(elapsed < std::chrono::seconds(5));
  auto unknown = test::run_gadehold({"revoke", "--db", server.db_path(), "--volunteer", "nobody"});
  CHECK(unknown.exit_code == 2);
}
