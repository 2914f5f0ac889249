// The safety loop, through the dispatcher on a real database with a fake clock: an alert
// is open, acknowledged, then resolved; the raiser and the patrol hear who answered; an
// SOS needs no patrol, and its exact position stays in memory while it is open.
#include <doctest/doctest.h>

#include <set>

#include "support/alerts.hpp"

using namespace gadehold;
using namespace gadehold::test;

TEST_CASE("acknowledging an SOS tells its raiser and their partner who is on it; resolving ends it") {
  Programme p;
  const auto patrol = p.start_patrol(1);
  const auto sos = p.app.ok(p.walker, raise_sos(2, patrol)).ack().id();

  auto before = p.app.hub().published().size();
  CHECK_FALSE(p.app.ok(p.lead, acknowledge(sos, "on my way")).ack().duplicate());
  auto acked = published(p, before, v1::Event::kAlertAcknowledged);
  CHECK(reaches(acked, p.walker));
  CHECK(reaches(acked, p.partner));
  CHECK(reaches(acked, p.coordinator));
  CHECK_FALSE(reaches(acked, p.south_lead));
  CHECK_FALSE(reaches(acked, p.south_walker));
  REQUIRE_FALSE(acked.empty());
  const auto& ack = acked.front().first.alert_acknowledged();
  CHECK(ack.acknowledged_by() == p.lead.volunteer_id());
  CHECK(ack.acknowledged_by_handle() == "lead");
  CHECK(ack.note() == "on my way");
  CHECK(ack.alert().state() == v1::ALERT_STATE_ACKNOWLEDGED);
  CHECK(ack.alert().kind() == v1::ALERT_KIND_SOS);
  // The walker's own log has it too, for a phone that was offline.
  bool in_log = false;
  for (const auto& e : p.sync(p.walker))
    in_log |= e.has_alert_acknowledged() && e.alert_acknowledged().alert_id() == sos;
  CHECK(in_log);

  // Acknowledged is still open: a second lead sees who has it and what they said.
  auto open = all_alerts(p, p.coordinator);
  REQUIRE(open.size() == 1);
  CHECK(open[0].alert_id() == sos);
  CHECK(open[0].state() == v1::ALERT_STATE_ACKNOWLEDGED);
  CHECK(open[0].acknowledged_by_handle() == "lead");
  CHECK(open[0].ack_note() == "on my way");
  CHECK(p.app.ok(p.coordinator, acknowledge(sos, "me too")).ack().duplicate());

  // "I am safe": the raiser resolves their own SOS; the partner may not.
  CHECK(p.app.call(p.partner.session, resolve(3, sos)).error().code() == v1::ERROR_CODE_NOT_FOUND);
  before = p.app.hub().published().size();
  CHECK_FALSE(p.app.ok(p.walker, resolve(4, sos, "I am safe")).ack().duplicate());
  CHECK(p.app.ok(p.walker, resolve(4, sos, "I am safe")).ack().duplicate());  // the outbox again
  auto resolved = published(p, before, v1::Event::kAlertResolved);
  CHECK(reaches(resolved, p.lead));
  CHECK(reaches(resolved, p.partner));
  REQUIRE_FALSE(resolved.empty());
  CHECK(resolved.front().first.alert_resolved().resolved_by_handle() == "walker");
  CHECK(resolved.front().first.alert_resolved().alert().state() == v1::ALERT_STATE_RESOLVED);
  // Someone had acknowledged it, so there is no second alert_acknowledged.
  CHECK(published(p, before, v1::Event::kAlertAcknowledged).empty());

  CHECK(all_alerts(p, p.lead).empty());
  auto history = all_alerts(p, p.lead, 1);
  REQUIRE(history.size() == 1);
  CHECK(history[0].state() == v1::ALERT_STATE_RESOLVED);
  CHECK(history[0].resolved_by() == p.walker.volunteer_id());
  CHECK(history[0].resolve_note() == "I am safe");
  CHECK(history[0].acknowledged_by_handle() == "lead");
}

TEST_CASE("a check-in resolves an overdue alert: alert_resolved, and alert_acknowledged for older apps") {
  Programme p;
  const auto patrol = p.start_patrol(1, 60);
  p.app.clock().advance_ms(361'000);
  p.app.tick();
  const auto before = p.app.hub().published().size();
  p.app.ok(p.walker, p.check_in(2, patrol));
  auto resolved = published(p, before, v1::Event::kAlertResolved);
  auto acked = published(p, before, v1::Event::kAlertAcknowledged);
  REQUIRE_FALSE(resolved.empty());
  REQUIRE_FALSE(acked.empty());
  CHECK(resolved.front().first.alert_resolved().resolved_by().empty());  // the server
  CHECK(resolved.front().first.alert_resolved().note() == "the patrol checked in");
  CHECK(reaches(resolved, p.lead));
  CHECK(reaches(resolved, p.partner));
  CHECK(acked.front().first.alert_acknowledged().alert_id() ==
        resolved.front().first.alert_resolved().alert_id());
  CHECK(all_alerts(p, p.lead).empty());
}

TEST_CASE("acknowledged and resolved survive a restart, and nothing is raised again") {
  Programme p;
  const auto patrol = p.start_patrol(1, 60);
  p.app.clock().advance_ms(361'000);
  p.app.tick();
  auto open = all_alerts(p, p.lead);
  REQUIRE(open.size() == 1);
  p.app.ok(p.lead, acknowledge(open[0].alert_id(), "called them"));
  p.app.restart();
  const auto before = p.app.hub().published().size();
  p.app.clock().advance_ms(2 * 3'600'000);
  p.app.tick();
  CHECK(published(p, before, v1::Event::kAlertRaised).empty());
  CHECK(p.count("SELECT count(*) FROM alerts") == 1);
  auto again = reminders(p, p.lead);
  REQUIRE(again.size() == 1);
  CHECK(again[0].state() == v1::ALERT_STATE_ACKNOWLEDGED);
  CHECK(again[0].ack_note() == "called them");

  p.app.ok(p.walker, p.check_in(3, patrol));
  p.app.restart();
  CHECK(reminders(p, p.lead).empty());
  CHECK(all_alerts(p, p.lead, 1).at(0).state() == v1::ALERT_STATE_RESOLVED);
}

TEST_CASE("an SOS without a patrol reaches the leads of all the volunteer's teams and the coordinators") {
  Programme p;
  // The walker is in South too.
  v1::ClientMessage join;
  join.set_request_id(5);
  join.mutable_set_membership()->set_volunteer_id(p.walker.volunteer_id());
  join.mutable_set_membership()->set_team_id(p.south);
  join.mutable_set_membership()->set_membership(v1::MEMBERSHIP_MEMBER);
  p.app.ok(p.coordinator, join);
  // Walking home: the patrol has ended.
  const auto patrol = p.start_patrol(1);
  p.app.ok(p.walker, p.end(2, patrol));

  const auto before = p.app.hub().published().size();
  const auto sos = p.app.ok(p.walker, raise_sos(3, "", true)).ack().id();
  auto raised = published(p, before, v1::Event::kAlertRaised);
  CHECK(reaches(raised, p.lead));
  CHECK(reaches(raised, p.south_lead));
  CHECK(reaches(raised, p.coordinator));
  CHECK_FALSE(reaches(raised, p.partner));
  // The coordinator gets one copy, not one per team.
  int to_coordinator = 0;
  for (const auto& e : raised) to_coordinator += e.second.includes(*p.coordinator.session.principal) ? 1 : 0;
  CHECK(to_coordinator == 1);
  REQUIRE_FALSE(raised.empty());
  const auto& alert = raised.front().first.alert_raised();
  CHECK(alert.patrol_id().empty());
  CHECK(alert.team_id() == p.north);  // the team of the walker's latest patrol
  CHECK(alert.cell() == "u3butz");
  REQUIRE(raised.front().first.has_alert_raised());

  // Both teams' leads list it and may acknowledge it; the partner may not.
  CHECK(all_alerts(p, p.south_lead).at(0).alert_id() == sos);
  CHECK(all_alerts(p, p.lead).at(0).alert_id() == sos);
  CHECK(p.app.call(p.partner.session, acknowledge(sos, "")).error().code() ==
        v1::ERROR_CODE_PERMISSION_DENIED);
  const auto acked_before = p.app.hub().published().size();
  p.app.ok(p.south_lead, acknowledge(sos, "calling you now"));
  auto acked = published(p, acked_before, v1::Event::kAlertAcknowledged);
  CHECK(reaches(acked, p.walker));
  CHECK(reaches(acked, p.lead));

  // An SOS naming a patrol that is not the caller's is still an SOS.
  CHECK_FALSE(p.app.call(p.south_walker.session, raise_sos(4, patrol)).has_error());
}

TEST_CASE("a NEED_SUPPORT check-in raises one alert, which the next OK check-in resolves") {
  Programme p;
  const auto patrol = p.start_patrol(1);
  p.app.ok(p.lead, p.start(50));  // alone: an older small-patrol alert
  p.app.clock().advance_ms(1000);
  auto before = p.app.hub().published().size();
  p.app.ok(p.walker, p.check_in(2, patrol, 55.6761, 12.5683, v1::CHECK_IN_STATUS_NEED_SUPPORT));
  auto raised = published(p, before, v1::Event::kAlertRaised);
  REQUIRE(raised.size() == 1);
  const auto alert = raised[0].first.alert_raised();
  CHECK(alert.kind() == v1::ALERT_KIND_NEED_SUPPORT);
  CHECK(alert.raised_by() == p.walker.volunteer_id());
  CHECK(alert.cell() == "u3butz");
  CHECK(alert.area_id() == p.area);
  CHECK(reaches(raised, p.lead));
  CHECK(reaches(raised, p.coordinator));
  // The partner's NEED_SUPPORT as well: still one alert.
  p.app.ok(p.partner, p.check_in(3, patrol, 55.6761, 12.5683, v1::CHECK_IN_STATUS_NEED_SUPPORT));
  CHECK(p.count("SELECT count(*) FROM alerts WHERE kind = 6") == 1);
  // Ahead of an older small-patrol alert of another patrol in the lead's list.
  CHECK(all_alerts(p, p.lead).at(0).kind() == v1::ALERT_KIND_NEED_SUPPORT);

  before = p.app.hub().published().size();
  p.app.ok(p.walker, p.check_in(4, patrol));
  auto resolved = published(p, before, v1::Event::kAlertResolved);
  REQUIRE(resolved.size() >= 1);
  CHECK(resolved[0].first.alert_resolved().alert_id() == alert.alert_id());
  CHECK(reaches(resolved, p.partner));
  CHECK(p.count("SELECT count(*) FROM alerts WHERE kind = 6 AND resolved_at_ms IS NULL") == 0);
}

TEST_CASE(
    "an open SOS's exact position reaches leads who connect or list later, until it is resolved or the "
    "server restarts") {
  Programme p;
  const auto patrol = p.start_patrol(1);
  const auto sos = p.app.ok(p.walker, raise_sos(2, patrol, true)).ack().id();
  // A lead who connects a minute later.
  p.app.clock().advance_ms(60'000);
  const auto later = reminders(p, p.lead);
  REQUIRE(later.size() == 1);
  CHECK(later[0].alert_id() == sos);
  CHECK(later[0].location().lat() == 55.6761234);
  CHECK(later[0].location().lon() == 12.5683456);
  CHECK(all_alerts(p, p.coordinator).at(0).location().lon() == 12.5683456);
  // Not to volunteers (the partner lists it as an alert about their patrol), and never
  // from the log.
  const auto partner_view = all_alerts(p, p.partner);
  REQUIRE(partner_view.size() == 1);
  CHECK_FALSE(partner_view[0].has_location());
  for (const auto& e : p.sync(p.coordinator)) {
    if (e.has_alert_raised()) CHECK_FALSE(e.alert_raised().has_location());
  }
  // Acknowledged is still open: the position stays.
  p.app.ok(p.lead, acknowledge(sos, "coming"));
  CHECK(all_alerts(p, p.lead).at(0).has_location());

  SUBCASE("a restart forgets it; the cell remains") {
    p.app.restart();
    const auto after = all_alerts(p, p.lead);
    REQUIRE(after.size() == 1);
    CHECK_FALSE(after[0].has_location());
    CHECK(after[0].cell() == "u3butz");
  }
  SUBCASE("resolving forgets it") {
    p.app.ok(p.walker, resolve(3, sos, "safe"));
    const auto history = all_alerts(p, p.lead, 1);
    REQUIRE(history.size() == 1);
    CHECK_FALSE(history[0].has_location());
  }
}
