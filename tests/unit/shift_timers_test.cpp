// The shift timers (understaffing alerts, reminders) on the fake clock, patrols started
// from a shift, and leads on duty through a shift.
#include <doctest/doctest.h>

#include "support/programme.hpp"

using namespace gadehold;
using test::Programme;
using test::User;
using test::uuid;

namespace {

constexpr auto kHour = Programme::kHour;
constexpr auto kDay = Programme::kDay;

std::vector<std::pair<v1::Event, app::Audience>> of_kind(Programme& p, std::size_t from,
                                                         v1::Event::KindCase kind) {
  std::vector<std::pair<v1::Event, app::Audience>> out;
  for (auto& entry : p.published_since(from)) {
    if (entry.first.kind_case() == kind) out.push_back(entry);
  }
  return out;
}

}  // namespace

TEST_CASE("understaffing: one alert to the leads when the window opens, closed once staffed") {
  Programme p;
  p.app.config().understaffed_window_h = 48;
  const auto shift = p.shift(1, 72 * kHour, 4 * kHour, 2, 4);
  REQUIRE(p.sign_up(p.walker, shift).has_ack());
  auto mark = p.app.hub().published().size();
  p.app.tick();
  CHECK(of_kind(p, mark, v1::Event::kAlertRaised).empty());  // 72 h ahead: not yet

  p.app.clock().advance_ms(24 * kHour + 1000);  // 47 h 59 min 59 s before the start
  p.app.restart();                              // the timer lives in the database
  mark = p.app.hub().published().size();
  p.app.tick();
  auto raised = of_kind(p, mark, v1::Event::kAlertRaised);
  REQUIRE(raised.size() == 1);
  const auto& alert = raised[0].first.alert_raised();
  CHECK(alert.kind() == v1::ALERT_KIND_UNDERSTAFFED);
  CHECK(alert.shift_id() == shift);
  CHECK(alert.team_id() == p.north);
  CHECK(alert.message() == "1 of at least 2 volunteers signed up");
  // The same in values, for apps that write the sentence in their own language.
  CHECK(alert.params().at("signed_up") == "1");
  CHECK(alert.params().at("min_volunteers") == "2");
  CHECK(alert.params().at("starts_at_ms") == std::to_string(p.find_shift(p.lead, shift).starts_at_ms()));
  CHECK(raised[0].second.includes(*p.lead.session.principal));
  CHECK_FALSE(raised[0].second.includes(*p.walker.session.principal));
  CHECK_FALSE(raised[0].second.includes(*p.south_lead.session.principal));

  // Once: later ticks raise nothing new.
  p.app.clock().advance_ms(kHour);
  mark = p.app.hub().published().size();
  p.app.tick();
  CHECK(of_kind(p, mark, v1::Event::kAlertRaised).empty());

  // Reaching the minimum closes it for everyone.
  mark = p.app.hub().published().size();
  REQUIRE(p.sign_up(p.partner, shift).has_ack());
  auto closed = of_kind(p, mark, v1::Event::kAlertAcknowledged);
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].first.alert_acknowledged().alert_id() == alert.alert_id());
  CHECK(closed[0].first.alert_acknowledged().note() == "the shift is staffed");
  CHECK(p.count("SELECT COUNT(*) FROM alerts WHERE resolved_at_ms IS NULL AND kind = 3") == 0);
}

TEST_CASE("understaffing: a shift that loses volunteers inside the window is alerted then") {
  Programme p;
  const auto shift = p.shift(1, 30 * kHour, 4 * kHour, 1, 4);
  REQUIRE(p.sign_up(p.walker, shift).has_ack());
  p.app.tick();
  CHECK(p.count("SELECT COUNT(*) FROM alerts WHERE kind = 3") == 0);
  REQUIRE(p.withdraw(p.walker, shift).has_ack());
  p.app.tick();
  CHECK(p.count("SELECT COUNT(*) FROM alerts WHERE kind = 3") == 1);
  // A cancelled shift's alert closes.
  REQUIRE(p.cancel_shift(p.lead, shift).has_ack());
  CHECK(p.count("SELECT COUNT(*) FROM alerts WHERE kind = 3 AND resolved_at_ms IS NULL") == 0);
}

TEST_CASE("reminders: each signed-up volunteer once, before the start; a moved start reminds again") {
  Programme p;
  p.app.config().shift_reminder_min = 120;
  const auto shift = p.shift(1, kDay, 4 * kHour);
  const auto cancelled = p.shift(2, kDay + 5 * kHour, 2 * kHour);
  REQUIRE(p.sign_up(p.walker, shift).has_ack());
  REQUIRE(p.sign_up(p.partner, shift).has_ack());
  REQUIRE(p.sign_up(p.walker, cancelled).has_ack());
  REQUIRE(p.cancel_shift(p.lead, cancelled).has_ack());

  p.app.clock().advance_ms(kDay - 2 * kHour - 1000);  // 2 h and 1 s before
  auto mark = p.app.hub().published().size();
  p.app.tick();
  CHECK(of_kind(p, mark, v1::Event::kShiftReminder).empty());

  p.app.clock().advance_ms(2000);
  mark = p.app.hub().published().size();
  p.app.tick();
  auto reminders = of_kind(p, mark, v1::Event::kShiftReminder);
  REQUIRE(reminders.size() == 2);
  for (auto& [event, audience] : reminders) {
    CHECK(event.shift_reminder().shift().shift_id() == shift);
    CHECK(audience.kind == app::Audience::Kind::volunteer);
    CHECK_FALSE(audience.includes(*p.lead.session.principal));
  }
  CHECK(reminders[0].second.volunteer_id != reminders[1].second.volunteer_id);
  mark = p.app.hub().published().size();
  p.app.tick();
  CHECK(of_kind(p, mark, v1::Event::kShiftReminder).empty());

  // The lead moves the start three hours later: a fresh reminder before the new start.
  const auto listed = p.find_shift(p.lead, shift);
  REQUIRE(p.update_shift(p.lead, shift, [&](v1::UpdateShift& u) {
             u.set_starts_at_ms(listed.starts_at_ms() + 3 * kHour);
             u.set_ends_at_ms(listed.ends_at_ms() + 3 * kHour);
           }).has_ack());
  p.app.tick();
  mark = p.app.hub().published().size();
  p.app.clock().advance_ms(3 * kHour);
  p.app.tick();
  CHECK(of_kind(p, mark, v1::Event::kShiftReminder).size() == 2);
}

TEST_CASE("StartPatrol with a shift: its area and its signed-up volunteers by default") {
  Programme p;
  const auto shift = p.shift(1, kHour, 4 * kHour);
  REQUIRE(p.sign_up(p.walker, shift).has_ack());
  REQUIRE(p.sign_up(p.partner, shift).has_ack());
  v1::ClientMessage m;
  m.set_request_id(3);
  auto* s = m.mutable_start_patrol();
  s->set_client_id(uuid(50));
  s->set_shift_id(shift);
  s->set_started_at_ms(p.app.clock().now_ms());
  const auto patrol_id = p.app.ok(p.walker, m).ack().id();
  v1::ClientMessage list;
  list.set_request_id(4);
  list.mutable_list_active_patrols();
  const auto patrols = p.app.ok(p.lead, list).active_patrols();
  REQUIRE(patrols.patrols_size() == 1);
  const auto& patrol = patrols.patrols(0);
  CHECK(patrol.patrol_id() == patrol_id);
  CHECK(patrol.shift_id() == shift);
  CHECK(patrol.area_id() == p.area);
  CHECK(patrol.members_size() == 2);

  // Too early for the shift, and a shift of another team.
  s->set_client_id(uuid(51));
  s->set_started_at_ms(p.app.clock().now_ms() - kHour);
  auto early = p.app.call(p.partner.session, m);
  REQUIRE(early.has_error());
  CHECK(early.error().field() == "started_at_ms");
  s->set_client_id(uuid(52));
  s->set_started_at_ms(p.app.clock().now_ms());
  auto foreign = p.app.call(p.south_walker.session, m);
  REQUIRE(foreign.has_error());
  CHECK(foreign.error().code() == v1::ERROR_CODE_NOT_FOUND);
  CHECK(foreign.error().field() == "shift_id");
}

TEST_CASE("a lead signed up to a running shift of another team is on duty for its alerts") {
  Programme p;
  // South's lead also walks with North.
  v1::ClientMessage join;
  join.set_request_id(1);
  join.mutable_set_membership()->set_volunteer_id(p.south_lead.volunteer_id());
  join.mutable_set_membership()->set_team_id(p.north);
  join.mutable_set_membership()->set_membership(v1::MEMBERSHIP_MEMBER);
  p.app.ok(p.coordinator, join);
  const auto shift = p.shift(1, kHour, 4 * kHour);
  REQUIRE(p.sign_up(p.south_lead, shift).has_ack());
  const auto patrol = p.start_patrol(2);

  auto sos = [&](int client) {
    v1::ClientMessage m;
    m.set_request_id(5);
    m.mutable_raise_sos()->set_client_id(uuid(client));
    m.mutable_raise_sos()->set_patrol_id(patrol);
    m.mutable_raise_sos()->mutable_location()->set_lat(55.6761);
    m.mutable_raise_sos()->mutable_location()->set_lon(12.5683);
    return p.app.ok(p.walker, m).ack().id();
  };
  auto guest_copies = [&](std::size_t from) {
    int n = 0;
    for (auto& [event, audience] : of_kind(p, from, v1::Event::kAlertRaised)) {
      if (audience.kind == app::Audience::Kind::volunteer &&
          audience.volunteer_id == p.south_lead.volunteer_id()) {
        ++n;
        CHECK(event.alert_raised().has_location());  // the live copy, like the team's leads get
      }
    }
    return n;
  };
  // Before the shift starts: South's lead is not on duty for North.
  auto mark = p.app.hub().published().size();
  const auto before = sos(10);
  CHECK(guest_copies(mark) == 0);
  v1::ClientMessage ack;
  ack.set_request_id(6);
  ack.mutable_acknowledge_alert()->set_alert_id(before);
  CHECK(p.app.call(p.south_lead.session, ack).error().code() == v1::ERROR_CODE_NOT_FOUND);

  p.app.clock().advance_ms(kHour);
  mark = p.app.hub().published().size();
  const auto during = sos(11);
  CHECK(guest_copies(mark) == 1);
  ack.mutable_acknowledge_alert()->set_alert_id(during);
  CHECK(p.app.call(p.south_lead.session, ack).has_ack());

  p.app.clock().advance_ms(4 * kHour);  // the shift is over
  mark = p.app.hub().published().size();
  sos(12);
  CHECK(guest_copies(mark) == 0);
}

TEST_CASE("understaffing: the alert closes when the shift starts, and follows a moved shift") {
  Programme p;
  const auto shift = p.shift(1, 30 * kHour, 4 * kHour, 2, 4);
  p.app.tick();
  REQUIRE(p.count("SELECT COUNT(*) FROM alerts WHERE kind = 3 AND resolved_at_ms IS NULL") == 1);

  SUBCASE("the shift goes ahead understaffed") {
    REQUIRE(p.sign_up(p.walker, shift).has_ack());
    p.app.clock().advance_ms(30 * kHour);
    const auto mark = p.app.hub().published().size();
    p.app.tick();
    auto closed = of_kind(p, mark, v1::Event::kAlertAcknowledged);
    REQUIRE(closed.size() == 1);
    CHECK(closed[0].first.alert_acknowledged().note() == "the shift started with 1 volunteers");
    CHECK(p.count("SELECT COUNT(*) FROM alerts WHERE resolved_at_ms IS NULL") == 0);
  }
  SUBCASE("the lead moves it a week later: closed now, raised again when the new window opens") {
    const auto t0 = p.find_shift(p.lead, shift);
    REQUIRE(p.update_shift(p.lead, shift, [&](v1::UpdateShift& u) {
               u.set_starts_at_ms(t0.starts_at_ms() + 7 * kDay);
               u.set_ends_at_ms(t0.ends_at_ms() + 7 * kDay);
             }).has_ack());
    CHECK(p.count("SELECT COUNT(*) FROM alerts WHERE kind = 3 AND resolved_at_ms IS NULL") == 0);
    p.app.tick();
    CHECK(p.count("SELECT COUNT(*) FROM alerts WHERE kind = 3") == 1);
    p.app.clock().advance_ms(7 * kDay);
    p.app.tick();
    CHECK(p.count("SELECT COUNT(*) FROM alerts WHERE kind = 3 AND resolved_at_ms IS NULL") == 1);
    CHECK(p.count("SELECT COUNT(*) FROM alerts WHERE kind = 3") == 2);
  }
}

TEST_CASE("a guest lead removed from the team mid-shift is no longer on duty for it") {
  Programme p;
  auto membership = [&](v1::Membership m) {
    v1::ClientMessage msg;
    msg.set_request_id(1);
    msg.mutable_set_membership()->set_volunteer_id(p.south_lead.volunteer_id());
    msg.mutable_set_membership()->set_team_id(p.north);
    msg.mutable_set_membership()->set_membership(m);
    p.app.ok(p.coordinator, msg);
  };
  membership(v1::MEMBERSHIP_MEMBER);
  const auto shift = p.shift(1, kHour, 4 * kHour);
  REQUIRE(p.sign_up(p.south_lead, shift).has_ack());
  p.app.clock().advance_ms(2 * kHour);  // running
  membership(v1::MEMBERSHIP_NONE);      // a started shift keeps its sign-ups
  CHECK(p.find_shift(p.lead, shift).sign_ups_size() == 1);
  const auto patrol = p.start_patrol(2);
  v1::ClientMessage sos;
  sos.set_request_id(5);
  sos.mutable_raise_sos()->set_client_id(uuid(10));
  sos.mutable_raise_sos()->set_patrol_id(patrol);
  const auto mark = p.app.hub().published().size();
  const auto alert = p.app.ok(p.walker, sos).ack().id();
  for (auto& [event, audience] : of_kind(p, mark, v1::Event::kAlertRaised)) {
    CHECK_FALSE(audience.includes(*p.south_lead.session.principal));
  }
  v1::ClientMessage ack;
  ack.set_request_id(6);
  ack.mutable_acknowledge_alert()->set_alert_id(alert);
  CHECK(p.app.call(p.south_lead.session, ack).error().code() == v1::ERROR_CODE_NOT_FOUND);
}
