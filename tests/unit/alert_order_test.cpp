// Nothing can crowd out an SOS: the order of ListAlerts and of the reminders after
// Welcome, one open patrol per volunteer, and the routine races that are no failure.
// Through the dispatcher on a real database with a fake clock.
#include <doctest/doctest.h>

#include <set>

#include "server/core/metrics.hpp"
#include "support/alerts.hpp"

using namespace gadehold;
using namespace gadehold::test;

TEST_CASE("one volunteer's 140 StartPatrols open one patrol") {
  Programme p;
  p.app.config().rate_limit_burst = 1000;
  p.app.restart();  // the dispatcher takes the rate limit when it is built
  int started = 0;
  for (int i = 0; i < 140; ++i) {
    auto reply = p.app.call(p.walker.session, p.start(100 + i));
    if (!reply.has_error()) {
      ++started;
      continue;
    }
    CHECK(reply.error().code() == v1::ERROR_CODE_FAILED_PRECONDITION);
    CHECK(reply.error().field() == "patrol_id");
  }
  CHECK(started == 1);
  CHECK(p.count("SELECT count(*) FROM alerts") == 1);  // its small-patrol alert
  // A partner who is on that patrol cannot be taken onto another one either.
  auto with_walker = p.app.call(p.partner.session, p.start(300, {p.walker.volunteer_id()}));
  CHECK(with_walker.error().field() == "member_ids");
}

TEST_CASE("140 one-person patrols going overdue cannot push an SOS out, for the lead or a coordinator") {
  Programme p;
  p.app.config().rate_limit_burst = 5000;
  // The worst case: every small-patrol alert raised (the budget is tested below).
  p.app.config().planning_alerts_per_team_per_min = 1000;
  p.app.restart();
  std::vector<User> walkers;
  for (int i = 0; i < 140; ++i) {
    std::string handle = "w";
    handle += std::to_string(i);
    walkers.push_back(p.app.redeem(p.app.invite(p.lead, v1::ROLE_VOLUNTEER, p.north), handle));
    p.app.ok(walkers.back(), p.start(1000 + i, {}, 60));  // alone: a small-patrol alert each
  }
  // A real SOS in each team, among them.
  const auto north_sos = p.app.ok(p.walker, raise_sos(5, "")).ack().id();
  const auto south_sos = p.app.ok(p.south_walker, raise_sos(6, "")).ack().id();
  p.app.clock().advance_ms(361'000);
  p.app.tick();  // 140 overdue
  p.app.clock().advance_ms(601'000);
  p.app.tick();  // escalated to the coordinators
  CHECK(p.count("SELECT count(*) FROM alerts WHERE kind = 1 AND escalated_at_ms IS NOT NULL") == 140);
  CHECK(p.count("SELECT count(*) FROM alerts WHERE resolved_at_ms IS NULL") == 282);

  auto check_order = [](const std::vector<v1::Alert>& alerts) {
    for (std::size_t i = 1; i < alerts.size(); ++i) {
      CAPTURE(i);
      CHECK(rank(alerts[i - 1].kind()) <= rank(alerts[i].kind()));
    }
  };
  const auto lead_seen = reminders(p, p.lead);
  REQUIRE(lead_seen.size() == 100);
  CHECK(lead_seen[0].alert_id() == north_sos);
  CHECK(lead_seen[1].kind() == v1::ALERT_KIND_OVERDUE);
  check_order(lead_seen);
  const auto coordinator_seen = reminders(p, p.coordinator);
  REQUIRE(coordinator_seen.size() == 100);
  CHECK(std::set<std::string>{coordinator_seen[0].alert_id(), coordinator_seen[1].alert_id()} ==
        std::set<std::string>{north_sos, south_sos});
  check_order(coordinator_seen);
  const auto south_seen = reminders(p, p.south_lead);
  REQUIRE(south_seen.size() == 1);
  CHECK(south_seen[0].alert_id() == south_sos);

  // ListAlerts has them all, in the same order, each once.
  const auto listed = all_alerts(p, p.lead);
  CHECK(listed.size() == 281);
  CHECK(listed.at(0).alert_id() == north_sos);
  check_order(listed);
  std::set<std::string> ids;
  for (const auto& a : listed) ids.insert(a.alert_id());
  CHECK(ids.size() == listed.size());
  CHECK(all_alerts(p, p.coordinator).size() == 282);
}

TEST_CASE("ListAlerts refuses a page token it did not make and a limit over 500") {
  Programme p;
  for (const std::string token : {"x", "0.0.0", "a.b.c.d", "0.0.1.", "9999999999999999999999.0.1.x",
                                  "-1.-1.-1.-1", "2.0.1.x", "0.4.1.x", "0.0.1.alrt;DROP"}) {
    CAPTURE(token);
    v1::ClientMessage m;
    m.set_request_id(7);
    m.mutable_list_alerts()->set_page_token(token);
    auto reply = p.app.call(p.lead.session, m);
    REQUIRE(reply.has_error());
    CHECK(reply.error().code() == v1::ERROR_CODE_INVALID_ARGUMENT);
    CHECK(reply.error().field() == "page_token");
  }
  v1::ClientMessage m;
  m.set_request_id(8);
  m.mutable_list_alerts()->set_limit(501);
  CHECK(p.app.call(p.lead.session, m).error().field() == "limit");
}

TEST_CASE("ending a patrol a partner ended already is a duplicate Ack, not a failure") {
  Programme p;
  const auto patrol = p.start_patrol(1);
  auto end = [&](User& who, int client) { return p.app.call(who.session, p.end(client, patrol)); };
  CHECK_FALSE(end(p.walker, 2).ack().duplicate());
  const auto before = p.app.hub().published().size();
  auto second = end(p.partner, 3);
  REQUIRE(second.has_ack());
  CHECK(second.ack().duplicate());
  CHECK(second.ack().id() == patrol);
  CHECK(p.published_since(before).empty());
  // Not a member: still not found.
  CHECK(end(p.south_walker, 4).error().code() == v1::ERROR_CODE_NOT_FOUND);
}

TEST_CASE(
    "starting and ending patrols alone in a loop raises at most the team's budget of small-patrol alerts") {
  Programme p;
  p.app.config().rate_limit_burst = 1000;
  p.app.restart();  // the dispatcher takes the limits when it is built
  const auto suppressed_before = core::metrics().planning_alerts_suppressed.value();
  auto cycle = [&](int k) {
    const auto patrol = p.app.ok(p.walker, p.start(1000 + 2 * k)).ack().id();
    p.app.ok(p.walker, p.end(1001 + 2 * k, patrol));
  };
  for (int k = 0; k < 30; ++k) cycle(k);
  CHECK(p.count("SELECT count(*) FROM alerts WHERE kind = 4") == 20);  // the budget a minute
  CHECK(core::metrics().planning_alerts_suppressed.value() - suppressed_before == 10);
  // Each ended with its patrol: nothing left open on the leads' board.
  CHECK(p.count("SELECT count(*) FROM alerts WHERE kind = 4 AND resolved_at_ms IS NULL") == 0);
  CHECK(all_alerts(p, p.lead).empty());
  // A minute later the budget is back; an SOS never waits for it.
  CHECK_FALSE(p.app.call(p.walker.session, raise_sos(5000, "")).has_error());
  p.app.clock().advance_ms(60'000);
  cycle(40);
  CHECK(p.count("SELECT count(*) FROM alerts WHERE kind = 4") == 21);
}

TEST_CASE(
    "an SOS pressed again before anyone answers is the same alert; one volunteer's presses cannot bury "
    "another's SOS") {
  Programme p;
  p.app.config().rate_limit_burst = 1000;
  p.app.restart();
  const auto first = p.app.ok(p.partner, raise_sos(1, "")).ack().id();
  std::size_t before = p.app.hub().published().size();
  for (int i = 0; i < 130; ++i) CHECK(p.app.ok(p.partner, raise_sos(2 + i, "", true)).ack().id() == first);
  CHECK(p.count("SELECT count(*) FROM alerts WHERE kind = 2") == 1);
  // Each press reached the leads again, with the position.
  auto again = published(p, before, v1::Event::kAlertRaised);
  REQUIRE_FALSE(again.empty());
  CHECK(again.back().first.alert_raised().alert_id() == first);
  CHECK(reaches(again, p.lead));
  const auto real = p.app.ok(p.walker, raise_sos(500, "")).ack().id();
  const auto seen = reminders(p, p.lead);
  REQUIRE(seen.size() == 2);
  CHECK(std::set<std::string>{seen[0].alert_id(), seen[1].alert_id()} == std::set<std::string>{first, real});
  // Once a lead is on it, a new press is a new SOS.
  p.app.ok(p.lead, acknowledge(first, "calling"));
  const auto second = p.app.ok(p.partner, raise_sos(600, "")).ack().id();
  CHECK(second != first);
  CHECK(p.count("SELECT count(*) FROM alerts WHERE kind = 2") == 3);
}

TEST_CASE("answers to an overdue alert that has not escalated reach the leads, not the coordinators") {
  Programme p;
  const auto patrol = p.start_patrol(1, 60);
  p.app.clock().advance_ms(361'000);
  p.app.tick();
  const auto before = p.app.hub().published().size();
  p.app.ok(p.walker, p.end(2, patrol));
  auto resolved = published(p, before, v1::Event::kAlertResolved);
  REQUIRE_FALSE(resolved.empty());
  CHECK(resolved[0].first.alert_resolved().note() == "the patrol ended");
  CHECK(reaches(resolved, p.lead));
  CHECK(reaches(resolved, p.partner));
  CHECK_FALSE(reaches(resolved, p.coordinator));
}
