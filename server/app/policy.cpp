// Authorization, in one place: which role may make which request, about which object.
// An object outside the caller's reach gets the same NOT_FOUND as a missing one.
#include <algorithm>

#include "server/app/dispatcher.hpp"
#include "server/store/identity.hpp"

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
    default:
      // A request type with no policy is refused: new requests must be added here.
      return denied();
  }
}

}  // namespace gadehold::app
