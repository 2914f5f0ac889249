// Provisioning through the real protocol: the coordinator's invite is redeemed over the
// socket, teams, an area and invites are created with requests, every device redeems
// its own invite, and the first member of each team starts the team's patrol. There is
// no back door into the database.
#include "load/loadgen/provision.hpp"

#include <memory>
#include <stdexcept>

#include "server/privacy/location.hpp"
#include "support/ids.hpp"
#include "support/ws_client.hpp"

namespace gadehold::load {

namespace {

using test::WsClient;

constexpr std::size_t kWave = 200;  // requests in flight at once; below the server's queue bound

std::string must_ok(const v1::ServerMessage& reply, const char* what) {
  if (reply.has_error()) {
    throw std::runtime_error(std::string(what) + " failed: " + v1::ErrorCode_Name(reply.error().code()) + " " +
                             reply.error().message());
  }
  return {};
}

// Sends every message on one connection in waves, returning the replies in order.
std::vector<v1::ServerMessage> pipeline(WsClient& c, std::vector<v1::ClientMessage> msgs, const char* what) {
  std::vector<v1::ServerMessage> replies(msgs.size());
  for (std::size_t start = 0; start < msgs.size(); start += kWave) {
    const auto end = std::min(msgs.size(), start + kWave);
    std::map<std::uint64_t, std::size_t> slot;
    for (auto i = start; i < end; ++i) {
      msgs[i].set_request_id(c.next_request_id());
      slot[msgs[i].request_id()] = i;
      c.send(msgs[i]);
    }
    for (auto left = end - start; left > 0;) {
      auto reply = c.receive(std::chrono::seconds(30));
      auto it = slot.find(reply.request_id());
      if (it == slot.end()) continue;  // a pushed event
      must_ok(reply, what);
      replies[it->second] = std::move(reply);
      --left;
    }
  }
  return replies;
}

// Runs `first` on a fresh connection per item, `kWave` connections at a time, then
// hands each reply to `done`.
template <class First, class Done>
void on_fresh_connections(unsigned short port, std::size_t count, First first, Done done) {
  for (std::size_t start = 0; start < count; start += kWave) {
    const auto end = std::min(count, start + kWave);
    std::vector<std::unique_ptr<WsClient>> clients;
    for (auto i = start; i < end; ++i) {
      clients.push_back(std::make_unique<WsClient>(port));
      clients.back()->send(first(i, *clients.back()));
    }
    for (auto i = start; i < end; ++i) done(i, *clients[i - start], clients[i - start]->receive(std::chrono::seconds(30)));
  }
}

v1::ClientMessage invite(v1::Role role, const std::string& team) {
  v1::ClientMessage m;
  m.mutable_create_invite()->set_role(role);
  m.mutable_create_invite()->set_team_id(team);
  m.mutable_create_invite()->set_valid_hours(24);
  return m;
}

}  // namespace

Cache provision(const ProvisionPlan& plan) {
  Cache cache;
  WsClient coord(plan.port);
  {
    auto welcome = coord.redeem(plan.coordinator_invite, "bench-coordinator");
    cache.coordinator_token = welcome.device_token();
  }
  {
    auto m = coord.request();
    m.mutable_create_area()->set_name("bench-area");
    m.mutable_create_area()->add_geohash_prefixes(privacy::geohash(cache.lat, cache.lon, 4));
    auto reply = coord.call(m);
    must_ok(reply, "CreateArea");
    cache.area_id = reply.ack().id();
  }
  const std::size_t volunteer_teams = (plan.volunteers + plan.team_size - 1) / plan.team_size;
  const std::size_t idle_teams = (plan.idle + plan.idle_team_size - 1) / plan.idle_team_size;
  std::vector<v1::ClientMessage> creates;
  for (std::size_t t = 0; t < volunteer_teams + idle_teams; ++t) {
    v1::ClientMessage m;
    m.mutable_create_team()->set_name("bench-team-" + std::to_string(t));
    creates.push_back(std::move(m));
  }
  std::vector<std::string> teams;
  for (const auto& r : pipeline(coord, std::move(creates), "CreateTeam")) teams.push_back(r.ack().id());

  // One invite per device, in the order of the devices: volunteers, leads, idle.
  struct Seat {
    std::vector<Device>* list;
    std::string team;
  };
  std::vector<Seat> seats;
  std::vector<v1::ClientMessage> invites;
  for (std::size_t i = 0; i < plan.volunteers; ++i) {
    seats.push_back({&cache.volunteers, teams[i / plan.team_size]});
    invites.push_back(invite(v1::ROLE_VOLUNTEER, seats.back().team));
  }
  for (std::size_t i = 0; i < plan.leads && i < volunteer_teams; ++i) {
    seats.push_back({&cache.leads, teams[i]});
    invites.push_back(invite(v1::ROLE_LEAD, seats.back().team));
  }
  for (std::size_t i = 0; i < plan.idle; ++i) {
    seats.push_back({&cache.idle, teams[volunteer_teams + i / plan.idle_team_size]});
    invites.push_back(invite(v1::ROLE_VOLUNTEER, seats.back().team));
  }
  const auto codes = pipeline(coord, std::move(invites), "CreateInvite");

  on_fresh_connections(
      plan.port, seats.size(),
      [&](std::size_t i, WsClient& c) {
        auto m = c.request();
        m.mutable_redeem_invite()->set_invite_code(codes[i].invite_created().invite_code());
        m.mutable_redeem_invite()->set_handle("bench-" + std::to_string(i));
        m.mutable_redeem_invite()->set_device_name("gadehold-load");
        return m;
      },
      [&](std::size_t i, WsClient&, const v1::ServerMessage& reply) {
        must_ok(reply, "RedeemInvite");
        seats[i].list->push_back(Device{reply.welcome().device_token(), reply.welcome().volunteer_id(), seats[i].team, {}});
      });

  // The first member of each volunteer team starts the team's patrol with everyone on it.
  on_fresh_connections(
      plan.port, volunteer_teams,
      [&](std::size_t t, WsClient& c) { return test::hello(c.next_request_id(), cache.volunteers[t * plan.team_size].token); },
      [&](std::size_t t, WsClient& c, const v1::ServerMessage& welcome) {
        must_ok(welcome, "Hello");
        auto m = c.request();
        auto* start = m.mutable_start_patrol();
        start->set_client_id(test::uuid(static_cast<int>(t) + 1));
        start->set_area_id(cache.area_id);
        start->set_checkin_interval_s(7200);
        start->set_started_at_ms(welcome.welcome().server_time_ms());
        const auto first = t * plan.team_size;
        const auto last = std::min(cache.volunteers.size(), first + plan.team_size);
        for (auto i = first; i < last; ++i) start->add_member_ids(cache.volunteers[i].volunteer_id);
        auto reply = c.call(m);
        must_ok(reply, "StartPatrol");
        for (auto i = first; i < last; ++i) cache.volunteers[i].patrol_id = reply.ack().id();
      });
  return cache;
}

}  // namespace gadehold::load
