#pragma once
// What every handler works with: the database, the clock, the live connections, the
// configuration and the open SOS alerts' positions (held in memory only). Plain references, owned by whoever
// runs the server (or the test); copied into the lambdas that finish a request later.
#include "server/app/alert_budget.hpp"
#include "server/app/hub.hpp"
#include "server/app/sos_positions.hpp"
#include "server/core/clock.hpp"
#include "server/core/config.hpp"
#include "server/store/engine/database.hpp"

namespace gadehold::app {

struct Services {
  store::Database& db;
  const core::Clock& clock;
  Hub& hub;
  const core::Config& config;
  SosPositions& sos_positions;
  AlertBudget& planning_alerts;  // small-patrol alerts per team and minute
};

}  // namespace gadehold::app
