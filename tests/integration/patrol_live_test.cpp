// Patrols over real loopback sockets: two volunteers walk, their lead watches.
#include <doctest/doctest.h>

#include <algorithm>

#include "support/live_team.hpp"
#include "support/test_server.hpp"
#include "support/ids.hpp"
#include "support/ws_client.hpp"

using namespace gadehold;
using test::WsClient;
using test::uuid;

namespace {

std::int64_t now_ms() { return core::SystemClock().now_ms(); }

}  // namespace

TEST_CASE("a lead's socket receives a patrol's events in order, pushed as they commit") {
  test::TestServer server;
  test::LiveTeam north(server);
  const auto& area_id = north.area;
  auto invite = [&](v1::Role role) { return north.invite(role); };
  WsClient lead(server.port());
  lead.redeem(invite(v1::ROLE_LEAD), "lead");
  WsClient a(server.port());
  const auto a_id = a.redeem(invite(v1::ROLE_VOLUNTEER), "walker-a").volunteer_id();
  WsClient b(server.port());
  const auto b_id = b.redeem(invite(v1::ROLE_VOLUNTEER), "walker-b").volunteer_id();

  auto start = a.request();
  start.mutable_start_patrol()->set_client_id(uuid(1));
  start.mutable_start_patrol()->set_area_id(area_id);
  start.mutable_start_patrol()->add_member_ids(b_id);
  start.mutable_start_patrol()->set_started_at_ms(now_ms());
  const auto patrol = a.call(start).ack().id();

  // Latency from sending a check-in to the lead receiving its push.
  std::vector<double> push_ms;
  constexpr int kCheckIns = 100;
  for (int i = 0; i < kCheckIns; ++i) {
    auto& walker = i % 2 == 0 ? a : b;
    auto m = walker.request();
    auto* c = m.mutable_check_in();
    c->set_client_id(uuid(100 + i));
    c->set_patrol_id(patrol);
    c->set_at_ms(now_ms());
    c->mutable_location()->set_lat(55.6761);
    c->mutable_location()->set_lon(12.5683);
    c->set_status(i == 7 ? v1::CHECK_IN_STATUS_NEED_SUPPORT : v1::CHECK_IN_STATUS_OK);
    const auto sent = std::chrono::steady_clock::now();
    walker.send(m);
    for (;;) {
      auto pushed = lead.receive();
      if (pushed.has_event() && pushed.event().has_check_in_recorded()) break;
    }
    push_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - sent).count());
    auto ack = walker.receive();
    while (!ack.has_ack()) ack = walker.receive();  // skip the walker's own team events
  }
  auto end = b.request();
  end.mutable_end_patrol()->set_client_id(uuid(2));
  end.mutable_end_patrol()->set_patrol_id(patrol);
  end.mutable_end_patrol()->set_ended_at_ms(now_ms());
  CHECK(b.call(end).has_ack());
  auto ended = lead.receive();
  REQUIRE(ended.has_event());
  CHECK(ended.event().has_patrol_ended());

  std::sort(push_ms.begin(), push_ms.end());
  MESSAGE("check-in to lead push over loopback: p50 " << push_ms[kCheckIns / 2] << " ms, p99 "
                                                        << push_ms[kCheckIns * 99 / 100] << " ms (" << kCheckIns
                                                        << " check-ins, synchronous=FULL)");

  // The lead's Sync replays the same events, in order, with increasing seq.
  auto sync = lead.request();
  sync.mutable_sync()->set_limit(500);
  auto page = lead.call(sync).sync_page();
  std::vector<std::string> kinds;
  std::uint64_t last = 0;
  for (const auto& e : page.events()) {
    CHECK(e.seq() > last);
    last = e.seq();
    if (e.has_patrol_started()) kinds.push_back("started");
    if (e.has_check_in_recorded()) kinds.push_back("check-in");
    if (e.has_patrol_ended()) kinds.push_back("ended");
  }
  REQUIRE(kinds.size() == kCheckIns + 2);
  CHECK(kinds.front() == "started");
  CHECK(kinds.back() == "ended");
  CHECK(std::count(kinds.begin(), kinds.end(), "check-in") == kCheckIns);
  CHECK(a_id != b_id);
}
