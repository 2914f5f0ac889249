// gadehold-shift-bench: a month of shifts for a team of 40, planned over real loopback
// sockets, then read back. Reports ListShifts and calendar-feed latency as ratios to a
// trivial request (ListAreas) and a trivial HTTP GET (/healthz) measured in the same
// run, because the machine is shared and noisy. `--quick` does fewer repetitions.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <iomanip>
#include <iostream>

#include "server/core/logging.hpp"
#include "support/test_server.hpp"
#include "support/ids.hpp"
#include "support/ws_client.hpp"

using namespace gadehold;
using test::WsClient;
using test::uuid;

namespace {

constexpr std::int64_t kHour = 3600 * 1000;
constexpr std::int64_t kDay = 24 * kHour;
constexpr int kVolunteers = 40;
constexpr int kShifts = 200;

v1::ServerMessage must(WsClient& c, v1::ClientMessage m) {
  m.set_request_id(c.next_request_id());
  auto reply = c.call(m);
  if (reply.has_error()) throw std::runtime_error("request failed: " + reply.error().message());
  return reply;
}

struct Stats {
  double p50, p99;
};

template <class F>
Stats time_ms(int runs, F f) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 99 / 100)]};
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const int runs = quick ? 50 : 500;
  test::TempDir dir;
  auto cfg = test::test_config(dir);
  cfg.rate_limit_per_s = 100000;
  cfg.rate_limit_burst = 100000;
  cfg.shutdown_grace_s = 1;
  core::setup_logging("error");
  test::TestServer server(cfg);

  WsClient coordinator(server.port());
  coordinator.redeem(server.invite(), "coordinator");
  v1::ClientMessage m;
  m.mutable_create_team()->set_name("North");
  const auto team = must(coordinator, m).ack().id();
  m.Clear();
  m.mutable_create_area()->set_name("Harbour");
  m.mutable_create_area()->add_geohash_prefixes("u3bu");
  const auto area = must(coordinator, m).ack().id();
  auto join = [&](v1::Role role, const std::string& handle) {
    v1::ClientMessage inv;
    inv.mutable_create_invite()->set_role(role);
    inv.mutable_create_invite()->set_team_id(team);
    auto client = std::make_unique<WsClient>(server.port());
    client->redeem(must(coordinator, inv).invite_created().invite_code(), handle);
    return client;
  };
  auto lead = join(v1::ROLE_LEAD, "lead");
  std::vector<std::unique_ptr<WsClient>> volunteers;
  for (int i = 0; i < kVolunteers; ++i) volunteers.push_back(join(v1::ROLE_VOLUNTEER, "walker-" + std::to_string(i)));

  const auto first_day = (core::SystemClock().now_ms() / kDay + 2) * kDay;
  std::vector<std::string> shifts;
  const auto plan = time_ms(1, [&] {
    for (int k = 0; k < kShifts; ++k) {
      v1::ClientMessage c;
      auto* s = c.mutable_create_shift();
      s->set_client_id(uuid(k));
      s->set_team_id(team);
      s->set_area_id(area);
      s->set_starts_at_ms(first_day + (k / 7) * kDay + (8 + 2 * (k % 7)) * kHour);
      s->set_ends_at_ms(s->starts_at_ms() + 2 * kHour);
      s->set_min_volunteers(2);
      s->set_max_volunteers(4);
      s->set_title("Walk " + std::to_string(k));
      shifts.push_back(must(*lead, c).ack().id());
    }
    for (int i = 0; i < kVolunteers; ++i) {
      for (int j = 0; j < 5; ++j) {
        v1::ClientMessage su;
        su.mutable_sign_up()->set_shift_id(shifts[static_cast<std::size_t>(i + 40 * j)]);
        su.mutable_sign_up()->set_client_id(uuid(10000 + 10 * i + j));
        must(*volunteers[static_cast<std::size_t>(i)], su);
      }
    }
  });

  v1::ClientMessage list;
  list.mutable_list_shifts()->set_from_ms(first_day);
  list.mutable_list_shifts()->set_to_ms(first_day + 30 * kDay);
  std::size_t listed = 0, list_bytes = 0;
  const auto month = time_ms(runs, [&] {
    auto reply = must(*lead, list);
    listed = static_cast<std::size_t>(reply.shift_list().shifts_size());
    list_bytes = reply.ByteSizeLong();
  });
  v1::ClientMessage areas;
  areas.mutable_list_areas();
  const auto baseline = time_ms(runs, [&] { must(*lead, areas); });

  v1::ClientMessage feed;
  feed.mutable_get_calendar_feed()->set_scope(v1::CALENDAR_SCOPE_TEAM);
  feed.mutable_get_calendar_feed()->set_team_id(team);
  const auto path = must(*lead, feed).calendar_feed().url_path();
  std::size_t feed_bytes = 0;
  const auto ics = time_ms(runs, [&] { feed_bytes = test::http_get(server.port(), path).body.size(); });
  const auto health = time_ms(runs, [&] { test::http_get(server.port(), "/healthz"); });

  if (listed != static_cast<std::size_t>(kShifts) || feed_bytes == 0) {
    std::cerr << "shift-bench: expected " << kShifts << " shifts, got " << listed << "\n";
    return 1;
  }
  std::cout << std::fixed << std::setprecision(2);
  std::cout << "planning " << kShifts << " shifts and " << kVolunteers * 5 << " sign-ups: " << plan.p50 << " ms\n"
            << "ListShifts (month, " << listed << " shifts, " << list_bytes << " B): p50 " << month.p50 << " ms, p99 "
            << month.p99 << " ms\n"
            << "ListAreas (baseline):                 p50 " << baseline.p50 << " ms, p99 " << baseline.p99 << " ms\n"
            << "team feed GET (" << feed_bytes << " B):            p50 " << ics.p50 << " ms, p99 " << ics.p99 << " ms\n"
            << "/healthz GET (baseline):              p50 " << health.p50 << " ms, p99 " << health.p99 << " ms\n";
  std::cout << "RESULT list_shifts_month_p50_ms=" << month.p50 << " list_to_baseline=" << month.p50 / baseline.p50
            << " feed_p50_ms=" << ics.p50 << " feed_to_healthz=" << ics.p50 / health.p50 << " feed_bytes=" << feed_bytes
            << " list_bytes=" << list_bytes << "\n";
  server.stop();
  return 0;
}
