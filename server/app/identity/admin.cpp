// Invites, teams, areas, memberships and revocation.
#include <algorithm>
#include <set>

#include "server/app/commit.hpp"
#include "server/app/identity/identity.hpp"
#include "server/app/shifts/shift_rules.hpp"
#include "server/app/shifts/shift_support.hpp"
#include "server/privacy/handle_rules.hpp"
#include "server/store/directory.hpp"

namespace gadehold::app::identity {

namespace {

constexpr std::uint32_t kMaxInviteHours = 720;
constexpr std::size_t kMaxNameChars = 64;
constexpr std::size_t kMaxPrefixes = 64;
constexpr std::size_t kMaxPrefixChars = 8;
constexpr std::string_view kGeohashAlphabet = "0123456789bcdefghjkmnpqrstuvwxyz";

// A team or area name: 1 to 64 characters of UTF-8 with no control characters.
void check_name(const std::string& name) {
  const long chars = privacy::utf8_length(name);
  if (chars < 1 || chars > static_cast<long>(kMaxNameChars) || name.front() == ' ' || name.back() == ' ' ||
      std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
    throw core::Refusal(core::Reason::NAME_INVALID, "a name has 1 to 64 characters and no control characters",
                        "name", {{"min_chars", "1"}, {"max_chars", std::to_string(kMaxNameChars)}});
  }
}

std::vector<std::string> check_prefixes(const google::protobuf::RepeatedPtrField<std::string>& given) {
  if (given.empty() || static_cast<std::size_t>(given.size()) > kMaxPrefixes) {
    throw core::Refusal(core::Reason::OUT_OF_RANGE, "an area has 1 to 64 geohash prefixes",
                        "geohash_prefixes", {{"min", "1"}, {"max", std::to_string(kMaxPrefixes)}});
  }
  std::set<std::string> unique;
  for (const auto& p : given) {
    if (p.empty() || p.size() > kMaxPrefixChars || !std::all_of(p.begin(), p.end(), [](char c) {
          return kGeohashAlphabet.find(c) != std::string_view::npos;
        })) {
      throw core::Refusal(core::Reason::GEOHASH_PREFIX_INVALID,
                          "a geohash prefix has 1 to 8 characters of 0-9 and b-z without a, i, l, o",
                          "geohash_prefixes", {{"max_chars", std::to_string(kMaxPrefixChars)}});
    }
    unique.insert(p);
  }
  return {unique.begin(), unique.end()};
}

void check_invite(const v1::CreateInvite& req) {
  if (req.role() == v1::ROLE_UNSPECIFIED)
    throw core::Refusal(core::Reason::REQUIRED, "role is required", "role");
  if (req.role() != v1::ROLE_VOLUNTEER && req.role() != v1::ROLE_LEAD && req.role() != v1::ROLE_COORDINATOR) {
    throw core::Refusal(core::Reason::NOT_ALLOWED_VALUE, "role is VOLUNTEER, LEAD or COORDINATOR", "role",
                        {{"allowed", "ROLE_VOLUNTEER,ROLE_LEAD,ROLE_COORDINATOR"}});
  }
  if (req.valid_hours() > kMaxInviteHours) {
    throw core::Refusal(core::Reason::OUT_OF_RANGE, "valid_hours is 1 to 720", "valid_hours",
                        {{"min", "1"}, {"max", std::to_string(kMaxInviteHours)}});
  }
  if (req.role() == v1::ROLE_COORDINATOR && !req.team_id().empty()) {
    throw core::Refusal(core::Reason::COORDINATOR_WITH_TEAM, "coordinators belong to no team", "team_id");
  }
  if (req.role() != v1::ROLE_COORDINATOR && req.team_id().empty()) {
    throw core::Refusal(core::Reason::TEAM_REQUIRED, "volunteers and leads are invited into a team",
                        "team_id");
  }
}

store::MembershipChange membership_change(v1::Membership membership) {
  switch (membership) {
    case v1::MEMBERSHIP_NONE:
      return store::MembershipChange::none;
    case v1::MEMBERSHIP_MEMBER:
      return store::MembershipChange::member;
    case v1::MEMBERSHIP_LEAD:
      return store::MembershipChange::lead;
    default:
      throw core::Refusal(core::Reason::REQUIRED, "membership is required", "membership");
  }
}

// What a revocation did: the devices to disconnect, and the sign-ups it dropped.
struct Revoked {
  std::vector<std::string> devices;
  std::vector<PendingEvent> events;
};
using RevokeFn = std::vector<std::string> (*)(store::Connection&, const std::string&, std::string_view,
                                              std::int64_t);

void revoke(const Services& s, RequestPtr request, const std::string& id, RevokeFn revoke_fn,
            bool drop_sign_ups) {
  const auto now = s.clock.now_ms();
  commit_then<Revoked>(
      s, request,
      [id, revoke_fn, drop_sign_ups, now, late_ms = shifts::ShiftRules::from(s.config).late_withdrawal_ms](
          store::Connection& c, const Principal& caller) {
        Revoked out;
        out.devices = revoke_fn(c, id, caller.volunteer_id, now);
        if (drop_sign_ups)
          shifts::drop_future_sign_ups(c, id, "", caller.volunteer_id, late_ms, now, out.events);
        return out;
      },
      [&hub = s.hub, id](Request& r, Revoked& revoked) {
        // Only after the commit: a revocation that did not stick must not look done.
        for (const auto& d : revoked.devices) hub.close_device(d, 1008, "revoked");
        publish(hub, revoked.events);
        r.ack(id, revoked.devices.empty());
      });
}

}  // namespace

void create_invite(const Services& s, RequestPtr request) {
  const auto& req = request->message.create_invite();
  check_invite(req);
  const auto now = s.clock.now_ms();
  const auto hours = req.valid_hours() == 0 ? s.config.invite_default_hours : req.valid_hours();
  const auto expires = now + static_cast<std::int64_t>(hours) * 3600 * 1000;
  commit_then<store::NewInvite>(
      s, request,
      [role = static_cast<int>(req.role()), team = req.team_id(), now, expires](store::Connection& c,
                                                                                const Principal& caller) {
        if (!team.empty() && !store::team_exists(c, team)) {
          throw core::Refusal(core::Reason::NOT_FOUND, "not found", "team_id");
        }
        return store::create_invite(c, role, team, caller.volunteer_id, now, expires);
      },
      [](Request& r, store::NewInvite& invite) {
        v1::ServerMessage msg;
        auto* created = msg.mutable_invite_created();
        created->set_invite_code(invite.code);
        created->set_expires_at_ms(invite.expires_at_ms);
        created->set_invite_id(invite.id);
        r.reply(std::move(msg));
      });
}

void create_team(const Services& s, RequestPtr request) {
  const auto name = request->message.create_team().name();
  check_name(name);
  const auto now = s.clock.now_ms();
  commit_then<std::string>(
      s, request,
      [name, now](store::Connection& c, const Principal& caller) {
        return store::create_team(c, name, caller.volunteer_id, now);
      },
      [](Request& r, std::string& id) { r.ack(id); });
}

void create_area(const Services& s, RequestPtr request) {
  const auto& req = request->message.create_area();
  check_name(req.name());
  auto prefixes = check_prefixes(req.geohash_prefixes());
  const auto now = s.clock.now_ms();
  commit_then<std::string>(
      s, request,
      [name = req.name(), prefixes = std::move(prefixes), now](store::Connection& c,
                                                               const Principal& caller) {
        return store::create_area(c, name, prefixes, caller.volunteer_id, now);
      },
      [](Request& r, std::string& id) { r.ack(id); });
}

void set_membership(const Services& s, RequestPtr request) {
  const auto& req = request->message.set_membership();
  const auto change = membership_change(req.membership());
  const auto now = s.clock.now_ms();
  struct Changed {
    std::string volunteer_id;
    int role = 0;
    std::vector<std::string> teams, lead_teams;
    std::vector<PendingEvent> events;  // sign-ups dropped on leaving the team
  };
  commit_then<Changed>(
      s, request,
      [volunteer = req.volunteer_id(), team = req.team_id(), change, now,
       late_ms = shifts::ShiftRules::from(s.config).late_withdrawal_ms](store::Connection& c,
                                                                        const Principal& caller) {
        if (!store::volunteer_role(c, volunteer))
          throw core::Refusal(core::Reason::NOT_FOUND, "not found", "volunteer_id");
        if (!store::team_exists(c, team))
          throw core::Refusal(core::Reason::NOT_FOUND, "not found", "team_id");
        store::set_membership(c, volunteer, team, change, caller.volunteer_id, now);
        Changed out{volunteer,
                    *store::volunteer_role(c, volunteer),
                    store::teams_of(c, volunteer),
                    store::lead_teams_of(c, volunteer),
                    {}};
        if (change == store::MembershipChange::none) {
          shifts::drop_future_sign_ups(c, volunteer, team, caller.volunteer_id, late_ms, now, out.events);
        }
        return out;
      },
      [&hub = s.hub](Request& r, Changed& changed) {
        // Live connections of this volunteer receive events by the new teams from now on.
        hub.update_volunteer(changed.volunteer_id, changed.role, changed.teams, changed.lead_teams);
        publish(hub, changed.events);
        r.ack(changed.volunteer_id);
      });
}

void revoke_device(const Services& s, RequestPtr request) {
  const auto device = request->message.revoke_device().device_id();
  revoke(s, std::move(request), device, store::revoke_device, false);
}

void revoke_volunteer(const Services& s, RequestPtr request) {
  const auto volunteer = request->message.revoke_volunteer().volunteer_id();
  revoke(s, std::move(request), volunteer, store::revoke_volunteer, true);
}

}  // namespace gadehold::app::identity
