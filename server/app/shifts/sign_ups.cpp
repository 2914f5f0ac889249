// SignUp and Withdraw by volunteers; AssignShift and UnassignShift by leads.
#include <spdlog/spdlog.h>

#include "server/app/commit.hpp"
#include "server/app/free_text.hpp"
#include "server/app/shifts/shift_rules.hpp"
#include "server/app/shifts/shift_support.hpp"
#include "server/app/shifts/shifts.hpp"
#include "server/app/writes.hpp"
#include "server/store/directory.hpp"
#include "server/store/identity.hpp"

namespace gadehold::app::shifts {

namespace {

// A withdrawal inside the late window before the start is flagged to the leads.
bool is_late(const store::ShiftRow& shift, std::int64_t now_ms, const ShiftRules& rules) {
  return shift.starts_at_ms - now_ms < rules.late_withdrawal_ms;
}

// The state asked for already holds.
WriteResult unchanged(const store::ShiftRow& shift) {
  WriteResult result;
  result.id = shift.id;
  result.duplicate = true;
  return result;
}

}  // namespace

void sign_up(const Services& s, RequestPtr request) {
  const auto req = request->message.sign_up();
  const auto now = s.clock.now_ms();
  const auto rules = ShiftRules::from(s.config);
  idempotent_write(
      s, request, "shift.sign_up", req.client_id(), content_hash(req),
      [=](store::Connection& conn, const Principal& caller) {
        auto shift = existing_shift(conn, req.shift_id());
        if (!caller.member_of(shift.team_id))
          broken(core::Reason::NOT_TEAM_MEMBER, "only members of the shift's team sign up", "team_id");
        if (shift.has_sign_up(caller.volunteer_id)) return unchanged(shift);
        if (shift.cancelled()) broken(core::Reason::SHIFT_CANCELLED, "the shift is cancelled", "cancelled");
        if (shift.ends_at_ms <= now) broken(core::Reason::SHIFT_OVER, "the shift is over", "ends_at_ms");
        if (shift.starts_at_ms <= now)
          broken(core::Reason::SHIFT_STARTED, "the shift has started", "starts_at_ms");
        if (shift.starts_at_ms > now + rules.sign_up_horizon_ms) {
          broken(
              core::Reason::SIGN_UP_NOT_OPEN,
              "sign-up opens " + std::to_string(rules.sign_up_horizon_ms / kDayMs) + " days before the start",
              "starts_at_ms", {{"horizon_days", std::to_string(rules.sign_up_horizon_ms / kDayMs)}});
        }
        check_open_place(shift, now);
        check_can_hold(conn, caller.volunteer_id, shift, rules);
        store::add_sign_up(conn, shift.id, caller.volunteer_id, "", now);
        WriteResult result;
        result.id = shift.id;
        append_shift_change(
            conn, shift.id,
            {v1::SHIFT_CHANGE_KIND_SIGNED_UP, caller.volunteer_id, caller.volunteer_id, false, ""}, now,
            result.events);
        settle_understaffed(conn, shift.id, now, result.events);
        return result;
      });
}

void withdraw(const Services& s, RequestPtr request) {
  const auto req = request->message.withdraw();
  const auto now = s.clock.now_ms();
  const auto reason = scrub_text(req.reason(), kShortTextMaxChars, "reason");
  const auto rules = ShiftRules::from(s.config);
  auto stored = req;
  stored.set_reason(reason.text);
  idempotent_write(
      s, request, "shift.withdraw", req.client_id(), content_hash(stored),
      [=](store::Connection& conn, const Principal& caller) {
        auto shift = existing_shift(conn, req.shift_id());
        WriteResult result;
        result.id = shift.id;
        result.scrub_report = to_proto(reason.report);
        if (!shift.has_sign_up(caller.volunteer_id)) {
          if (!caller.member_of(shift.team_id))
            broken(core::Reason::NOT_TEAM_MEMBER, "only members of the shift's team sign up", "team_id");
          result.duplicate = true;
          return result;
        }
        if (shift.cancelled()) broken(core::Reason::SHIFT_CANCELLED, "the shift is cancelled", "cancelled");
        if (shift.ends_at_ms <= now) broken(core::Reason::SHIFT_OVER, "the shift is over", "ends_at_ms");
        const bool late = is_late(shift, now, rules);
        store::remove_sign_up(conn, shift.id, caller.volunteer_id, now, late, "");
        if (late) spdlog::info("late withdrawal from shift {}", shift.id);
        append_shift_change(
            conn, shift.id,
            {v1::SHIFT_CHANGE_KIND_WITHDRAWN, caller.volunteer_id, caller.volunteer_id, late, reason.text},
            now, result.events);
        return result;
      });
}

void assign_shift(const Services& s, RequestPtr request) {
  const auto req = request->message.assign_shift();
  const auto now = s.clock.now_ms();
  const auto rules = ShiftRules::from(s.config);
  idempotent_write(s, request, "shift.assign", req.client_id(), content_hash(req),
                   [=](store::Connection& conn, const Principal& caller) {
                     auto shift = existing_shift(conn, req.shift_id());
                     if (!store::active_members_of(conn, shift.team_id).count(req.volunteer_id())) {
                       throw core::Refusal(core::Reason::NOT_FOUND, "not found", "volunteer_id");
                     }
                     if (shift.has_sign_up(req.volunteer_id())) return unchanged(shift);
                     check_open_place(shift, now);
                     check_can_hold(conn, req.volunteer_id(), shift, rules);
                     store::add_sign_up(conn, shift.id, req.volunteer_id(), caller.volunteer_id, now);
                     store::audit(conn, now, caller.volunteer_id, "shift.assign", "shift", shift.id);
                     WriteResult result;
                     result.id = shift.id;
                     append_shift_change(
                         conn, shift.id,
                         {v1::SHIFT_CHANGE_KIND_ASSIGNED, req.volunteer_id(), caller.volunteer_id, false, ""},
                         now, result.events);
                     settle_understaffed(conn, shift.id, now, result.events);
                     return result;
                   });
}

void unassign_shift(const Services& s, RequestPtr request) {
  const auto req = request->message.unassign_shift();
  const auto now = s.clock.now_ms();
  const auto rules = ShiftRules::from(s.config);
  idempotent_write(
      s, request, "shift.unassign", req.client_id(), content_hash(req),
      [=](store::Connection& conn, const Principal& caller) {
        auto shift = existing_shift(conn, req.shift_id());
        if (!shift.has_sign_up(req.volunteer_id())) return unchanged(shift);
        if (shift.ends_at_ms <= now) broken(core::Reason::SHIFT_OVER, "the shift is over", "ends_at_ms");
        const bool late = is_late(shift, now, rules);
        store::remove_sign_up(conn, shift.id, req.volunteer_id(), now, late, caller.volunteer_id);
        store::audit(conn, now, caller.volunteer_id, "shift.unassign", "shift", shift.id);
        WriteResult result;
        result.id = shift.id;
        append_shift_change(
            conn, shift.id,
            {v1::SHIFT_CHANGE_KIND_UNASSIGNED, req.volunteer_id(), caller.volunteer_id, late, ""}, now,
            result.events);
        return result;
      });
}

}  // namespace gadehold::app::shifts
