#pragma once
// The load phases. One call runs one process's share on one thread.
#include <cstddef>
#include <string>
#include <vector>

#include "load/loadgen/cache.hpp"
#include "load/loadgen/results.hpp"

namespace gadehold::load {

enum class Mode { closed, open, idle };

struct RunPlan {
  Mode mode = Mode::closed;
  unsigned short port = 8080;
  unsigned sources = 8;           // source addresses 127.0.0.2 and up
  unsigned inflight = 1;          // closed loop: requests kept in flight per connection
  double rate = 1000;             // open loop: check-ins per second offered by this process
  double warmup_s = 2;
  double duration_s = 10;         // measuring window (idle: how long connections are held)
  std::size_t connect_parallel = 256;
};

// This process's share of the devices.
struct Share {
  std::vector<Device> volunteers;  // closed and open: these check in; idle: these hold
  std::vector<Device> leads;       // receive their teams' pushes
  // A coordinator's connection that stops reading after Welcome, while every check-in
  // is pushed to it: the server must close it (1008) without slowing anyone else.
  std::string slow_reader_token;
  double lat = 0;
  double lon = 0;
};

Results run_share(const RunPlan& plan, const Share& share);

}  // namespace gadehold::load
