// A network thread never waits for a reader: with every reader of the server held (as a
// year of statistics holds one), check-ins and an SOS are still committed, acknowledged
// and pushed over real sockets, on a server with a single network thread. The reads that
// came in meanwhile wait in the readers' queue and are answered once a reader is free.
#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <memory>
#include <thread>

#include "support/ids.hpp"
#include "support/live_team.hpp"
#include "support/test_server.hpp"
#include "support/ws_client.hpp"

using namespace gadehold;
using test::uuid;
using test::WsClient;

namespace {

std::int64_t now_ms() { return core::SystemClock().now_ms(); }

// Occupies every reader thread of the server until the returned promise is set.
class HeldReaders {
 public:
  explicit HeldReaders(test::TestServer& server) : released_(release_.get_future().share()) {
    const auto readers = server.runtime().config().reader_pool_size;
    for (unsigned i = 0; i < readers; ++i) {
      // The future is copied: a reader may still be waiting on it when this is destroyed.
      REQUIRE(server.runtime().database().readers().submit(
          [held = held_, released = released_](store::Connection&) {
            held->fetch_add(1);
            released.wait();
          }));
    }
    for (int i = 0; i < 500 && held_->load() < static_cast<int>(readers); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    REQUIRE(held_->load() == static_cast<int>(readers));
  }
  ~HeldReaders() { release(); }
  void release() {
    if (!released_flag_.exchange(true)) release_.set_value();
  }

 private:
  std::promise<void> release_;
  std::shared_future<void> released_;
  std::shared_ptr<std::atomic<int>> held_ = std::make_shared<std::atomic<int>>(0);
  std::atomic<bool> released_flag_{false};
};

}  // namespace

TEST_CASE("with every reader held, a check-in and an SOS are still acknowledged and pushed to the lead") {
  test::TempDir dir;
  auto cfg = test::test_config(dir);
  cfg.threads = 1;  // one network thread: were it waiting for a reader, nothing would move
  test::TestServer server(cfg);

  test::LiveTeam north(server);
  auto& coordinator = north.coordinator;
  const auto& area_id = north.area;
  auto invite = [&](v1::Role role) { return north.invite(role); };
  WsClient lead(server.port());
  lead.redeem(invite(v1::ROLE_LEAD), "lead");
  WsClient walker(server.port());
  walker.redeem(invite(v1::ROLE_VOLUNTEER), "walker");
  auto start = walker.request();
  start.mutable_start_patrol()->set_client_id(uuid(1));
  start.mutable_start_patrol()->set_area_id(area_id);
  start.mutable_start_patrol()->set_started_at_ms(now_ms());
  const auto patrol = walker.call(start).ack().id();
  while (!lead.next_event().has_patrol_started()) {
  }

  HeldReaders held(server);
  // A read now waits in the queue, behind the held readers.
  auto list = coordinator.request();
  list.mutable_list_teams();
  coordinator.send(list);

  auto check_in = walker.request();
  auto* c = check_in.mutable_check_in();
  c->set_client_id(uuid(2));
  c->set_patrol_id(patrol);
  c->set_at_ms(now_ms());
  c->mutable_location()->set_lat(55.6761);
  c->mutable_location()->set_lon(12.5683);
  c->set_status(v1::CHECK_IN_STATUS_OK);
  const auto ack = walker.call(check_in);
  REQUIRE(ack.has_ack());
  CHECK_FALSE(ack.ack().duplicate());
  while (!lead.next_event().has_check_in_recorded()) {
  }

  auto sos = walker.request();
  sos.mutable_raise_sos()->set_client_id(uuid(3));
  sos.mutable_raise_sos()->set_patrol_id(patrol);
  const auto sos_ack = walker.call(sos);
  REQUIRE(sos_ack.has_ack());
  v1::Event raised;
  do {
    raised = lead.next_event();
  } while (!raised.has_alert_raised() || raised.alert_raised().alert_id() != sos_ack.ack().id());
  CHECK(raised.alert_raised().kind() == v1::ALERT_KIND_SOS);

  // The coordinator, whose read is still queued, hears the SOS first.
  for (;;) {
    const auto msg = coordinator.receive();
    REQUIRE(msg.request_id() != list.request_id());
    if (msg.has_event() && msg.event().has_alert_raised() &&
        msg.event().alert_raised().alert_id() == sos_ack.ack().id()) {
      break;
    }
  }
  held.release();
  v1::ServerMessage teams;
  do {
    teams = coordinator.receive();
  } while (teams.request_id() != list.request_id());
  REQUIRE(teams.has_team_list());
  CHECK(teams.team_list().teams_size() == 1);
}
