#pragma once
// Patrol and alert rows as the protocol shows them.
#include "gadehold/v1/envelope.pb.h"
#include "server/store/patrols.hpp"

namespace gadehold::app {

v1::Patrol patrol_view(const store::PatrolRow& row);
v1::Alert alert_view(const store::AlertRow& row);

}  // namespace gadehold::app
