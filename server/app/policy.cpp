// Authorization, in one place: which role may make which request, about which object.
// An object outside the caller's reach gets the same NOT_FOUND as a missing one.
#include <algorithm>

#include "server/app/dispatcher.hpp"
#include "server/store/identity.hpp"
#include "server/store/shifts.hpp"

namespace gadehold::app {

bool Principal::leads(const std::string& team_id) const {
  return std::find(lead_team_ids.begin(), lead_team_ids.end(), team_id) != lead_team_ids.end();
}

bool Principal::member_of(const std::string& team_id) const {
  return std::find(team_ids.begin(), team_ids.end(), team_id) != team_ids.end();
}

namespace {

const core::Status kOk{};

core::Status denied() { return {core::Code::permission_denied, "your role may not do this", ""}; }
core::Status not_found(std::string field) { return {core::Code::not_found, "not found", std::move(field)}; }

core::Status coordinators_only(const Principal& caller) {
  return caller.is_coordinator() ? kOk : denied();
}

// True when `volunteer_id` is a plain volunteer in a team the caller leads.
bool leads_volunteer(const Principal& caller, store::Connection& db, const std::string& volunteer_id) {
  auto role = store::volunteer_role(db, volunteer_id);
  if (!role || *role != store::kRoleVolunteer) return false;
  const auto teams = store::teams_of(db, volunteer_id);
  return std::any_of(teams.begin(), teams.end(), [&](const std::string& t) { return caller.leads(t); });
}

core::Status create_invite(const Principal& caller, const v1::CreateInvite& req) {
  switch (caller.role) {
    case v1::ROLE_COORDINATOR:
      return kOk;
    case v1::ROLE_LEAD:
      if (req.role() != v1::ROLE_VOLUNTEER) {
        return {core::Code::permission_denied, "leads may invite volunteers only", "role"};
      }
      return caller.leads(req.team_id()) ? kOk : not_found("team_id");
    default:
      return denied();
  }
}

core::Status revoke_device(const Principal& caller, const v1::RevokeDevice& req, store::Connection& db) {
  auto owner = store::device_owner(db, req.device_id());
  if (!owner) return not_found("device_id");
  if (caller.is_coordinator() || *owner == caller.volunteer_id) return kOk;
  if (caller.role == v1::ROLE_LEAD && leads_volunteer(caller, db, *owner)) return kOk;
  return not_found("device_id");
}

core::Status revoke_volunteer(const Principal& caller, const v1::RevokeVolunteer& req, store::Connection& db) {
  if (caller.role == v1::ROLE_VOLUNTEER) return denied();
  if (caller.is_coordinator()) {
    return store::volunteer_role(db, req.volunteer_id()) ? kOk : not_found("volunteer_id");
  }
  return leads_volunteer(caller, db, req.volunteer_id()) ? kOk : not_found("volunteer_id");
}

// Writes to a shift's plan: its team's leads and the coordinators.
core::Status plan_shift(const Principal& caller, const std::string& shift_id, store::Connection& db) {
  if (caller.role == v1::ROLE_VOLUNTEER) return denied();
  const auto team = store::shift_team(db, shift_id);
  if (!team) return not_found("shift_id");
  return caller.is_coordinator() || caller.leads(*team) ? kOk : not_found("shift_id");
}

// Seeing a shift: members of its team and the coordinators. Whether the caller may sign
// up is the handler's rule (coordinators who are not members may not).
core::Status see_shift(const Principal& caller, const std::string& shift_id, store::Connection& db) {
  const auto team = store::shift_team(db, shift_id);
  if (!team) return not_found("shift_id");
  return caller.is_coordinator() || caller.member_of(*team) ? kOk : not_found("shift_id");
}

// A team named in a request: the caller's own, or any for coordinators.
core::Status see_team(const Principal& caller, const std::string& team_id, store::Connection& db) {
  if (caller.is_coordinator()) return store::team_exists(db, team_id) ? kOk : not_found("team_id");
  return caller.member_of(team_id) ? kOk : not_found("team_id");
}

core::Status create_shift(const Principal& caller, const v1::CreateShift& req) {
  if (caller.role == v1::ROLE_VOLUNTEER) return denied();
  return caller.is_coordinator() || caller.leads(req.team_id()) ? kOk : not_found("team_id");
}

core::Status calendar_feed(const Principal& caller, const v1::GetCalendarFeed& req, store::Connection& db) {
  if (req.scope() != v1::CALENDAR_SCOPE_TEAM) return kOk;  // the handler checks the scope
  return see_team(caller, req.team_id(), db);
}

core::Status revoke_feed(const Principal& caller, const v1::RevokeCalendarFeed& req, store::Connection& db) {
  const auto feed = store::find_feed(db, req.feed_id());
  return feed && feed->volunteer_id == caller.volunteer_id ? kOk : not_found("feed_id");
}

}  // namespace

core::Status authorize(const Principal& caller, const v1::ClientMessage& message, store::Connection& db) {
  using B = v1::ClientMessage;
  switch (message.body_case()) {
    case B::kCreateInvite:
      return create_invite(caller, message.create_invite());
    case B::kCreateTeam:
    case B::kCreateArea:
    case B::kSetMembership:
    case B::kListAudit:
      return coordinators_only(caller);
    case B::kRevokeDevice:
      return revoke_device(caller, message.revoke_device(), db);
    case B::kRevokeVolunteer:
      return revoke_volunteer(caller, message.revoke_volunteer(), db);
    case B::kListTeams:
    case B::kListAreas:
    case B::kListDevices:
    case B::kSync:
    case B::kListActivePatrols:
      return kOk;
    // Patrol writes: the handler checks, inside the write, that the caller is a member
    // of the patrol (NOT_FOUND otherwise), so membership cannot change in between.
    case B::kStartPatrol:
    case B::kCheckIn:
    case B::kEndPatrol:
    case B::kSubmitNote:
    case B::kRaiseSos:
      return kOk;
    case B::kAcknowledgeAlert:
      return caller.role == v1::ROLE_VOLUNTEER ? denied() : kOk;
    case B::kCreateShift:
      return create_shift(caller, message.create_shift());
    case B::kUpdateShift:
      return plan_shift(caller, message.update_shift().shift_id(), db);
    case B::kCancelShift:
      return plan_shift(caller, message.cancel_shift().shift_id(), db);
    case B::kAssignShift:
      return plan_shift(caller, message.assign_shift().shift_id(), db);
    case B::kUnassignShift:
      return plan_shift(caller, message.unassign_shift().shift_id(), db);
    case B::kSignUp:
      return see_shift(caller, message.sign_up().shift_id(), db);
    case B::kWithdraw:
      return see_shift(caller, message.withdraw().shift_id(), db);
    case B::kListShifts:
      return message.list_shifts().team_id().empty() ? kOk : see_team(caller, message.list_shifts().team_id(), db);
    case B::kGetCalendarFeed:
      return calendar_feed(caller, message.get_calendar_feed(), db);
    case B::kRevokeCalendarFeed:
      return revoke_feed(caller, message.revoke_calendar_feed(), db);
    // Statistics: coordinators see every area; leads their own teams' activity.
    case B::kGetStats:
      return caller.role == v1::ROLE_VOLUNTEER ? denied() : kOk;
    case B::kExportStats:
      return coordinators_only(caller);
    default:
      // A request type with no policy is refused: new requests must be added here.
      return denied();
  }
}

}  // namespace gadehold::app
