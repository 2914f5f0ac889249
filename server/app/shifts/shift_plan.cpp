// CreateShift, UpdateShift and CancelShift: the leads' plan.
#include "server/app/commit.hpp"
#include "server/app/free_text.hpp"
#include "server/app/shifts/shift_rules.hpp"
#include "server/app/shifts/shift_support.hpp"
#include "server/app/shifts/shifts.hpp"
#include "server/app/writes.hpp"
#include "server/core/tokens.hpp"
#include "server/store/identity.hpp"
#include "server/store/patrols.hpp"
#include "server/store/shift_timers.hpp"

namespace gadehold::app::shifts {

namespace {

privacy::ScrubResult scrub_title(const std::string& title) {
  auto scrubbed = scrub_text(title, kTitleMaxChars, "title");
  if (scrubbed.text.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw core::Refusal(core::Reason::REQUIRED, "title is required", "title");
  }
  return scrubbed;
}

// An UpdateShift's new values, scrubbed.
struct ShiftEdit {
  v1::UpdateShift req;
  std::optional<privacy::ScrubResult> title, notes;

  v1::ScrubReport report() const {
    v1::ScrubReport out;
    if (title) add_report(out, to_proto(title->report));
    if (notes) add_report(out, to_proto(notes->report));
    return out;
  }
  // Applies the edit to `shift`; false when nothing changed.
  bool apply(store::Connection& conn, store::ShiftRow& shift) const {
    const auto before = shift;
    if (req.has_area_id()) {
      if (!store::area_exists(conn, req.area_id()))
        throw core::Refusal(core::Reason::NOT_FOUND, "not found", "area_id");
      shift.area_id = req.area_id();
    }
    if (req.has_starts_at_ms()) shift.starts_at_ms = req.starts_at_ms();
    if (req.has_ends_at_ms()) shift.ends_at_ms = req.ends_at_ms();
    if (req.has_min_volunteers()) shift.min_volunteers = req.min_volunteers();
    if (req.has_max_volunteers()) shift.max_volunteers = req.max_volunteers();
    if (title) shift.title = title->text;
    if (notes) shift.notes = notes->text;
    return shift.starts_at_ms != before.starts_at_ms || shift.ends_at_ms != before.ends_at_ms ||
           shift.area_id != before.area_id || shift.title != before.title || shift.notes != before.notes ||
           shift.min_volunteers != before.min_volunteers || shift.max_volunteers != before.max_volunteers;
  }
};

}  // namespace

void create_shift(const Services& s, RequestPtr request) {
  const auto req = request->message.create_shift();
  const auto now = s.clock.now_ms();
  check_client_id(req.client_id());
  const auto title = scrub_title(req.title());
  const auto notes = scrub_text(req.notes(), kShiftNotesMaxChars, "notes");
  store::ShiftRow shift;
  shift.team_id = req.team_id();
  shift.area_id = req.area_id();
  shift.starts_at_ms = req.starts_at_ms();
  shift.ends_at_ms = req.ends_at_ms();
  shift.min_volunteers = req.min_volunteers();
  shift.max_volunteers = req.max_volunteers();
  shift.title = title.text;
  shift.notes = notes.text;
  check_shift(shift, now, true, true, ShiftRules::from(s.config));
  auto stored = req;
  stored.set_title(title.text);
  stored.set_notes(notes.text);
  auto report = to_proto(title.report);
  add_report(report, to_proto(notes.report));
  idempotent_write(s, request, "shift.create", req.client_id(), content_hash(stored),
                   [=](store::Connection& conn, const Principal& caller) {
                     if (!store::team_exists(conn, shift.team_id))
                       throw core::Refusal(core::Reason::NOT_FOUND, "not found", "team_id");
                     if (!store::area_exists(conn, shift.area_id))
                       throw core::Refusal(core::Reason::NOT_FOUND, "not found", "area_id");
                     auto row = shift;
                     row.id = core::new_id("shf");
                     store::insert_shift(conn, row, caller.volunteer_id, now);
                     store::audit(conn, now, caller.volunteer_id, "shift.create", "shift", row.id);
                     WriteResult result;
                     result.id = row.id;
                     append_shift_change(conn, row.id,
                                         {v1::SHIFT_CHANGE_KIND_CREATED, "", caller.volunteer_id, false, ""},
                                         now, result.events);
                     result.scrub_report = report;
                     return result;
                   });
}

void update_shift(const Services& s, RequestPtr request) {
  ShiftEdit edit{request->message.update_shift(), {}, {}};
  if (edit.req.has_title()) edit.title = scrub_title(edit.req.title());
  if (edit.req.has_notes()) edit.notes = scrub_text(edit.req.notes(), kShiftNotesMaxChars, "notes");
  const auto now = s.clock.now_ms();
  const auto rules = ShiftRules::from(s.config);
  auto stored = edit.req;
  if (edit.title) stored.set_title(edit.title->text);
  if (edit.notes) stored.set_notes(edit.notes->text);
  const auto& req = edit.req;
  idempotent_write(s, request, "shift.update", req.client_id(), content_hash(stored),
                   [=](store::Connection& conn, const Principal& caller) {
                     auto shift = existing_shift(conn, req.shift_id());
                     if (shift.cancelled())
                       broken(core::Reason::SHIFT_CANCELLED, "the shift is cancelled", "cancelled");
                     if (shift.ends_at_ms <= now)
                       broken(core::Reason::SHIFT_OVER, "the shift is over", "ends_at_ms");
                     const auto before = shift;
                     WriteResult result;
                     result.id = shift.id;
                     result.scrub_report = edit.report();
                     if (!edit.apply(conn, shift)) {
                       result.duplicate = true;  // nothing changed: no new SEQUENCE, no event
                       return result;
                     }
                     const bool start_moved = shift.starts_at_ms != before.starts_at_ms;
                     const bool end_moved = shift.ends_at_ms != before.ends_at_ms;
                     check_shift(shift, now, start_moved, end_moved, rules);
                     if (start_moved || end_moved) {
                       for (const auto& su : shift.sign_ups)
                         check_can_hold(conn, su.volunteer_id, shift, rules);
                     }
                     if (start_moved) {
                       // Reminders and the understaffing check follow the new start.
                       store::clear_reminders(conn, shift.id);
                       close_understaffed(conn, shift, now,
                                          Resolution::server("RESOLVED_SHIFT_MOVED", "the shift was moved"),
                                          result.events);
                       shift.understaffed_alert_id.clear();
                     }
                     ++shift.sequence;
                     shift.updated_at_ms = now;
                     store::save_shift(conn, shift);
                     store::audit(conn, now, caller.volunteer_id, "shift.update", "shift", shift.id);
                     append_shift_change(conn, shift.id,
                                         {v1::SHIFT_CHANGE_KIND_UPDATED, "", caller.volunteer_id, false, ""},
                                         now, result.events);
                     settle_understaffed(conn, shift.id, now, result.events);
                     return result;
                   });
}

void cancel_shift(const Services& s, RequestPtr request) {
  const auto req = request->message.cancel_shift();
  const auto now = s.clock.now_ms();
  const auto reason = scrub_text(req.reason(), kShortTextMaxChars, "reason");
  auto stored = req;
  stored.set_reason(reason.text);
  idempotent_write(s, request, "shift.cancel", req.client_id(), content_hash(stored),
                   [=](store::Connection& conn, const Principal& caller) {
                     auto shift = existing_shift(conn, req.shift_id());
                     WriteResult result;
                     result.id = shift.id;
                     result.scrub_report = to_proto(reason.report);
                     if (shift.cancelled()) {
                       result.duplicate = true;
                       return result;
                     }
                     if (shift.ends_at_ms <= now)
                       broken(core::Reason::SHIFT_OVER, "the shift is over", "ends_at_ms");
                     shift.cancelled_at_ms = now;
                     shift.cancel_reason = reason.text;
                     ++shift.sequence;
                     shift.updated_at_ms = now;
                     store::save_shift(conn, shift);
                     store::audit(conn, now, caller.volunteer_id, "shift.cancel", "shift", shift.id);
                     append_shift_change(
                         conn, shift.id,
                         {v1::SHIFT_CHANGE_KIND_CANCELLED, "", caller.volunteer_id, false, reason.text}, now,
                         result.events);
                     settle_understaffed(conn, shift.id, now, result.events);
                     return result;
                   });
}

}  // namespace gadehold::app::shifts
