// Shift writes: create, update, cancel, sign up, withdraw, assign and unassign. Each is
// committed before its Ack and becomes an event. Each is idempotent by client_id, and
// all but CreateShift also by state: asking for the state that already holds is
// Ack{duplicate = true}.
#include <algorithm>

#include <spdlog/spdlog.h>

#include "server/app/dispatcher.hpp"
#include "server/app/patrol_support.hpp"
#include "server/app/shift_rules.hpp"
#include "server/app/shift_support.hpp"
#include "server/app/writes.hpp"
#include "server/core/tokens.hpp"
#include "server/store/engine/database.hpp"
#include "server/store/identity.hpp"
#include "server/store/patrols.hpp"
#include "server/store/shifts.hpp"

namespace gadehold::app {

namespace {

store::ShiftRow existing_shift(store::Connection& conn, const std::string& shift_id) {
  auto shift = store::find_shift(conn, shift_id);
  if (!shift) throw core::Refusal(core::Code::not_found, "not found", "shift_id");
  return *shift;
}

[[noreturn]] void broken(std::string message, std::string field) {
  throw core::Refusal(core::Code::failed_precondition, std::move(message), std::move(field));
}

privacy::ScrubResult scrub_title(const std::string& title) {
  auto scrubbed = scrub_text(title, kTitleMaxChars, "title");
  if (scrubbed.text.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw core::Refusal(core::Code::invalid_argument, "title is required", "title");
  }
  return scrubbed;
}

// A withdrawal inside the late window before the start is flagged to the leads.
bool is_late(const store::ShiftRow& shift, std::int64_t now_ms, const ShiftRules& rules) {
  return shift.starts_at_ms - now_ms < rules.late_withdrawal_ms;
}

}  // namespace

void Dispatcher::create_shift(RequestPtr request) {
  const auto req = request->message.create_shift();
  const auto now = clock_.now_ms();
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
  check_shift(shift, now, true, true, ShiftRules::from(config_));
  auto stored = req;
  stored.set_title(title.text);
  stored.set_notes(notes.text);
  auto report = to_proto(title.report);
  add_report(report, to_proto(notes.report));
  const auto actor = request->caller.volunteer_id;
  idempotent_write(request, "shift.create", req.client_id(), content_hash(stored), [=](store::Connection& conn) {
    if (!store::team_exists(conn, shift.team_id)) throw core::Refusal(core::Code::not_found, "not found", "team_id");
    if (!store::area_exists(conn, shift.area_id)) throw core::Refusal(core::Code::not_found, "not found", "area_id");
    auto row = shift;
    row.id = core::new_id("shf");
    store::insert_shift(conn, row, actor, now);
    store::audit(conn, now, actor, "shift.create", "shift", row.id);
    WriteResult result;
    result.id = row.id;
    append_shift_change(conn, row.id, {v1::SHIFT_CHANGE_KIND_CREATED, "", actor, false, ""}, now, result.events);
    result.scrub_report = report;
    return result;
  });
}

void Dispatcher::update_shift(RequestPtr request) {
  const auto req = request->message.update_shift();
  const auto now = clock_.now_ms();
  std::optional<privacy::ScrubResult> title, notes;
  if (req.has_title()) title = scrub_title(req.title());
  if (req.has_notes()) notes = scrub_text(req.notes(), kShiftNotesMaxChars, "notes");
  const auto actor = request->caller.volunteer_id;
  const auto rules = ShiftRules::from(config_);
  auto stored = req;
  if (title) stored.set_title(title->text);
  if (notes) stored.set_notes(notes->text);
  idempotent_write(request, "shift.update", req.client_id(), content_hash(stored), [=](store::Connection& conn) {
    auto shift = existing_shift(conn, req.shift_id());
    if (shift.cancelled()) broken("the shift is cancelled", "cancelled");
    if (shift.ends_at_ms <= now) broken("the shift is over", "ends_at_ms");
    const auto before = shift;
    if (req.has_area_id()) {
      if (!store::area_exists(conn, req.area_id())) throw core::Refusal(core::Code::not_found, "not found", "area_id");
      shift.area_id = req.area_id();
    }
    if (req.has_starts_at_ms()) shift.starts_at_ms = req.starts_at_ms();
    if (req.has_ends_at_ms()) shift.ends_at_ms = req.ends_at_ms();
    if (req.has_min_volunteers()) shift.min_volunteers = req.min_volunteers();
    if (req.has_max_volunteers()) shift.max_volunteers = req.max_volunteers();
    if (title) shift.title = title->text;
    if (notes) shift.notes = notes->text;
    const bool start_moved = shift.starts_at_ms != before.starts_at_ms;
    const bool end_moved = shift.ends_at_ms != before.ends_at_ms;
    WriteResult result;
    result.id = shift.id;
    v1::ScrubReport report;
    if (title) add_report(report, to_proto(title->report));
    if (notes) add_report(report, to_proto(notes->report));
    result.scrub_report = report;
    if (!start_moved && !end_moved && shift.area_id == before.area_id && shift.title == before.title &&
        shift.notes == before.notes && shift.min_volunteers == before.min_volunteers &&
        shift.max_volunteers == before.max_volunteers) {
      result.duplicate = true;  // nothing changed: no new SEQUENCE, no event
      return result;
    }
    check_shift(shift, now, start_moved, end_moved, rules);
    if (start_moved || end_moved) {
      for (const auto& su : shift.sign_ups) check_can_hold(conn, su.volunteer_id, shift, rules);
    }
    if (start_moved) {
      // Reminders and the understaffing check follow the new start.
      store::Statement st(conn, "UPDATE shift_signups SET reminded_at_ms = NULL WHERE shift_id = ?");
      st.bind(1, shift.id).run();
      close_understaffed(conn, shift, now, "the shift was moved", result.events);
      shift.understaffed_alert_id.clear();
    }
    ++shift.sequence;
    shift.updated_at_ms = now;
    store::save_shift(conn, shift);
    store::audit(conn, now, actor, "shift.update", "shift", shift.id);
    append_shift_change(conn, shift.id, {v1::SHIFT_CHANGE_KIND_UPDATED, "", actor, false, ""}, now, result.events);
    settle_understaffed(conn, shift.id, now, result.events);
    return result;
  });
}

void Dispatcher::cancel_shift(RequestPtr request) {
  const auto req = request->message.cancel_shift();
  const auto now = clock_.now_ms();
  const auto reason = scrub_text(req.reason(), kShortTextMaxChars, "reason");
  const auto actor = request->caller.volunteer_id;
  auto stored = req;
  stored.set_reason(reason.text);
  idempotent_write(request, "shift.cancel", req.client_id(), content_hash(stored), [=](store::Connection& conn) {
    auto shift = existing_shift(conn, req.shift_id());
    WriteResult result;
    result.id = shift.id;
    result.scrub_report = to_proto(reason.report);
    if (shift.cancelled()) {
      result.duplicate = true;
      return result;
    }
    if (shift.ends_at_ms <= now) broken("the shift is over", "ends_at_ms");
    shift.cancelled_at_ms = now;
    shift.cancel_reason = reason.text;
    ++shift.sequence;
    shift.updated_at_ms = now;
    store::save_shift(conn, shift);
    store::audit(conn, now, actor, "shift.cancel", "shift", shift.id);
    append_shift_change(conn, shift.id, {v1::SHIFT_CHANGE_KIND_CANCELLED, "", actor, false, reason.text}, now,
                        result.events);
    settle_understaffed(conn, shift.id, now, result.events);
    return result;
  });
}

void Dispatcher::sign_up(RequestPtr request) {
  const auto req = request->message.sign_up();
  const auto now = clock_.now_ms();
  const auto caller = request->caller;
  const auto rules = ShiftRules::from(config_);
  idempotent_write(request, "shift.sign_up", req.client_id(), content_hash(req), [=](store::Connection& conn) {
    auto shift = existing_shift(conn, req.shift_id());
    if (!caller.member_of(shift.team_id)) broken("only members of the shift's team sign up", "team_id");
    WriteResult result;
    result.id = shift.id;
    if (shift.has_sign_up(caller.volunteer_id)) {
      result.duplicate = true;
      return result;
    }
    if (shift.cancelled()) broken("the shift is cancelled", "cancelled");
    if (shift.starts_at_ms <= now) broken("the shift has started", "starts_at_ms");
    if (shift.starts_at_ms > now + rules.sign_up_horizon_ms) {
      broken("sign-up opens " + std::to_string(rules.sign_up_horizon_ms / kDayMs) + " days before the start",
             "starts_at_ms");
    }
    check_open_place(shift, now);
    check_can_hold(conn, caller.volunteer_id, shift, rules);
    store::add_sign_up(conn, shift.id, caller.volunteer_id, "", now);
    append_shift_change(conn, shift.id, {v1::SHIFT_CHANGE_KIND_SIGNED_UP, caller.volunteer_id, caller.volunteer_id, false, ""},
                        now, result.events);
    settle_understaffed(conn, shift.id, now, result.events);
    return result;
  });
}

void Dispatcher::withdraw(RequestPtr request) {
  const auto req = request->message.withdraw();
  const auto now = clock_.now_ms();
  const auto reason = scrub_text(req.reason(), kShortTextMaxChars, "reason");
  const auto caller = request->caller;
  const auto rules = ShiftRules::from(config_);
  auto stored = req;
  stored.set_reason(reason.text);
  idempotent_write(request, "shift.withdraw", req.client_id(), content_hash(stored), [=](store::Connection& conn) {
    auto shift = existing_shift(conn, req.shift_id());
    WriteResult result;
    result.id = shift.id;
    result.scrub_report = to_proto(reason.report);
    if (!shift.has_sign_up(caller.volunteer_id)) {
      if (!caller.member_of(shift.team_id)) broken("only members of the shift's team sign up", "team_id");
      result.duplicate = true;
      return result;
    }
    if (shift.cancelled()) broken("the shift is cancelled", "cancelled");
    if (shift.ends_at_ms <= now) broken("the shift is over", "ends_at_ms");
    const bool late = is_late(shift, now, rules);
    store::remove_sign_up(conn, shift.id, caller.volunteer_id, now, late, "");
    if (late) spdlog::info("late withdrawal from shift {}", shift.id);
    append_shift_change(conn, shift.id,
                        {v1::SHIFT_CHANGE_KIND_WITHDRAWN, caller.volunteer_id, caller.volunteer_id, late, reason.text},
                        now, result.events);
    return result;
  });
}

void Dispatcher::assign_shift(RequestPtr request) {
  const auto req = request->message.assign_shift();
  const auto now = clock_.now_ms();
  const auto actor = request->caller.volunteer_id;
  const auto rules = ShiftRules::from(config_);
  idempotent_write(request, "shift.assign", req.client_id(), content_hash(req), [=](store::Connection& conn) {
    auto shift = existing_shift(conn, req.shift_id());
    const auto teams = store::teams_of(conn, req.volunteer_id());
    if (!store::volunteer_role(conn, req.volunteer_id()) ||
        std::find(teams.begin(), teams.end(), shift.team_id) == teams.end()) {
      throw core::Refusal(core::Code::not_found, "not found", "volunteer_id");
    }
    WriteResult result;
    result.id = shift.id;
    if (shift.has_sign_up(req.volunteer_id())) {
      result.duplicate = true;
      return result;
    }
    check_open_place(shift, now);
    check_can_hold(conn, req.volunteer_id(), shift, rules);
    store::add_sign_up(conn, shift.id, req.volunteer_id(), actor, now);
    store::audit(conn, now, actor, "shift.assign", "shift", shift.id);
    append_shift_change(conn, shift.id, {v1::SHIFT_CHANGE_KIND_ASSIGNED, req.volunteer_id(), actor, false, ""}, now,
                        result.events);
    settle_understaffed(conn, shift.id, now, result.events);
    return result;
  });
}

void Dispatcher::unassign_shift(RequestPtr request) {
  const auto req = request->message.unassign_shift();
  const auto now = clock_.now_ms();
  const auto actor = request->caller.volunteer_id;
  const auto rules = ShiftRules::from(config_);
  idempotent_write(request, "shift.unassign", req.client_id(), content_hash(req), [=](store::Connection& conn) {
    auto shift = existing_shift(conn, req.shift_id());
    WriteResult result;
    result.id = shift.id;
    if (!shift.has_sign_up(req.volunteer_id())) {
      result.duplicate = true;
      return result;
    }
    if (shift.ends_at_ms <= now) broken("the shift is over", "ends_at_ms");
    const bool late = is_late(shift, now, rules);
    store::remove_sign_up(conn, shift.id, req.volunteer_id(), now, late, actor);
    store::audit(conn, now, actor, "shift.unassign", "shift", shift.id);
    append_shift_change(conn, shift.id, {v1::SHIFT_CHANGE_KIND_UNASSIGNED, req.volunteer_id(), actor, late, ""}, now,
                        result.events);
    return result;
  });
}

}  // namespace gadehold::app
