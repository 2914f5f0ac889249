#include "server/app/patrols/patrol_rules.hpp"

#include "server/app/alert_log.hpp"
#include "server/core/status.hpp"
#include "server/privacy/location.hpp"

namespace gadehold::app::patrols {

Place place_of(store::Connection& conn, const v1::Location& location, unsigned precision) {
  check_position_early(location);
  Place p;
  p.cell = cell_of(&location, precision);
  p.area_id = store::area_of_cell(conn, p.cell).value_or("");
  return p;
}

std::string cell_of(const v1::Location* location, unsigned precision) {
  if (location == nullptr) return {};
  return privacy::geohash(location->lat(), location->lon(), static_cast<int>(precision));
}

void check_position_early(const v1::Location& location) {
  auto status = privacy::check_position(location.lat(), location.lon());
  if (!status.ok()) throw core::Refusal(std::move(status));
}

// Anything but a patrol the caller is on is NOT_FOUND, like a patrol that does not exist.
store::PatrolRow member_patrol(store::Connection& conn, const std::string& patrol_id,
                               const Principal& caller) {
  auto patrol = store::find_patrol(conn, patrol_id);
  if (!patrol || !patrol->has_member(caller.volunteer_id) || !caller.member_of(patrol->team_id)) {
    throw core::Refusal(core::Reason::NOT_FOUND, "not found", "patrol_id");
  }
  return *patrol;
}

void require_active(const store::PatrolRow& patrol) {
  if (!patrol.active()) throw core::Refusal(core::Reason::PATROL_ENDED, "the patrol has ended", "patrol_id");
}

void heard_from(store::Connection& conn, const store::PatrolRow& patrol, std::int64_t now_ms,
                std::int64_t grace_ms, std::vector<PendingEvent>& events) {
  store::restart_patrol_timer(conn, patrol.id, now_ms, grace_ms);
  resolve_overdue(conn, patrol, now_ms, events);
}

void resolve_overdue(store::Connection& conn, const store::PatrolRow& patrol, std::int64_t now_ms,
                     std::vector<PendingEvent>& events, const Resolution& how) {
  if (patrol.overdue_alert_id.empty()) return;
  resolve(conn, patrol.overdue_alert_id, how, now_ms, events);
  store::clear_overdue_alert(conn, patrol.id);
}

v1::Patrol patrol_view(const store::PatrolRow& row) {
  v1::Patrol p;
  p.set_patrol_id(row.id);
  p.set_team_id(row.team_id);
  p.set_area_id(row.area_id);
  p.set_shift_id(row.shift_id);
  for (const auto& [id, handle] : row.members) {
    auto* m = p.add_members();
    m->set_volunteer_id(id);
    m->set_handle(handle);
  }
  p.set_checkin_interval_s(static_cast<std::uint32_t>(row.checkin_interval_s));
  p.set_started_at_ms(row.started_at_ms);
  p.set_last_check_in_ms(row.last_check_in_ms);
  p.set_last_cell(row.last_cell);
  p.set_last_status(static_cast<v1::CheckInStatus>(row.last_status));
  p.set_due_at_ms(row.due_at_ms);
  p.set_ended_at_ms(row.ended_at_ms);
  p.set_auto_closed(row.auto_closed);
  return p;
}

}  // namespace gadehold::app::patrols
