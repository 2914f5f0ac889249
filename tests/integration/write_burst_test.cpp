// Frames queued for a connection together leave in one TCP segment (WsSession corks the
// socket for a burst), over a real loopback socket.
#include <doctest/doctest.h>

#include "support/ids.hpp"
#include "support/live_team.hpp"
#include "support/tcp_info.hpp"
#include "support/test_server.hpp"
#include "support/ws_client.hpp"

using namespace gadehold;
using test::WsClient;

TEST_CASE("a Welcome and its alert reminders reach the socket as one burst, complete and in order") {
  test::TestServer server;
  test::LiveTeam north(server);
  const auto& area_id = north.area;
  auto invite = [&](v1::Role role) { return north.invite(role); };
  std::string lead_token;
  {
    WsClient lead(server.port());
    lead_token = lead.redeem(invite(v1::ROLE_LEAD), "lead").device_token();
  }
  // A patrol started alone raises a small-patrol alert for the team's leads; each walker
  // is on one open patrol at a time.
  constexpr int kAlerts = 12;
  for (int i = 0; i < kAlerts; ++i) {
    WsClient walker(server.port());
    walker.redeem(invite(v1::ROLE_VOLUNTEER), "walker-" + std::to_string(i));
    auto start = walker.request();
    start.mutable_start_patrol()->set_client_id(test::uuid(i + 1));
    start.mutable_start_patrol()->set_area_id(area_id);
    start.mutable_start_patrol()->set_started_at_ms(core::SystemClock().now_ms());
    REQUIRE(walker.call(start).has_ack());
  }

  WsClient lead(server.port());
  const int fd = lead.stream().next_layer().socket().native_handle();
  const auto before = test::data_segments_received(fd);
  lead.send(test::hello(7, lead_token));
  const auto welcome = lead.receive();
  REQUIRE(welcome.request_id() == 7);
  REQUIRE(welcome.has_welcome());
  std::int64_t previous = 0;
  for (int i = 0; i < kAlerts; ++i) {
    const auto reminder = lead.receive();
    REQUIRE(reminder.has_event());
    REQUIRE(reminder.event().has_alert_raised());
    CHECK(reminder.event().alert_raised().kind() == v1::ALERT_KIND_SMALL_PATROL);
    CHECK(reminder.event().alert_raised().raised_at_ms() >= previous);  // oldest first
    previous = reminder.event().alert_raised().raised_at_ms();
  }
  // Thirteen messages of about 2.5 KB together, far below a loopback segment: without
  // the cork each is a send and a segment of its own, and without the write starting
  // from the strand's queue the Welcome leaves alone, before its reminders are queued.
  const auto segments = test::data_segments_received(fd) - before;
  INFO("data segments for ", kAlerts + 1, " messages: ", segments);
  CHECK(segments == 1);
}
