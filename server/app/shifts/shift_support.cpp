#include "server/app/shifts/shift_support.hpp"

#include "server/app/alert_log.hpp"
#include "server/core/status.hpp"
#include "server/store/shift_timers.hpp"

namespace gadehold::app::shifts {

store::ShiftRow existing_shift(store::Connection& conn, const std::string& shift_id) {
  auto shift = store::find_shift(conn, shift_id);
  if (!shift) throw core::Refusal(core::Reason::NOT_FOUND, "not found", "shift_id");
  return *shift;
}

v1::StaffingState staffing_of(const store::ShiftRow& s) {
  const auto n = static_cast<std::int64_t>(s.sign_ups.size());
  if (s.cancelled()) return v1::STAFFING_STATE_CANCELLED;
  if (n >= s.max_volunteers) return v1::STAFFING_STATE_FULL;
  if (n >= s.min_volunteers) return v1::STAFFING_STATE_STAFFED;
  return v1::STAFFING_STATE_UNDERSTAFFED;
}

v1::Shift shift_view(const store::ShiftRow& s) {
  v1::Shift out;
  out.set_shift_id(s.id);
  out.set_team_id(s.team_id);
  out.set_area_id(s.area_id);
  out.set_area_name(s.area_name);
  out.set_starts_at_ms(s.starts_at_ms);
  out.set_ends_at_ms(s.ends_at_ms);
  out.set_min_volunteers(static_cast<std::uint32_t>(s.min_volunteers));
  out.set_max_volunteers(static_cast<std::uint32_t>(s.max_volunteers));
  out.set_title(s.title);
  out.set_notes(s.notes);
  for (const auto& su : s.sign_ups) {
    auto* v = out.add_sign_ups();
    v->set_volunteer_id(su.volunteer_id);
    v->set_handle(su.handle);
    v->set_assigned(su.assigned);
  }
  out.set_staffing(staffing_of(s));
  out.set_cancelled(s.cancelled());
  out.set_cancel_reason(s.cancel_reason);
  out.set_sequence(static_cast<std::uint32_t>(s.sequence));
  out.set_updated_at_ms(s.updated_at_ms);
  return out;
}

void append_shift_change(store::Connection& conn, const std::string& shift_id, const ShiftChange& change,
                         std::int64_t now_ms, std::vector<PendingEvent>& events) {
  const auto shift = store::find_shift(conn, shift_id);
  if (!shift) return;
  v1::Event e;
  auto* c = e.mutable_shift_changed();
  c->set_change(change.kind);
  *c->mutable_shift() = shift_view(*shift);
  c->set_volunteer_id(change.volunteer_id);
  c->set_by(change.by);
  c->set_late(change.late);
  c->set_reason(change.reason);
  const auto audience = change.volunteer_id.empty()
                            ? Audience::team(shift->team_id)
                            : Audience::volunteer_and_leads(shift->team_id, change.volunteer_id);
  events.push_back(append_event(conn, std::move(e), audience, now_ms));
}

void close_understaffed(store::Connection& conn, const store::ShiftRow& shift, std::int64_t now_ms,
                        const Resolution& how, std::vector<PendingEvent>& events) {
  if (shift.understaffed_alert_id.empty()) return;
  resolve(conn, shift.understaffed_alert_id, how, now_ms, events);
}

void settle_understaffed(store::Connection& conn, const std::string& shift_id, std::int64_t now_ms,
                         std::vector<PendingEvent>& events) {
  const auto shift = store::find_shift(conn, shift_id);
  if (!shift || shift->understaffed_alert_id.empty()) return;
  if (shift->cancelled())
    return close_understaffed(conn, *shift, now_ms,
                              Resolution::server("RESOLVED_SHIFT_CANCELLED", "the shift was cancelled"),
                              events);
  if (static_cast<std::int64_t>(shift->sign_ups.size()) >= shift->min_volunteers) {
    close_understaffed(conn, *shift, now_ms,
                       Resolution::server("RESOLVED_SHIFT_STAFFED", "the shift is staffed"), events);
  }
}

void drop_future_sign_ups(store::Connection& conn, const std::string& volunteer_id,
                          const std::string& team_id, const std::string& actor, std::int64_t late_window_ms,
                          std::int64_t now_ms, std::vector<PendingEvent>& events) {
  const auto dropped = store::future_sign_ups(conn, volunteer_id, team_id, now_ms);
  for (const auto& [shift_id, starts_at_ms] : dropped) {
    const bool late = starts_at_ms - now_ms < late_window_ms;
    store::remove_sign_up(conn, shift_id, volunteer_id, now_ms, late, actor);
    append_shift_change(conn, shift_id, {v1::SHIFT_CHANGE_KIND_UNASSIGNED, volunteer_id, actor, late, ""},
                        now_ms, events);
  }
}

}  // namespace gadehold::app::shifts
