// Shifts over real loopback sockets: parallel clients race for the last place, events
// reach exactly the affected connections, and a lead plans a month for 40 volunteers
// who then read it as calendar feeds.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "support/test_server.hpp"
#include "support/ids.hpp"
#include "support/ws_client.hpp"

using namespace gadehold;
using test::WsClient;
using test::uuid;

namespace {

constexpr std::int64_t kHour = 3600 * 1000;
constexpr std::int64_t kDay = 24 * kHour;

// Midnight UTC, `days` from today.
std::int64_t day_start(int days) {
  const auto now = core::SystemClock().now_ms();
  return (now / kDay + days) * kDay;
}

// A coordinator, teams North and South, one area, and a lead for each team.
struct Programme {
  test::TempDir dir;
  std::unique_ptr<test::TestServer> server;
  std::unique_ptr<WsClient> coordinator, lead, south_lead;
  std::string north, south, area, lead_id;

  Programme() {
    auto cfg = test::test_config(dir);
    cfg.rate_limit_per_s = 1000;
    cfg.rate_limit_burst = 1000;
    server = std::make_unique<test::TestServer>(cfg);
    coordinator = std::make_unique<WsClient>(server->port());
    coordinator->redeem(server->invite(), "coordinator");
    north = ack_id(*coordinator, [](v1::ClientMessage& m) { m.mutable_create_team()->set_name("North"); });
    south = ack_id(*coordinator, [](v1::ClientMessage& m) { m.mutable_create_team()->set_name("South"); });
    area = ack_id(*coordinator, [](v1::ClientMessage& m) {
      m.mutable_create_area()->set_name("Harbour");
      m.mutable_create_area()->add_geohash_prefixes("u3bu");
    });
    lead = join(v1::ROLE_LEAD, north, "lead", &lead_id);
    south_lead = join(v1::ROLE_LEAD, south, "south-lead");
  }

  template <class Fill>
  std::string ack_id(WsClient& by, Fill fill) {
    auto m = by.request();
    fill(m);
    auto reply = by.call(m);
    if (!reply.has_ack()) throw std::runtime_error("expected an Ack: " + reply.error().message());
    return reply.ack().id();
  }

  std::unique_ptr<WsClient> join(v1::Role role, const std::string& team, const std::string& handle,
                                 std::string* volunteer_id = nullptr) {
    auto m = coordinator->request();
    m.mutable_create_invite()->set_role(role);
    m.mutable_create_invite()->set_team_id(team);
    const auto code = coordinator->call(m).invite_created().invite_code();
    auto client = std::make_unique<WsClient>(server->port());
    const auto welcome = client->redeem(code, handle);
    if (volunteer_id != nullptr) *volunteer_id = welcome.volunteer_id();
    return client;
  }

  std::string create_shift(WsClient& by, int client, const std::string& team, std::int64_t starts,
                           std::int64_t length, unsigned min, unsigned max, const std::string& title) {
    return ack_id(by, [&](v1::ClientMessage& m) {
      auto* c = m.mutable_create_shift();
      c->set_client_id(uuid(client));
      c->set_team_id(team);
      c->set_area_id(area);
      c->set_starts_at_ms(starts);
      c->set_ends_at_ms(starts + length);
      c->set_min_volunteers(min);
      c->set_max_volunteers(max);
      c->set_title(title);
    });
  }
};

// The shift changes a client was pushed, up to and including the shift titled "sentinel".
std::vector<std::pair<int, std::string>> changes_until_sentinel(WsClient& c) {
  std::vector<std::pair<int, std::string>> out;
  for (;;) {
    const auto e = c.next_event();
    if (!e.has_shift_changed()) continue;
    const auto& change = e.shift_changed();
    out.emplace_back(change.change(), change.shift().shift_id());
    if (change.shift().title() == "sentinel") return out;
  }
}

}  // namespace

TEST_CASE("parallel sign-ups for the last place: exactly one wins; events reach exactly the affected") {
  Programme p;
  constexpr int kVolunteers = 12;
  constexpr int kRounds = 5;
  std::vector<std::unique_ptr<WsClient>> volunteers;
  for (int i = 0; i < kVolunteers; ++i) volunteers.push_back(p.join(v1::ROLE_VOLUNTEER, p.north, "v" + std::to_string(i)));
  auto outsider = p.join(v1::ROLE_VOLUNTEER, p.south, "south-walker");

  std::vector<std::string> shifts;
  std::vector<int> winners;
  for (int round = 0; round < kRounds; ++round) {
    // One place left: a shift of two with one volunteer already assigned.
    const auto shift = p.create_shift(*p.lead, round, p.north, day_start(3 + round) + 18 * kHour, 4 * kHour, 1, 2,
                                      "Evening walk");
    shifts.push_back(shift);
    p.ack_id(*p.lead, [&](v1::ClientMessage& m) {
      m.mutable_assign_shift()->set_shift_id(shift);
      m.mutable_assign_shift()->set_volunteer_id(p.lead_id);
      m.mutable_assign_shift()->set_client_id(uuid(1000 + round));
    });
    std::atomic<int> ready{0};
    std::vector<v1::ServerMessage> replies(kVolunteers);
    std::vector<std::thread> threads;
    for (int i = 0; i < kVolunteers; ++i) {
      threads.emplace_back([&, i] {
        auto m = volunteers[static_cast<std::size_t>(i)]->request();
        m.mutable_sign_up()->set_shift_id(shift);
        m.mutable_sign_up()->set_client_id(uuid(2000 + 100 * round + i));
        ++ready;
        while (ready.load() < kVolunteers) std::this_thread::yield();
        replies[static_cast<std::size_t>(i)] = volunteers[static_cast<std::size_t>(i)]->call(m);
      });
    }
    for (auto& t : threads) t.join();
    int won = 0, full = 0, winner = -1;
    for (int i = 0; i < kVolunteers; ++i) {
      const auto& r = replies[static_cast<std::size_t>(i)];
      if (r.has_ack() && !r.ack().duplicate()) {
        ++won;
        winner = i;
      } else if (r.has_error() && r.error().code() == v1::ERROR_CODE_FAILED_PRECONDITION &&
                 r.error().field() == "max_volunteers") {
        ++full;
      }
    }
    CAPTURE(round);
    CHECK(won == 1);
    CHECK(full == kVolunteers - 1);
    winners.push_back(winner);
  }
  {
    auto conn = store::open_existing(p.server->db_path(), 5000);
    CHECK(conn.query_int("SELECT COUNT(*) FROM shift_signups") == 2 * kRounds);
    CHECK(conn.query_int("SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM shift_signups GROUP BY shift_id)") == 2);
  }

  // A last change to each team's plan marks the end of what each client should see.
  const auto sentinel = p.create_shift(*p.lead, 100, p.north, day_start(40), 2 * kHour, 1, 2, "sentinel");
  const auto south_sentinel = p.create_shift(*p.south_lead, 101, p.south, day_start(40), 2 * kHour, 1, 2, "sentinel");

  using Change = std::pair<int, std::string>;
  constexpr int kCreated = v1::SHIFT_CHANGE_KIND_CREATED;
  constexpr int kAssigned = v1::SHIFT_CHANGE_KIND_ASSIGNED;
  constexpr int kSignedUp = v1::SHIFT_CHANGE_KIND_SIGNED_UP;
  // The lead, who assigned himself to each shift, sees every change of North.
  std::vector<Change> lead_sees;
  for (int round = 0; round < kRounds; ++round) {
    lead_sees.emplace_back(kCreated, shifts[static_cast<std::size_t>(round)]);
    lead_sees.emplace_back(kAssigned, shifts[static_cast<std::size_t>(round)]);
    lead_sees.emplace_back(kSignedUp, shifts[static_cast<std::size_t>(round)]);
  }
  lead_sees.emplace_back(kCreated, sentinel);
  CHECK(changes_until_sentinel(*p.lead) == lead_sees);
  for (int i = 0; i < kVolunteers; ++i) {
    CAPTURE(i);
    std::vector<Change> expected;
    for (int round = 0; round < kRounds; ++round) {
      expected.emplace_back(kCreated, shifts[static_cast<std::size_t>(round)]);
      if (winners[static_cast<std::size_t>(round)] == i) {
        expected.emplace_back(kSignedUp, shifts[static_cast<std::size_t>(round)]);
      }
    }
    expected.emplace_back(kCreated, sentinel);
    CHECK(changes_until_sentinel(*volunteers[static_cast<std::size_t>(i)]) == expected);
  }
  CHECK(changes_until_sentinel(*outsider) == std::vector<Change>{{kCreated, south_sentinel}});
}

TEST_CASE("a lead plans a month for 40 volunteers, who see it in ListShifts and their calendar feeds") {
  Programme p;
  constexpr int kVolunteers = 40;
  constexpr int kShifts = 200;
  std::vector<std::unique_ptr<WsClient>> volunteers;
  for (int i = 0; i < kVolunteers; ++i) volunteers.push_back(p.join(v1::ROLE_VOLUNTEER, p.north, "walker-" + std::to_string(i)));
  // Seven two-hour slots a day from 08:00, for 29 days: 200 shifts.
  const auto first_day = day_start(2);
  std::vector<std::string> shifts;
  for (int k = 0; k < kShifts; ++k) {
    const auto starts = first_day + (k / 7) * kDay + (8 + 2 * (k % 7)) * kHour;
    shifts.push_back(p.create_shift(*p.lead, k, p.north, starts, 2 * kHour, 2, 4, "Walk " + std::to_string(k)));
  }
  // Each volunteer takes five shifts, about a week apart.
  for (int i = 0; i < kVolunteers; ++i) {
    for (int j = 0; j < 5; ++j) {
      auto m = volunteers[static_cast<std::size_t>(i)]->request();
      m.mutable_sign_up()->set_shift_id(shifts[static_cast<std::size_t>(i + 40 * j)]);
      m.mutable_sign_up()->set_client_id(uuid(5000 + 10 * i + j));
      const auto reply = volunteers[static_cast<std::size_t>(i)]->call(m);
      REQUIRE(reply.has_ack());
    }
  }

  auto list = p.lead->request();
  list.mutable_list_shifts()->set_from_ms(first_day);
  list.mutable_list_shifts()->set_to_ms(first_day + 30 * kDay);
  list.set_request_id(p.lead->next_request_id());
  const auto month = p.lead->call(list).shift_list();
  REQUIRE(month.shifts_size() == kShifts);
  int sign_ups = 0;
  for (const auto& s : month.shifts()) sign_ups += s.sign_ups_size();
  CHECK(sign_ups == kVolunteers * 5);

  auto feed_path = [&](WsClient& c, v1::CalendarScope scope) {
    auto m = c.request();
    m.mutable_get_calendar_feed()->set_scope(scope);
    if (scope == v1::CALENDAR_SCOPE_TEAM) m.mutable_get_calendar_feed()->set_team_id(p.north);
    return c.call(m).calendar_feed().url_path();
  };
  auto count_events = [](const std::string& body) {
    std::size_t n = 0;
    for (auto pos = body.find("BEGIN:VEVENT"); pos != std::string::npos; pos = body.find("BEGIN:VEVENT", pos + 1)) ++n;
    return n;
  };
  const auto team_feed = test::http_get(p.server->port(), feed_path(*p.lead, v1::CALENDAR_SCOPE_TEAM));
  CHECK(team_feed.status == 200);
  CHECK(team_feed.content_type == "text/calendar; charset=utf-8");
  CHECK(count_events(team_feed.body) == kShifts);
  const auto mine = test::http_get(p.server->port(), feed_path(*volunteers[7], v1::CALENDAR_SCOPE_MINE));
  CHECK(mine.status == 200);
  CHECK(count_events(mine.body) == 5);
  CHECK(mine.body.find("walker-") == std::string::npos);
  CHECK(team_feed.body.find("walker-") == std::string::npos);

  // Timings are for tests/load/shift_bench.cpp; this test checks what was planned.
  MESSAGE("month of " << kShifts << " shifts, " << sign_ups << " sign-ups; team feed " << team_feed.body.size()
                      << " bytes, one volunteer's feed " << mine.body.size() << " bytes");
}
