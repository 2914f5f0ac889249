// The authorization matrix: every request type, from every kind of caller, about its
// own objects, its team's, and another team's. One table, run as a cross-product.
// Every denial must leave the database byte-for-byte unchanged.
#include <doctest/doctest.h>

#include <map>

#include "support/app_fixture.hpp"

using namespace gadehold;

namespace {

enum class Caller { unauthenticated, revoked, volunteer, lead, coordinator };
enum class Target { own, same_team, other_team };
enum class Op {
  hello,
  redeem_invite,
  create_invite,
  create_team,
  create_area,
  set_membership,
  revoke_device,
  revoke_volunteer,
  list_teams,
  list_areas,
  list_devices,
  list_audit,
  start_patrol,
  check_in,
  end_patrol,
  submit_note,
  send_patrol_message,
  raise_sos,
  acknowledge_alert,
  resolve_alert,
  list_alerts,
  sync,
  list_active_patrols,
  scrub_preview,
  create_shift,
  update_shift,
  cancel_shift,
  sign_up,
  withdraw,
  assign_shift,
  unassign_shift,
  list_shifts,
  get_calendar_feed,
  revoke_calendar_feed,
  get_stats,
  export_stats,
  register_push,
  unregister_push,
};

// A subscription's public key: RFC 8291's example receiver.
constexpr const char* kMatrixP256dh =
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";

// What the server must answer. OK means any non-error reply.
enum class Expect { ok, unauthenticated, permission_denied, not_found, failed_precondition };
constexpr auto U = Expect::unauthenticated;
constexpr auto D = Expect::permission_denied;
constexpr auto N = Expect::not_found;
constexpr auto F = Expect::failed_precondition;
constexpr auto Y = Expect::ok;

struct Row {
  Op op;
  const char* name;
  // [caller][target]: own, same team, other team
  Expect expect[5][3];
};

// clang-format off
const Row kMatrix[] = {
  //                                  unauthenticated  revoked     volunteer   lead        coordinator
  {Op::hello,            "Hello",            {{U, U, U}, {F, F, F}, {F, F, F}, {F, F, F}, {F, F, F}}},
  {Op::redeem_invite,    "RedeemInvite",     {{U, U, U}, {F, F, F}, {F, F, F}, {F, F, F}, {F, F, F}}},
  {Op::create_invite,    "CreateInvite",     {{U, U, U}, {U, U, U}, {D, D, D}, {Y, Y, N}, {Y, Y, Y}}},
  {Op::create_team,      "CreateTeam",       {{U, U, U}, {U, U, U}, {D, D, D}, {D, D, D}, {Y, Y, Y}}},
  {Op::create_area,      "CreateArea",       {{U, U, U}, {U, U, U}, {D, D, D}, {D, D, D}, {Y, Y, Y}}},
  {Op::set_membership,   "SetMembership",    {{U, U, U}, {U, U, U}, {D, D, D}, {D, D, D}, {Y, Y, Y}}},
  {Op::revoke_device,    "RevokeDevice",     {{U, U, U}, {U, U, U}, {Y, N, N}, {Y, Y, N}, {Y, Y, Y}}},
  {Op::revoke_volunteer, "RevokeVolunteer",  {{U, U, U}, {U, U, U}, {D, D, D}, {N, Y, N}, {Y, Y, Y}}},
  {Op::list_teams,       "ListTeams",        {{U, U, U}, {U, U, U}, {Y, Y, Y}, {Y, Y, Y}, {Y, Y, Y}}},
  {Op::list_areas,       "ListAreas",        {{U, U, U}, {U, U, U}, {Y, Y, Y}, {Y, Y, Y}, {Y, Y, Y}}},
  {Op::list_devices,     "ListDevices",      {{U, U, U}, {U, U, U}, {Y, Y, Y}, {Y, Y, Y}, {Y, Y, Y}}},
  {Op::list_audit,       "ListAudit",        {{U, U, U}, {U, U, U}, {D, D, D}, {D, D, D}, {Y, Y, Y}}},
  // Patrols: "own" is a patrol the volunteer and the lead walk on; "same team" is a
  // teammate's patrol they are not on; coordinators walk on none.
  // The volunteer and the lead are on a patrol already, so their own new ones are refused
  // (one open patrol each); tests/unit/patrol_test.cpp starts them where they are free.
  // Coordinators are in no team: there is none to patrol for (NO_TEAM).
  {Op::start_patrol,     "StartPatrol",      {{U, U, U}, {U, U, U}, {F, F, N}, {F, F, N}, {F, F, F}}},
  {Op::check_in,         "CheckIn",          {{U, U, U}, {U, U, U}, {Y, N, N}, {Y, N, N}, {N, N, N}}},
  {Op::end_patrol,       "EndPatrol",        {{U, U, U}, {U, U, U}, {Y, N, N}, {Y, N, N}, {N, N, N}}},
  {Op::submit_note,      "SubmitNote",       {{U, U, U}, {U, U, U}, {Y, N, N}, {Y, N, N}, {N, N, N}}},
  // Leads message their own team's patrols, walking on them or not; coordinators any.
  {Op::send_patrol_message, "SendPatrolMessage", {{U, U, U}, {U, U, U}, {D, D, D}, {Y, Y, N}, {Y, Y, Y}}},
  // An SOS is never refused for its patrol: one that is not the caller's is ignored and
  // the SOS goes to the leads of the caller's teams. Coordinators are in no team.
  {Op::raise_sos,        "RaiseSos",         {{U, U, U}, {U, U, U}, {Y, Y, Y}, {Y, Y, Y}, {F, F, F}}},
  {Op::acknowledge_alert,"AcknowledgeAlert", {{U, U, U}, {U, U, U}, {D, D, D}, {Y, Y, N}, {Y, Y, Y}}},
  // "own" is the volunteer's SOS ("I am safe"); the others each team's small-patrol alert.
  {Op::resolve_alert,    "ResolveAlert",     {{U, U, U}, {U, U, U}, {Y, N, N}, {Y, Y, N}, {Y, Y, Y}}},
  {Op::list_alerts,      "ListAlerts",       {{U, U, U}, {U, U, U}, {Y, Y, Y}, {Y, Y, Y}, {Y, Y, Y}}},
  {Op::sync,             "Sync",             {{U, U, U}, {U, U, U}, {Y, Y, Y}, {Y, Y, Y}, {Y, Y, Y}}},
  {Op::list_active_patrols, "ListActivePatrols", {{U, U, U}, {U, U, U}, {Y, Y, Y}, {Y, Y, Y}, {Y, Y, Y}}},
  // A preview concerns no object: every signed-in role may ask.
  {Op::scrub_preview,    "ScrubPreview",     {{U, U, U}, {U, U, U}, {Y, Y, Y}, {Y, Y, Y}, {Y, Y, Y}}},
  // Shifts: "own" and "same team" are North's shift (the volunteer is signed up to it),
  // "other team" is South's. Assignments name the target user. Coordinators belong to
  // no team, so they may not sign up or be assigned (but plan every team's shifts).
  {Op::create_shift,     "CreateShift",      {{U, U, U}, {U, U, U}, {D, D, D}, {Y, Y, N}, {Y, Y, Y}}},
  {Op::update_shift,     "UpdateShift",      {{U, U, U}, {U, U, U}, {D, D, D}, {Y, Y, N}, {Y, Y, Y}}},
  {Op::cancel_shift,     "CancelShift",      {{U, U, U}, {U, U, U}, {D, D, D}, {Y, Y, N}, {Y, Y, Y}}},
  {Op::sign_up,          "SignUp",           {{U, U, U}, {U, U, U}, {Y, Y, N}, {Y, Y, N}, {F, F, F}}},
  {Op::withdraw,         "Withdraw",         {{U, U, U}, {U, U, U}, {Y, Y, N}, {Y, Y, N}, {F, F, F}}},
  {Op::assign_shift,     "AssignShift",      {{U, U, U}, {U, U, U}, {D, D, D}, {Y, Y, N}, {N, Y, Y}}},
  {Op::unassign_shift,   "UnassignShift",    {{U, U, U}, {U, U, U}, {D, D, D}, {Y, Y, N}, {Y, Y, Y}}},
  {Op::list_shifts,      "ListShifts",       {{U, U, U}, {U, U, U}, {Y, Y, N}, {Y, Y, N}, {Y, Y, Y}}},
  // Feeds: "own" is MINE or the caller's own feed; the others a team's feed, or the
  // feed of a teammate or of someone in the other team, which only its owner revokes.
  {Op::get_calendar_feed, "GetCalendarFeed", {{U, U, U}, {U, U, U}, {Y, Y, N}, {Y, Y, N}, {Y, Y, Y}}},
  {Op::revoke_calendar_feed, "RevokeCalendarFeed", {{U, U, U}, {U, U, U}, {Y, N, N}, {Y, N, N}, {Y, N, N}}},
  // Statistics: leads get their own teams' figures, whatever the target.
  {Op::get_stats,        "GetStats",         {{U, U, U}, {U, U, U}, {D, D, D}, {Y, Y, Y}, {Y, Y, Y}}},
  {Op::export_stats,     "ExportStats",      {{U, U, U}, {U, U, U}, {D, D, D}, {D, D, D}, {Y, Y, Y}}},
  // Push: the caller's own device, whatever the target; every signed-in role.
  {Op::register_push,    "RegisterPush",     {{U, U, U}, {U, U, U}, {Y, Y, Y}, {Y, Y, Y}, {Y, Y, Y}}},
  {Op::unregister_push,  "UnregisterPush",   {{U, U, U}, {U, U, U}, {Y, Y, Y}, {Y, Y, Y}, {Y, Y, Y}}},
};
// clang-format on

const char* caller_name(Caller c) {
  static const char* names[] = {"unauthenticated", "revoked", "volunteer", "lead", "coordinator"};
  return names[static_cast<int>(c)];
}
const char* target_name(Target t) {
  static const char* names[] = {"own", "same team", "other team"};
  return names[static_cast<int>(t)];
}

v1::ErrorCode error_code(Expect e) {
  switch (e) {
    case Expect::unauthenticated:
      return v1::ERROR_CODE_UNAUTHENTICATED;
    case Expect::permission_denied:
      return v1::ERROR_CODE_PERMISSION_DENIED;
    case Expect::not_found:
      return v1::ERROR_CODE_NOT_FOUND;
    case Expect::failed_precondition:
      return v1::ERROR_CODE_FAILED_PRECONDITION;
    case Expect::ok:
      break;
  }
  return v1::ERROR_CODE_UNSPECIFIED;
}

// The programme every cell starts from: a coordinator; teams North and South; in North
// a lead and two volunteers (one of them revoked, one the "same team" target); in South
// a lead and a volunteer (the "other team" targets).
struct World {
  std::string db_path;
  std::string north, south, area;
  std::string own_patrol, team_patrol, other_patrol;  // see the patrol rows above
  std::string north_alert, south_alert;
  std::string own_sos;  // raised by the volunteer on their patrol
  std::string north_shift, south_shift;
  std::map<std::string, std::string> feed_of;  // volunteer id -> their calendar feed
  test::User coordinator, lead, volunteer, teammate, revoked, other_lead, other;
};

World build_world(test::AppFixture& app) {
  World w;
  w.coordinator = app.redeem(app.cli_invite(), "coordinator");
  w.north = app.create_team(w.coordinator, "North");
  w.south = app.create_team(w.coordinator, "South");
  w.lead = app.redeem(app.invite(w.coordinator, v1::ROLE_LEAD, w.north), "north-lead");
  w.volunteer = app.redeem(app.invite(w.lead, v1::ROLE_VOLUNTEER, w.north), "north-volunteer");
  w.teammate = app.redeem(app.invite(w.lead, v1::ROLE_VOLUNTEER, w.north), "north-teammate");
  w.revoked = app.redeem(app.invite(w.lead, v1::ROLE_VOLUNTEER, w.north), "north-revoked");
  w.other_lead = app.redeem(app.invite(w.coordinator, v1::ROLE_LEAD, w.south), "south-lead");
  w.other = app.redeem(app.invite(w.other_lead, v1::ROLE_VOLUNTEER, w.south), "south-volunteer");
  v1::ClientMessage area;
  area.set_request_id(1);
  area.mutable_create_area()->set_name("Centre");
  area.mutable_create_area()->add_geohash_prefixes("u3bu");
  w.area = app.ok(w.coordinator, area).ack().id();
  int n = 0;
  auto start = [&](test::User& by, const std::vector<std::string>& members) {
    v1::ClientMessage m;
    m.set_request_id(2);
    auto* s = m.mutable_start_patrol();
    s->set_client_id("00000000-0000-4000-8000-00000000010" + std::to_string(n++));
    s->set_area_id(w.area);
    s->set_started_at_ms(test::kStartMs);
    for (const auto& id : members) s->add_member_ids(id);
    return app.ok(by, m).ack().id();
  };
  w.own_patrol = start(w.volunteer, {w.lead.volunteer_id()});
  w.team_patrol = start(w.teammate, {});  // one walker: a small-patrol alert for North
  w.other_patrol = start(w.other, {});    // and one for South
  auto alerts = app.ok(w.coordinator,
                       [] {
                         v1::ClientMessage m;
                         m.set_request_id(3);
                         m.mutable_sync();
                         return m;
                       }())
                    .sync_page();
  for (const auto& e : alerts.events()) {
    if (!e.has_alert_raised()) continue;
    (e.alert_raised().team_id() == w.north ? w.north_alert : w.south_alert) = e.alert_raised().alert_id();
  }
  v1::ClientMessage sos;
  sos.set_request_id(3);
  sos.mutable_raise_sos()->set_client_id("00000000-0000-4000-8000-000000000150");
  sos.mutable_raise_sos()->set_patrol_id(w.own_patrol);
  w.own_sos = app.ok(w.volunteer, sos).ack().id();
  auto shift = [&](const std::string& team, int k) {
    v1::ClientMessage m;
    m.set_request_id(4);
    auto* c = m.mutable_create_shift();
    c->set_client_id("00000000-0000-4000-8000-00000000020" + std::to_string(k));
    c->set_team_id(team);
    c->set_area_id(w.area);
    c->set_starts_at_ms(test::kStartMs + 3 * 86400 * 1000LL);
    c->set_ends_at_ms(test::kStartMs + 3 * 86400 * 1000LL + 4 * 3600 * 1000LL);
    c->set_min_volunteers(1);
    c->set_max_volunteers(4);
    c->set_title("Evening walk");
    return app.ok(w.coordinator, m).ack().id();
  };
  w.north_shift = shift(w.north, 0);
  w.south_shift = shift(w.south, 1);
  v1::ClientMessage sign_up;
  sign_up.set_request_id(5);
  sign_up.mutable_sign_up()->set_shift_id(w.north_shift);
  sign_up.mutable_sign_up()->set_client_id("00000000-0000-4000-8000-000000000300");
  app.ok(w.volunteer, sign_up);
  for (auto* user : {&w.coordinator, &w.lead, &w.volunteer, &w.teammate, &w.other}) {
    v1::ClientMessage m;
    m.set_request_id(6);
    m.mutable_get_calendar_feed()->set_scope(v1::CALENDAR_SCOPE_MINE);
    w.feed_of[user->volunteer_id()] = app.ok(*user, m).calendar_feed().feed_id();
  }
  v1::ClientMessage revoke;
  revoke.set_request_id(1);
  revoke.mutable_revoke_volunteer()->set_volunteer_id(w.revoked.volunteer_id());
  app.ok(w.coordinator, revoke);
  return w;
}

test::User caller_user(const World& w, Caller c) {
  switch (c) {
    case Caller::unauthenticated: {
      test::User u;
      u.session.client_address = "127.0.0.1";
      return u;
    }
    case Caller::revoked:
      return w.revoked;
    case Caller::volunteer:
      return w.volunteer;
    case Caller::lead:
      return w.lead;
    case Caller::coordinator:
      return w.coordinator;
  }
  return {};
}

// The object a target stands for: the caller's own (a caller with no identity of its
// own aims at the volunteer's), a member of the caller's team, or of the other team.
const test::User& target_user(const World& w, Caller c, Target t) {
  if (t == Target::same_team) return w.teammate;
  if (t == Target::other_team) return w.other;
  switch (c) {
    case Caller::revoked:
      return w.revoked;
    case Caller::lead:
      return w.lead;
    case Caller::coordinator:
      return w.coordinator;
    default:
      return w.volunteer;
  }
}

v1::ClientMessage request(Op op, const World& w, Caller c, Target t) {
  const auto& target = target_user(w, c, t);
  const auto& team = t == Target::other_team ? w.south : w.north;
  const auto& patrol = t == Target::own         ? w.own_patrol
                       : t == Target::same_team ? w.team_patrol
                                                : w.other_patrol;
  const auto& shift = t == Target::other_team ? w.south_shift : w.north_shift;
  v1::ClientMessage m;
  m.set_request_id(77);
  switch (op) {
    case Op::hello:
      m.mutable_hello()->set_protocol_version(1);
      m.mutable_hello()->set_device_token("not-a-token");
      break;
    case Op::redeem_invite:
      m.mutable_redeem_invite()->set_invite_code("0000-0000-0000-0000-0000-0000-0000");
      m.mutable_redeem_invite()->set_handle("newcomer");
      break;
    case Op::create_invite:
      m.mutable_create_invite()->set_role(v1::ROLE_VOLUNTEER);
      m.mutable_create_invite()->set_team_id(team);
      break;
    case Op::create_team:
      m.mutable_create_team()->set_name("East");
      break;
    case Op::create_area:
      m.mutable_create_area()->set_name("Harbour");
      m.mutable_create_area()->add_geohash_prefixes("gcmz");
      break;
    case Op::set_membership:
      m.mutable_set_membership()->set_volunteer_id(target.volunteer_id());
      m.mutable_set_membership()->set_team_id(w.north);
      m.mutable_set_membership()->set_membership(v1::MEMBERSHIP_MEMBER);
      break;
    case Op::revoke_device:
      m.mutable_revoke_device()->set_device_id(target.device_id());
      break;
    case Op::revoke_volunteer:
      m.mutable_revoke_volunteer()->set_volunteer_id(target.volunteer_id());
      break;
    case Op::list_teams:
      m.mutable_list_teams();
      break;
    case Op::list_areas:
      m.mutable_list_areas();
      break;
    case Op::list_devices:
      m.mutable_list_devices();
      break;
    case Op::list_audit:
      m.mutable_list_audit();
      break;
    case Op::start_patrol: {
      auto* s = m.mutable_start_patrol();
      s->set_client_id("00000000-0000-4000-8000-000000000001");
      s->set_area_id(w.area);
      s->set_started_at_ms(test::kStartMs);
      if (t != Target::own) s->add_member_ids(target.volunteer_id());
      break;
    }
    case Op::check_in: {
      auto* ci = m.mutable_check_in();
      ci->set_client_id("00000000-0000-4000-8000-000000000002");
      ci->set_patrol_id(patrol);
      ci->set_at_ms(test::kStartMs);
      ci->mutable_location()->set_lat(55.6761);
      ci->mutable_location()->set_lon(12.5683);
      ci->set_status(v1::CHECK_IN_STATUS_OK);
      break;
    }
    case Op::end_patrol:
      m.mutable_end_patrol()->set_client_id("00000000-0000-4000-8000-000000000003");
      m.mutable_end_patrol()->set_patrol_id(patrol);
      m.mutable_end_patrol()->set_ended_at_ms(test::kStartMs);
      break;
    case Op::send_patrol_message:
      m.mutable_send_patrol_message()->set_client_id("00000000-0000-4000-8000-000000000014");
      m.mutable_send_patrol_message()->set_patrol_id(patrol);
      m.mutable_send_patrol_message()->set_text("come back to base");
      break;
    case Op::submit_note: {
      auto* n = m.mutable_submit_note();
      n->set_client_id("00000000-0000-4000-8000-000000000004");
      n->set_patrol_id(patrol);
      n->set_at_ms(test::kStartMs);
      n->set_category(v1::NOTE_CATEGORY_CONVERSATION);
      n->set_outcome(v1::NOTE_OUTCOME_ADVICE_GIVEN);
      n->set_age_band(v1::AGE_BAND_12_15);
      n->set_group_size(3);
      break;
    }
    case Op::raise_sos:
      m.mutable_raise_sos()->set_client_id("00000000-0000-4000-8000-000000000005");
      m.mutable_raise_sos()->set_patrol_id(patrol);
      break;
    case Op::acknowledge_alert:
      m.mutable_acknowledge_alert()->set_alert_id(t == Target::other_team ? w.south_alert : w.north_alert);
      break;
    case Op::resolve_alert:
      m.mutable_resolve_alert()->set_client_id("00000000-0000-4000-8000-000000000013");
      m.mutable_resolve_alert()->set_alert_id(t == Target::own          ? w.own_sos
                                              : t == Target::other_team ? w.south_alert
                                                                        : w.north_alert);
      break;
    case Op::list_alerts:
      m.mutable_list_alerts();
      break;
    case Op::sync:
      m.mutable_sync();
      break;
    case Op::list_active_patrols:
      m.mutable_list_active_patrols();
      break;
    case Op::scrub_preview:
      m.mutable_scrub_preview()->set_text("met Jonathan by Castle Street");
      break;
    case Op::create_shift: {
      auto* cs = m.mutable_create_shift();
      cs->set_client_id("00000000-0000-4000-8000-000000000006");
      cs->set_team_id(team);
      cs->set_area_id(w.area);
      cs->set_starts_at_ms(test::kStartMs + 86400 * 1000LL);
      cs->set_ends_at_ms(test::kStartMs + 86400 * 1000LL + 3 * 3600 * 1000LL);
      cs->set_min_volunteers(2);
      cs->set_max_volunteers(4);
      cs->set_title("Night walk");
      break;
    }
    case Op::update_shift:
      m.mutable_update_shift()->set_shift_id(shift);
      m.mutable_update_shift()->set_client_id("00000000-0000-4000-8000-000000000007");
      m.mutable_update_shift()->set_title("Evening walk, harbour");
      break;
    case Op::cancel_shift:
      m.mutable_cancel_shift()->set_shift_id(shift);
      m.mutable_cancel_shift()->set_client_id("00000000-0000-4000-8000-000000000008");
      break;
    case Op::sign_up:
      m.mutable_sign_up()->set_shift_id(shift);
      m.mutable_sign_up()->set_client_id("00000000-0000-4000-8000-000000000009");
      break;
    case Op::withdraw:
      m.mutable_withdraw()->set_shift_id(shift);
      m.mutable_withdraw()->set_client_id("00000000-0000-4000-8000-000000000010");
      break;
    case Op::assign_shift:
      m.mutable_assign_shift()->set_shift_id(shift);
      m.mutable_assign_shift()->set_volunteer_id(target.volunteer_id());
      m.mutable_assign_shift()->set_client_id("00000000-0000-4000-8000-000000000011");
      break;
    case Op::unassign_shift:
      m.mutable_unassign_shift()->set_shift_id(shift);
      m.mutable_unassign_shift()->set_volunteer_id(target.volunteer_id());
      m.mutable_unassign_shift()->set_client_id("00000000-0000-4000-8000-000000000012");
      break;
    case Op::list_shifts: {
      auto* l = m.mutable_list_shifts();
      l->set_from_ms(test::kStartMs);
      l->set_to_ms(test::kStartMs + 30 * 86400 * 1000LL);
      if (t != Target::own) l->set_team_id(team);
      break;
    }
    case Op::get_calendar_feed:
      if (t == Target::own) {
        m.mutable_get_calendar_feed()->set_scope(v1::CALENDAR_SCOPE_MINE);
      } else {
        m.mutable_get_calendar_feed()->set_scope(v1::CALENDAR_SCOPE_TEAM);
        m.mutable_get_calendar_feed()->set_team_id(team);
      }
      break;
    case Op::get_stats:
      m.mutable_get_stats()->set_from_ms(test::kStartMs - 30 * 86400 * 1000LL);
      m.mutable_get_stats()->set_to_ms(test::kStartMs + 30 * 86400 * 1000LL);
      m.mutable_get_stats()->set_period(v1::STATS_PERIOD_MONTH);
      break;
    case Op::export_stats:
      m.mutable_export_stats()->set_from_ms(test::kStartMs - 30 * 86400 * 1000LL);
      m.mutable_export_stats()->set_to_ms(test::kStartMs);
      m.mutable_export_stats()->set_period(v1::STATS_PERIOD_MONTH);
      m.mutable_export_stats()->set_city("Aarhus");
      break;
    case Op::register_push: {
      auto* r = m.mutable_register_push();
      r->set_endpoint("https://push.example.net/send/matrix");
      r->set_p256dh(kMatrixP256dh);
      r->set_auth("BTBZMqHH6r4Tts7J_aSIgg");
      break;
    }
    case Op::unregister_push:
      m.mutable_unregister_push();
      break;
    case Op::revoke_calendar_feed: {
      auto feed = w.feed_of.find(target.volunteer_id());
      m.mutable_revoke_calendar_feed()->set_feed_id(feed == w.feed_of.end() ? "cal_none" : feed->second);
      break;
    }
  }
  return m;
}

}  // namespace

TEST_CASE("authorization matrix: every request x caller x target") {
  // Build the world once, then give every cell its own copy of the database.
  test::TempDir keep;
  const auto template_db = keep.file("world.db");
  World world;
  {
    test::AppFixture builder;
    world = build_world(builder);
    builder.db().stop();  // checkpoint into the main file
    std::filesystem::copy_file(builder.config().db, template_db);
  }

  int cells = 0;
  int denials = 0;
  for (const auto& row : kMatrix) {
    for (int c = 0; c < 5; ++c) {
      for (int t = 0; t < 3; ++t) {
        const auto caller = static_cast<Caller>(c);
        const auto target = static_cast<Target>(t);
        const auto expect = row.expect[c][t];
        const std::string cell =
            std::string(row.name) + " by " + caller_name(caller) + " on " + target_name(target);
        CAPTURE(cell);
        test::AppFixture app(template_db);
        auto user = caller_user(world, caller);
        const auto before = app.fingerprint();
        auto reply = app.call(user.session, request(row.op, world, caller, target));
        ++cells;
        CHECK(reply.request_id() == 77);
        if (expect == Expect::ok) {
          CHECK_FALSE(reply.has_error());
        } else {
          ++denials;
          REQUIRE(reply.has_error());
          CHECK(reply.error().code() == error_code(expect));
          CHECK(app.fingerprint() == before);
          CHECK(app.hub().closed().empty());
        }
      }
    }
  }
  MESSAGE("authorization matrix: " << cells << " cells, " << denials << " denials");
  CHECK(cells == static_cast<int>(std::size(kMatrix)) * 15);
}

TEST_CASE("every request type in the protocol has a row in the authorization matrix") {
  std::set<std::string> covered;
  for (const auto& row : kMatrix) covered.insert(row.name);
  const auto* oneof = v1::ClientMessage::descriptor()->FindOneofByName("body");
  REQUIRE(oneof != nullptr);
  for (int i = 0; i < oneof->field_count(); ++i) {
    const auto* type = oneof->field(i)->message_type();
    CAPTURE(type->name());
    CHECK(covered.count(type->name()) == 1);
  }
}
