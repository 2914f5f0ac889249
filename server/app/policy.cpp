#include "server/app/policy.hpp"

#include <algorithm>

#include "server/store/identity.hpp"
#include "server/store/shifts.hpp"

namespace gadehold::app {

Principal to_principal(const store::Identity& id) {
  return Principal{id.volunteer_id, id.device_id,    id.handle, static_cast<v1::Role>(id.role),
                   id.team_ids,     id.lead_team_ids};
}

Principal authorize(store::Connection& conn, const Request& request) {
  const auto identity = store::load_identity(conn, request.session.principal->device_id);
  if (!identity) throw core::Refusal(core::Reason::DEVICE_REVOKED, "this device has been revoked");
  auto caller = to_principal(*identity);
  if (auto verdict = request.policy(caller, request.message, conn); !verdict.ok())
    throw core::Refusal(std::move(verdict));
  return caller;
}

}  // namespace gadehold::app

namespace gadehold::app::policy {

namespace {

const core::Status kOk{};

core::Status denied() { return {core::Reason::ROLE_FORBIDDEN, "your role may not do this"}; }
core::Status not_found(std::string field) { return {core::Reason::NOT_FOUND, "not found", std::move(field)}; }

// True when `volunteer_id` is a plain volunteer in a team the caller leads.
bool leads_volunteer(const Principal& caller, store::Connection& db, const std::string& volunteer_id) {
  auto role = store::volunteer_role(db, volunteer_id);
  if (!role || *role != store::kRoleVolunteer) return false;
  const auto teams = store::teams_of(db, volunteer_id);
  return std::any_of(teams.begin(), teams.end(), [&](const std::string& t) { return caller.leads(t); });
}

// A team named in a request: the caller's own, or any for coordinators.
core::Status see_team(const Principal& caller, const std::string& team_id, store::Connection& db) {
  if (caller.is_coordinator()) return store::team_exists(db, team_id) ? kOk : not_found("team_id");
  return caller.member_of(team_id) ? kOk : not_found("team_id");
}

// The shift a shift request names.
const std::string& shift_id_of(const v1::ClientMessage& m) {
  using B = v1::ClientMessage;
  switch (m.body_case()) {
    case B::kUpdateShift:
      return m.update_shift().shift_id();
    case B::kCancelShift:
      return m.cancel_shift().shift_id();
    case B::kAssignShift:
      return m.assign_shift().shift_id();
    case B::kUnassignShift:
      return m.unassign_shift().shift_id();
    case B::kSignUp:
      return m.sign_up().shift_id();
    case B::kWithdraw:
      return m.withdraw().shift_id();
    default:
      throw std::logic_error("shift_id_of: not a shift request");
  }
}

}  // namespace

core::Status signed_in(const Principal&, const v1::ClientMessage&, store::Connection&) { return kOk; }

core::Status coordinators_only(const Principal& caller, const v1::ClientMessage&, store::Connection&) {
  return caller.is_coordinator() ? kOk : denied();
}

core::Status leads_and_coordinators(const Principal& caller, const v1::ClientMessage&, store::Connection&) {
  return caller.role == v1::ROLE_VOLUNTEER ? denied() : kOk;
}

core::Status create_invite(const Principal& caller, const v1::ClientMessage& message, store::Connection&) {
  const auto& req = message.create_invite();
  switch (caller.role) {
    case v1::ROLE_COORDINATOR:
      return kOk;
    case v1::ROLE_LEAD:
      if (req.role() != v1::ROLE_VOLUNTEER) {
        return {core::Reason::LEAD_INVITES_VOLUNTEERS, "leads may invite volunteers only", "role"};
      }
      return caller.leads(req.team_id()) ? kOk : not_found("team_id");
    default:
      return denied();
  }
}

core::Status revoke_device(const Principal& caller, const v1::ClientMessage& message, store::Connection& db) {
  auto owner = store::device_owner(db, message.revoke_device().device_id());
  if (!owner) return not_found("device_id");
  if (caller.is_coordinator() || *owner == caller.volunteer_id) return kOk;
  if (caller.role == v1::ROLE_LEAD && leads_volunteer(caller, db, *owner)) return kOk;
  return not_found("device_id");
}

core::Status revoke_volunteer(const Principal& caller, const v1::ClientMessage& message,
                              store::Connection& db) {
  const auto& volunteer_id = message.revoke_volunteer().volunteer_id();
  if (caller.role == v1::ROLE_VOLUNTEER) return denied();
  if (caller.is_coordinator()) {
    return store::volunteer_role(db, volunteer_id) ? kOk : not_found("volunteer_id");
  }
  return leads_volunteer(caller, db, volunteer_id) ? kOk : not_found("volunteer_id");
}

core::Status create_shift(const Principal& caller, const v1::ClientMessage& message, store::Connection&) {
  if (caller.role == v1::ROLE_VOLUNTEER) return denied();
  return caller.is_coordinator() || caller.leads(message.create_shift().team_id()) ? kOk
                                                                                   : not_found("team_id");
}

core::Status plan_shift(const Principal& caller, const v1::ClientMessage& message, store::Connection& db) {
  if (caller.role == v1::ROLE_VOLUNTEER) return denied();
  const auto team = store::shift_team(db, shift_id_of(message));
  if (!team) return not_found("shift_id");
  return caller.is_coordinator() || caller.leads(*team) ? kOk : not_found("shift_id");
}

core::Status see_shift(const Principal& caller, const v1::ClientMessage& message, store::Connection& db) {
  const auto team = store::shift_team(db, shift_id_of(message));
  if (!team) return not_found("shift_id");
  return caller.is_coordinator() || caller.member_of(*team) ? kOk : not_found("shift_id");
}

core::Status list_shifts(const Principal& caller, const v1::ClientMessage& message, store::Connection& db) {
  const auto& team_id = message.list_shifts().team_id();
  return team_id.empty() ? kOk : see_team(caller, team_id, db);
}

core::Status get_calendar_feed(const Principal& caller, const v1::ClientMessage& message,
                               store::Connection& db) {
  const auto& req = message.get_calendar_feed();
  if (req.scope() != v1::CALENDAR_SCOPE_TEAM) return kOk;  // the handler checks the scope
  return see_team(caller, req.team_id(), db);
}

core::Status revoke_calendar_feed(const Principal& caller, const v1::ClientMessage& message,
                                  store::Connection& db) {
  const auto feed = store::find_feed(db, message.revoke_calendar_feed().feed_id());
  return feed && feed->volunteer_id == caller.volunteer_id ? kOk : not_found("feed_id");
}

}  // namespace gadehold::app::policy
