#pragma once
// A small programme on the app fixture: one area; team North with a lead and two
// volunteers ("walker" and "partner"); team South with a lead and a volunteer. With
// request builders for the patrol and shift tests.
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/app_fixture.hpp"
#include "support/ids.hpp"
#include "support/reader.hpp"

namespace gadehold::test {

// A programme with one area, team North (a lead and two volunteers) and team South
// (a lead and a volunteer).
struct Programme {
  AppFixture app;
  User coordinator, lead, walker, partner, south_lead, south_walker;
  std::string north, south, area;

  Programme() {
    coordinator = app.redeem(app.cli_invite(), "coordinator");
    north = app.create_team(coordinator, "North");
    south = app.create_team(coordinator, "South");
    lead = app.redeem(app.invite(coordinator, v1::ROLE_LEAD, north), "lead");
    walker = app.redeem(app.invite(lead, v1::ROLE_VOLUNTEER, north), "walker");
    partner = app.redeem(app.invite(lead, v1::ROLE_VOLUNTEER, north), "partner");
    south_lead = app.redeem(app.invite(coordinator, v1::ROLE_LEAD, south), "south-lead");
    south_walker = app.redeem(app.invite(south_lead, v1::ROLE_VOLUNTEER, south), "south-walker");
    v1::ClientMessage m;
    m.set_request_id(1);
    m.mutable_create_area()->set_name("Centre");
    m.mutable_create_area()->add_geohash_prefixes("u3bu");
    area = app.ok(coordinator, m).ack().id();
  }

  v1::ClientMessage start(int client, std::vector<std::string> members = {}, std::uint32_t interval = 600) {
    v1::ClientMessage m;
    m.set_request_id(10);
    auto* s = m.mutable_start_patrol();
    s->set_client_id(uuid(client));
    s->set_area_id(area);
    s->set_checkin_interval_s(interval);
    s->set_started_at_ms(app.clock().now_ms());
    for (auto& id : members) s->add_member_ids(id);
    return m;
  }

  std::string start_patrol(int client, std::uint32_t interval = 600) {
    return app.ok(walker, start(client, {partner.volunteer_id()}, interval)).ack().id();
  }

  v1::ClientMessage check_in(int client, const std::string& patrol, double lat = 55.6761,
                             double lon = 12.5683, v1::CheckInStatus status = v1::CHECK_IN_STATUS_OK) {
    v1::ClientMessage m;
    m.set_request_id(11);
    auto* c = m.mutable_check_in();
    c->set_client_id(uuid(client));
    c->set_patrol_id(patrol);
    c->set_at_ms(app.clock().now_ms());
    c->mutable_location()->set_lat(lat);
    c->mutable_location()->set_lon(lon);
    c->set_status(status);
    return m;
  }

  v1::ClientMessage note(int client, const std::string& patrol, const std::string& text = {}) {
    v1::ClientMessage m;
    m.set_request_id(13);
    auto* n = m.mutable_submit_note();
    n->set_client_id(uuid(client));
    n->set_patrol_id(patrol);
    n->set_at_ms(app.clock().now_ms());
    n->set_category(v1::NOTE_CATEGORY_CONVERSATION);
    n->set_outcome(v1::NOTE_OUTCOME_ADVICE_GIVEN);
    n->set_age_band(v1::AGE_BAND_16_17);
    n->set_group_size(4);
    n->set_text(text);
    return m;
  }

  v1::ClientMessage end(int client, const std::string& patrol) {
    v1::ClientMessage m;
    m.set_request_id(14);
    m.mutable_end_patrol()->set_client_id(uuid(client));
    m.mutable_end_patrol()->set_patrol_id(patrol);
    m.mutable_end_patrol()->set_ended_at_ms(app.clock().now_ms());
    return m;
  }

  std::int64_t count(std::string_view sql) {
    auto reader = test::open_reader(app.db().path());
    return reader->query_int(sql);
  }

  std::vector<v1::Event> sync(User& user, std::uint64_t since = 0) {
    v1::ClientMessage m;
    m.set_request_id(12);
    m.mutable_sync()->set_since_seq(since);
    m.mutable_sync()->set_limit(500);
    auto page = app.ok(user, m).sync_page();
    return {page.events().begin(), page.events().end()};
  }

  // Shifts. Times are relative to the fake clock's now.
  int next_client = 900000;  // client ids for the shift write helpers
  static constexpr std::int64_t kHour = 3600 * 1000;
  static constexpr std::int64_t kDay = 24 * kHour;

  v1::ClientMessage create_shift(int client, const std::string& team, std::int64_t starts_in,
                                 std::int64_t length, unsigned min = 2, unsigned max = 4) {
    v1::ClientMessage m;
    m.set_request_id(20);
    auto* c = m.mutable_create_shift();
    c->set_client_id(uuid(client));
    c->set_team_id(team);
    c->set_area_id(area);
    c->set_starts_at_ms(app.clock().now_ms() + starts_in);
    c->set_ends_at_ms(app.clock().now_ms() + starts_in + length);
    c->set_min_volunteers(min);
    c->set_max_volunteers(max);
    c->set_title("Evening walk");
    return m;
  }

  // A North shift planned by North's lead.
  std::string shift(int client, std::int64_t starts_in, std::int64_t length = 4 * kHour, unsigned min = 2,
                    unsigned max = 4) {
    return app.ok(lead, create_shift(client, north, starts_in, length, min, max)).ack().id();
  }

  v1::ServerMessage sign_up(User& user, const std::string& shift_id) {
    v1::ClientMessage m;
    m.set_request_id(21);
    m.mutable_sign_up()->set_shift_id(shift_id);
    m.mutable_sign_up()->set_client_id(uuid(next_client++));
    return app.call(user.session, m);
  }

  v1::ServerMessage withdraw(User& user, const std::string& shift_id, const std::string& reason = {}) {
    v1::ClientMessage m;
    m.set_request_id(22);
    m.mutable_withdraw()->set_shift_id(shift_id);
    m.mutable_withdraw()->set_reason(reason);
    m.mutable_withdraw()->set_client_id(uuid(next_client++));
    return app.call(user.session, m);
  }

  v1::ServerMessage assign(User& by, const std::string& shift_id, const std::string& volunteer_id,
                           bool assign = true) {
    v1::ClientMessage m;
    m.set_request_id(23);
    if (assign) {
      m.mutable_assign_shift()->set_shift_id(shift_id);
      m.mutable_assign_shift()->set_volunteer_id(volunteer_id);
      m.mutable_assign_shift()->set_client_id(uuid(next_client++));
    } else {
      m.mutable_unassign_shift()->set_shift_id(shift_id);
      m.mutable_unassign_shift()->set_volunteer_id(volunteer_id);
      m.mutable_unassign_shift()->set_client_id(uuid(next_client++));
    }
    return app.call(by.session, m);
  }

  v1::ServerMessage cancel_shift(User& by, const std::string& shift_id, const std::string& reason = {}) {
    v1::ClientMessage m;
    m.set_request_id(25);
    m.mutable_cancel_shift()->set_shift_id(shift_id);
    m.mutable_cancel_shift()->set_reason(reason);
    m.mutable_cancel_shift()->set_client_id(uuid(next_client++));
    return app.call(by.session, m);
  }

  // UpdateShift with the fields `set` fills in.
  template <class Set>
  v1::ServerMessage update_shift(User& by, const std::string& shift_id, Set set) {
    v1::ClientMessage m;
    m.set_request_id(26);
    m.mutable_update_shift()->set_shift_id(shift_id);
    m.mutable_update_shift()->set_client_id(uuid(next_client++));
    set(*m.mutable_update_shift());
    return app.call(by.session, m);
  }

  std::vector<v1::Shift> list_shifts(User& user, const std::string& team_id = {}, bool only_mine = false) {
    v1::ClientMessage m;
    m.set_request_id(24);
    auto* l = m.mutable_list_shifts();
    l->set_from_ms(app.clock().now_ms() - 10 * kDay);
    l->set_to_ms(app.clock().now_ms() + 90 * kDay);
    l->set_team_id(team_id);
    l->set_only_mine(only_mine);
    auto list = app.ok(user, m).shift_list();
    return {list.shifts().begin(), list.shifts().end()};
  }

  v1::Shift find_shift(User& user, const std::string& shift_id) {
    for (auto& s : list_shifts(user)) {
      if (s.shift_id() == shift_id) return s;
    }
    throw std::runtime_error("shift not listed");
  }

  std::vector<std::pair<v1::Event, app::Audience>> published_since(std::size_t from) {
    auto all = app.hub().published();
    return {all.begin() + static_cast<long>(from), all.end()};
  }
};

}  // namespace gadehold::test
