// Invites, teams, areas, memberships, revocation, and the lists that go with them.
// Authorization has already run (policy.cpp); these check values and write.
#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>

#include "server/app/commit.hpp"
#include "server/app/dispatcher.hpp"
#include "server/app/shift_rules.hpp"
#include "server/app/shift_support.hpp"
#include "server/privacy/handle_rules.hpp"
#include "server/store/engine/database.hpp"
#include "server/store/identity.hpp"

namespace gadehold::app {

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
    throw core::Refusal(core::Code::invalid_argument, "a name has 1 to 64 characters and no control characters",
                        "name");
  }
}

std::vector<std::string> check_prefixes(const google::protobuf::RepeatedPtrField<std::string>& given) {
  if (given.empty() || static_cast<std::size_t>(given.size()) > kMaxPrefixes) {
    throw core::Refusal(core::Code::invalid_argument, "an area has 1 to 64 geohash prefixes", "geohash_prefixes");
  }
  std::set<std::string> unique;
  for (const auto& p : given) {
    if (p.empty() || p.size() > kMaxPrefixChars ||
        !std::all_of(p.begin(), p.end(), [](char c) { return kGeohashAlphabet.find(c) != std::string_view::npos; })) {
      throw core::Refusal(core::Code::invalid_argument,
                          "a geohash prefix has 1 to 8 characters of 0-9 and b-z without a, i, l, o",
                          "geohash_prefixes");
    }
    unique.insert(p);
  }
  return {unique.begin(), unique.end()};
}

}  // namespace

void Dispatcher::create_invite(RequestPtr request) {
  const auto& req = request->message.create_invite();
  if (req.role() != v1::ROLE_VOLUNTEER && req.role() != v1::ROLE_LEAD && req.role() != v1::ROLE_COORDINATOR) {
    throw core::Refusal(core::Code::invalid_argument, "role is required", "role");
  }
  if (req.valid_hours() > kMaxInviteHours) {
    throw core::Refusal(core::Code::invalid_argument, "valid_hours is 1 to 720", "valid_hours");
  }
  if (req.role() == v1::ROLE_COORDINATOR && !req.team_id().empty()) {
    throw core::Refusal(core::Code::invalid_argument, "coordinators belong to no team", "team_id");
  }
  if (req.role() != v1::ROLE_COORDINATOR && req.team_id().empty()) {
    throw core::Refusal(core::Code::invalid_argument, "volunteers and leads are invited into a team", "team_id");
  }
  const auto now = clock_.now_ms();
  const auto hours = req.valid_hours() == 0 ? config_.invite_default_hours : req.valid_hours();
  const auto expires = now + static_cast<std::int64_t>(hours) * 3600 * 1000;
  commit_then<store::NewInvite>(
      db_.writer(), request,
      [role = static_cast<int>(req.role()), team = req.team_id(), actor = request->caller.volunteer_id, now,
       expires](store::Connection& c) {
        if (!team.empty() && !store::team_exists(c, team)) {
          throw core::Refusal(core::Code::not_found, "not found", "team_id");
        }
        return store::create_invite(c, role, team, actor, now, expires);
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

void Dispatcher::create_team(RequestPtr request) {
  const auto name = request->message.create_team().name();
  check_name(name);
  const auto now = clock_.now_ms();
  commit_then<std::string>(
      db_.writer(), request,
      [name, actor = request->caller.volunteer_id, now](store::Connection& c) {
        return store::create_team(c, name, actor, now);
      },
      [](Request& r, std::string& id) { r.ack(id); });
}

void Dispatcher::create_area(RequestPtr request) {
  const auto& req = request->message.create_area();
  check_name(req.name());
  auto prefixes = check_prefixes(req.geohash_prefixes());
  const auto now = clock_.now_ms();
  commit_then<std::string>(
      db_.writer(), request,
      [name = req.name(), prefixes = std::move(prefixes), actor = request->caller.volunteer_id,
       now](store::Connection& c) { return store::create_area(c, name, prefixes, actor, now); },
      [](Request& r, std::string& id) { r.ack(id); });
}

void Dispatcher::set_membership(RequestPtr request) {
  const auto& req = request->message.set_membership();
  store::MembershipChange change;
  switch (req.membership()) {
    case v1::MEMBERSHIP_NONE: change = store::MembershipChange::none; break;
    case v1::MEMBERSHIP_MEMBER: change = store::MembershipChange::member; break;
    case v1::MEMBERSHIP_LEAD: change = store::MembershipChange::lead; break;
    default: throw core::Refusal(core::Code::invalid_argument, "membership is required", "membership");
  }
  const auto now = clock_.now_ms();
  struct Changed {
    std::string volunteer_id;
    int role = 0;
    std::vector<std::string> teams, lead_teams;
    std::vector<PendingEvent> events;  // sign-ups dropped on leaving the team
  };
  commit_then<Changed>(
      db_.writer(), request,
      [volunteer = req.volunteer_id(), team = req.team_id(), change, actor = request->caller.volunteer_id, now,
       late_ms = ShiftRules::from(config_).late_withdrawal_ms](store::Connection& c) {
        if (!store::volunteer_role(c, volunteer)) throw core::Refusal(core::Code::not_found, "not found", "volunteer_id");
        if (!store::team_exists(c, team)) throw core::Refusal(core::Code::not_found, "not found", "team_id");
        store::set_membership(c, volunteer, team, change, actor, now);
        Changed out{volunteer, *store::volunteer_role(c, volunteer), store::teams_of(c, volunteer), {}, {}};
        if (change == store::MembershipChange::none) {
          drop_future_sign_ups(c, volunteer, team, actor, late_ms, now, out.events);
        }
        store::Statement st(c, "SELECT team_id FROM memberships WHERE volunteer_id = ? AND is_lead = 1");
        st.bind(1, volunteer);
        while (st.step()) out.lead_teams.push_back(st.column_text(0));
        return out;
      },
      [this](Request& r, Changed& changed) {
        // Live connections of this volunteer receive events by the new teams from now on.
        hub_.update_volunteer(changed.volunteer_id, changed.role, changed.teams, changed.lead_teams);
        publish(changed.events);
        r.ack(changed.volunteer_id);
      });
}

void Dispatcher::revoke(RequestPtr request, const std::string& id, RevokeFn revoke_fn, bool drop_sign_ups) {
  const auto now = clock_.now_ms();
  struct Revoked {
    std::vector<std::string> devices;
    std::vector<PendingEvent> events;
  };
  commit_then<Revoked>(
      db_.writer(), request,
      [id, revoke_fn, drop_sign_ups, actor = request->caller.volunteer_id, now,
       late_ms = ShiftRules::from(config_).late_withdrawal_ms](store::Connection& c) {
        Revoked out;
        out.devices = revoke_fn(c, id, actor, now);
        if (drop_sign_ups) drop_future_sign_ups(c, id, "", actor, late_ms, now, out.events);
        return out;
      },
      [this, id](Request& r, Revoked& revoked) {
        // Only after the commit: a revocation that did not stick must not look done.
        for (const auto& d : revoked.devices) hub_.close_device(d, 1008, "revoked");
        publish(revoked.events);
        r.ack(id, revoked.devices.empty());
      });
}

void Dispatcher::revoke_device(RequestPtr request) {
  const auto device = request->message.revoke_device().device_id();
  revoke(std::move(request), device, store::revoke_device, false);
}

void Dispatcher::revoke_volunteer(RequestPtr request) {
  const auto volunteer = request->message.revoke_volunteer().volunteer_id();
  revoke(std::move(request), volunteer, store::revoke_volunteer, true);
}

void Dispatcher::list_teams(RequestPtr request) {
  v1::ServerMessage msg;
  auto* list = msg.mutable_team_list();
  auto reader = db_.readers().acquire();
  store::Statement teams(*reader, "SELECT id, name FROM teams ORDER BY name");
  store::Statement members(*reader,
                           "SELECT v.id, v.handle, v.role, m.is_lead FROM memberships m "
                           "JOIN volunteers v ON v.id = m.volunteer_id "
                           "WHERE m.team_id = ? AND v.revoked_at_ms IS NULL ORDER BY v.handle");
  while (teams.step()) {
    auto team_id = teams.column_text(0);
    if (!request->caller.is_coordinator() && !request->caller.member_of(team_id)) continue;
    auto* team = list->add_teams();
    team->set_team_id(team_id);
    team->set_name(teams.column_text(1));
    members.reset();
    members.bind(1, team_id);
    while (members.step()) {
      auto* m = team->add_members();
      m->set_volunteer_id(members.column_text(0));
      m->set_handle(members.column_text(1));
      m->set_role(static_cast<v1::Role>(members.column_int(2)));
      m->set_is_lead(members.column_int(3) == 1);
    }
  }
  request->reply(std::move(msg));
}

void Dispatcher::list_areas(RequestPtr request) {
  v1::ServerMessage msg;
  auto* list = msg.mutable_area_list();
  auto reader = db_.readers().acquire();
  store::Statement st(*reader,
                      "SELECT a.id, a.name, p.prefix FROM areas a LEFT JOIN area_prefixes p ON p.area_id = a.id "
                      "ORDER BY a.name, a.id, p.prefix");
  v1::Area* current = nullptr;
  while (st.step()) {
    auto id = st.column_text(0);
    if (current == nullptr || current->area_id() != id) {
      current = list->add_areas();
      current->set_area_id(id);
      current->set_name(st.column_text(1));
    }
    if (!st.column_is_null(2)) current->add_geohash_prefixes(st.column_text(2));
  }
  request->reply(std::move(msg));
}

void Dispatcher::list_devices(RequestPtr request) {
  v1::ServerMessage msg;
  auto* list = msg.mutable_device_list();
  auto reader = db_.readers().acquire();
  store::Statement st(*reader,
                      "SELECT id, name, created_at_ms, last_seen_ms, revoked_at_ms IS NOT NULL FROM devices "
                      "WHERE volunteer_id = ? ORDER BY created_at_ms, id");
  st.bind(1, request->caller.volunteer_id);
  while (st.step()) {
    auto* d = list->add_devices();
    d->set_device_id(st.column_text(0));
    d->set_name(st.column_text(1));
    d->set_created_at_ms(st.column_int(2));
    d->set_last_seen_ms(st.column_int(3));
    d->set_revoked(st.column_int(4) == 1);
    d->set_current(d->device_id() == request->caller.device_id);
  }
  request->reply(std::move(msg));
}

void Dispatcher::list_audit(RequestPtr request) {
  const auto& req = request->message.list_audit();
  if (req.limit() > 500) throw core::Refusal(core::Code::invalid_argument, "limit is 1 to 500", "limit");
  if (req.before_id() < 0) throw core::Refusal(core::Code::invalid_argument, "before_id must not be negative", "before_id");
  const std::int64_t limit = req.limit() == 0 ? 100 : req.limit();
  v1::ServerMessage msg;
  auto* page = msg.mutable_audit_page();
  auto reader = db_.readers().acquire();
  store::Statement st(*reader,
                      "SELECT id, at_ms, actor_id, action, object_kind, object_id FROM audit_log "
                      "WHERE id < ? ORDER BY id DESC LIMIT ?");
  st.bind(1, req.before_id() == 0 ? std::numeric_limits<std::int64_t>::max() : req.before_id()).bind(2, limit + 1);
  while (st.step()) {
    if (page->entries_size() == limit) {
      page->set_more(true);
      break;
    }
    auto* e = page->add_entries();
    e->set_id(st.column_int(0));
    e->set_at_ms(st.column_int(1));
    e->set_actor_id(st.column_text(2));
    e->set_action(st.column_text(3));
    e->set_object_kind(st.column_text(4));
    e->set_object_id(st.column_text(5));
  }
  if (page->entries_size() > 0) page->set_next_before_id(page->entries(page->entries_size() - 1).id());
  request->reply(std::move(msg));
}

}  // namespace gadehold::app
