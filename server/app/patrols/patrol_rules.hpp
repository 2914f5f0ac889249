#pragma once
// What the patrol writes share with the SOS: positions, membership of a patrol, its
// check-in timer, and the patrol as the protocol shows it.
#include <cstdint>
#include <string>
#include <vector>

#include "gadehold/v1/envelope.pb.h"
#include "server/app/alert_log.hpp"
#include "server/app/events.hpp"
#include "server/store/patrols.hpp"

namespace gadehold::app::patrols {

struct Place {
  std::string cell;
  std::string area_id;
};

// Validates a position and coarsens it; the numbers go no further than this function.
Place place_of(store::Connection& conn, const v1::Location& location, unsigned precision);
// The cell of a position that may be missing (empty then), for a write's content hash:
// the hash holds what is stored, never the position itself.
std::string cell_of(const v1::Location* location, unsigned precision);
// INVALID_ARGUMENT on "location" for a position that is not finite or out of range.
void check_position_early(const v1::Location& location);

// The patrol a member writes to; NOT_FOUND unless the caller is on it and on its team.
store::PatrolRow member_patrol(store::Connection& conn, const std::string& patrol_id,
                               const Principal& caller);
// FAILED_PRECONDITION on "patrol_id" for a patrol that has ended.
void require_active(const store::PatrolRow& patrol);

// Anything from a patrol restarts its check-in timer and resolves an open overdue alert.
void heard_from(store::Connection& conn, const store::PatrolRow& patrol, std::int64_t now_ms,
                std::int64_t grace_ms, std::vector<PendingEvent>& events);
// Resolves a patrol's open overdue alert: it was heard from again, or it ended (`note`
// says which).
void resolve_overdue(store::Connection& conn, const store::PatrolRow& patrol, std::int64_t now_ms,
                     std::vector<PendingEvent>& events,
                     const Resolution& how = Resolution::server("RESOLVED_HEARD_FROM",
                                                                "the patrol checked in"));

v1::Patrol patrol_view(const store::PatrolRow& row);

}  // namespace gadehold::app::patrols
