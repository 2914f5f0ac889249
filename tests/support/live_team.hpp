#pragma once
// A team on a real server over real sockets: the first coordinator signed in, team North,
// the area Centre, and invites into North.
#include <string>

#include "support/test_server.hpp"
#include "support/ws_client.hpp"

namespace gadehold::test {

struct LiveTeam {
  explicit LiveTeam(TestServer& server) : coordinator(server.port()) {
    coordinator.redeem(server.invite(), "coordinator");
    auto team = coordinator.request();
    team.mutable_create_team()->set_name("North");
    north = coordinator.call(team).ack().id();
    auto centre = coordinator.request();
    centre.mutable_create_area()->set_name("Centre");
    centre.mutable_create_area()->add_geohash_prefixes("u3bu");
    area = coordinator.call(centre).ack().id();
  }

  // A fresh invite into North.
  std::string invite(v1::Role role) {
    auto m = coordinator.request();
    m.mutable_create_invite()->set_role(role);
    m.mutable_create_invite()->set_team_id(north);
    return coordinator.call(m).invite_created().invite_code();
  }

  WsClient coordinator;
  std::string north;
  std::string area;
};

}  // namespace gadehold::test
