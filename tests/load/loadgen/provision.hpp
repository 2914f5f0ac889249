#pragma once
#include <cstddef>
#include <string>

#include "load/loadgen/cache.hpp"

namespace gadehold::load {

struct ProvisionPlan {
  unsigned short port = 8080;
  std::string coordinator_invite;  // as printed by `gadehold init`
  std::size_t volunteers = 1000;   // on patrols
  std::size_t team_size = 2;       // volunteers per team and patrol: a street-team pair
  std::size_t leads = 50;          // one per team, for the first teams
  std::size_t idle = 0;            // devices for the idle-connection phase
  std::size_t idle_team_size = 200;
};

// Builds the programme over the socket. Throws std::runtime_error on any refusal.
Cache provision(const ProvisionPlan& plan);

}  // namespace gadehold::load
