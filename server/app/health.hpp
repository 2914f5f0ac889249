#pragma once
// What /healthz reports: a reader answers, and the writer's last batch committed.
#include <functional>

#include "server/app/services.hpp"

namespace gadehold::app {

struct Health {
  bool database_ok = false;  // a reader answers
  bool writes_ok = false;    // the last write batch committed (or none has run)
  int schema_version = 0;
};

// Asks a reader; `done` runs on that reader's thread (or at once, when the readers have
// stopped), never on the caller's.
void check_health(const Services& services, std::function<void(Health)> done);

}  // namespace gadehold::app
