// Patrols, idempotent writes, coarsening, notes, alerts and sync, through the
// dispatcher on a real database with a fake clock.
#include <doctest/doctest.h>

#include <cstring>
#include <fstream>
#include <iterator>

#include "server/app/patrols/patrols.hpp"
#include "server/store/patrols.hpp"
#include "support/programme.hpp"
#include "support/reader.hpp"

using namespace gadehold;
using test::AppFixture;
using test::Programme;
using test::User;
using test::uuid;

namespace {

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("the same write twice is one row and a duplicate ack with the same id") {
  Programme p;
  const auto patrol = p.start_patrol(1);
  auto first = p.app.ok(p.walker, p.check_in(2, patrol)).ack();
  auto again = p.app.ok(p.walker, p.check_in(2, patrol)).ack();
  CHECK_FALSE(first.duplicate());
  CHECK(again.duplicate());
  CHECK(again.id() == first.id());
  CHECK(p.count("SELECT count(*) FROM check_ins") == 1);

  SUBCASE("other content under the same client_id is a conflict") {
    auto other = p.check_in(2, patrol, 55.7, 12.6);
    auto reply = p.app.call(p.walker.session, other);
    CHECK(reply.error().code() == v1::ERROR_CODE_CONFLICT);
    CHECK(reply.error().field() == "client_id");
    CHECK(p.count("SELECT count(*) FROM check_ins") == 1);
  }
  SUBCASE("the key is per volunteer: the partner may reuse the uuid") {
    CHECK_FALSE(p.app.ok(p.partner, p.check_in(2, patrol)).ack().duplicate());
    CHECK(p.count("SELECT count(*) FROM check_ins") == 2);
  }
  SUBCASE("a client_id that is not a UUID is refused") {
    auto bad = p.check_in(3, patrol);
    bad.mutable_check_in()->set_client_id("42");
    CHECK(p.app.call(p.walker.session, bad).error().field() == "client_id");
  }
}

TEST_CASE("an Ack is sent only after the commit that holds the write") {
  Programme p;
  const auto patrol = p.start_patrol(1);
  std::promise<void> release;
  auto released = release.get_future().share();
  std::atomic<bool> in_commit{false};
  p.app.db().writer().set_before_commit_hook([&] {
    in_commit = true;
    released.wait();
  });
  std::promise<app::Outcome> reply;
  auto future = reply.get_future();
  p.app.dispatcher().dispatch(p.walker.session, p.check_in(2, patrol).SerializeAsString(),
                              [&](app::Outcome o) { reply.set_value(std::move(o)); });
  while (!in_commit) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  CHECK(future.wait_for(std::chrono::milliseconds(300)) == std::future_status::timeout);
  {
    // Not yet visible to readers either: the transaction is still open.
    auto reader = test::open_reader(p.app.db().path());
    CHECK(reader->query_int("SELECT count(*) FROM check_ins") == 0);
  }
  release.set_value();
  REQUIRE(future.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  CHECK(future.get().reply.has_ack());
  p.app.db().writer().set_before_commit_hook({});
  CHECK(p.count("SELECT count(*) FROM check_ins") == 1);
}

TEST_CASE("client timestamps are bounded to 30 days back and 24 hours ahead") {
  Programme p;
  const auto patrol = p.start_patrol(1);
  const auto now = p.app.clock().now_ms();
  auto at = [&](std::int64_t t, int client) {
    auto m = p.check_in(client, patrol);
    m.mutable_check_in()->set_at_ms(t);
    return p.app.call(p.walker.session, m);
  };
  CHECK(at(now + 24LL * 3600 * 1000 + 1, 2).error().field() == "at_ms");
  CHECK(at(now - 30LL * 86400 * 1000 - 1, 3).error().field() == "at_ms");
  CHECK(at(4102444800000, 4).error().code() == v1::ERROR_CODE_INVALID_ARGUMENT);  // 2100
  CHECK(at(now + 23LL * 3600 * 1000, 5).has_ack());
  CHECK(at(now - 29LL * 86400 * 1000, 6).has_ack());
  auto start = p.start(7);
  start.mutable_start_patrol()->set_started_at_ms(0);
  CHECK(p.app.call(p.walker.session, start).error().field() == "started_at_ms");
}

TEST_CASE("locations are stored as a geohash cell only, never as the numbers sent") {
  Programme p;
  const auto patrol = p.start_patrol(1);
  const double lat = 55.676098765, lon = 12.568312345;
  auto ack = p.app.ok(p.walker, p.check_in(2, patrol, lat, lon)).ack();
  auto events = p.sync(p.lead);
  REQUIRE_FALSE(events.empty());
  CHECK(events.back().check_in_recorded().cell() == "u3butz");
  CHECK(events.back().check_in_recorded().area_id() == p.area);
  // Out of range and not-a-number positions are refused on "location".
  CHECK(p.app.call(p.walker.session, p.check_in(3, patrol, 91, 0)).error().field() == "location");
  CHECK(p.app.call(p.walker.session, p.check_in(4, patrol, std::nan(""), 0)).error().field() == "location");
  auto outside = p.app.ok(p.walker, p.check_in(5, patrol, 53.4084, -2.9916));  // Liverpool: no area
  CHECK(outside.has_ack());
  {
    auto reader = test::open_reader(p.app.db().path());
    store::Statement st(*reader, "SELECT cell, area_id IS NULL FROM check_ins ORDER BY received_at_ms, id");
    int rows = 0;
    while (st.step()) ++rows;
    CHECK(rows == 2);
  }
  p.app.db().stop();
  const auto bytes = file_bytes(p.app.config().db) + file_bytes(p.app.config().db + "-wal");
  for (const char* digits : {"55.676", "676098765", "12.568", "568312345", "53.408", "2.9916"}) {
    CAPTURE(digits);
    CHECK(bytes.find(digits) == std::string::npos);
  }
  for (double d : {lat, lon}) {
    char raw[8];
    std::memcpy(raw, &d, 8);
    CHECK(bytes.find(std::string(raw, 8)) == std::string::npos);
  }
  CHECK(bytes.find("u3butz") != std::string::npos);  // the search does find what is stored
}

TEST_CASE("a check-in without a position is stored: no cell, the patrol's area, the last cell kept") {
  // A phone in a basement with no fix, or a volunteer who did not allow location, must
  // still be able to check in before the patrol goes overdue.
  Programme p;
  const auto patrol = p.start_patrol(1);
  p.app.ok(p.walker, p.check_in(2, patrol, 55.676098765, 12.568312345));
  auto blind = p.check_in(3, patrol);
  blind.mutable_check_in()->clear_location();
  CHECK(p.app.ok(p.walker, blind).has_ack());
  auto events = p.sync(p.lead);
  REQUIRE_FALSE(events.empty());
  CHECK(events.back().check_in_recorded().cell().empty());
  CHECK(events.back().check_in_recorded().area_id() == p.area);
  CHECK(p.count("SELECT count(*) FROM check_ins WHERE cell = '' OR cell IS NULL") == 1);
  CHECK(p.count("SELECT count(*) FROM patrols WHERE last_cell = 'u3butz'") == 1);
  // The same write again is a duplicate, not a conflict: the missing position is content too.
  CHECK(p.app.ok(p.walker, blind).ack().duplicate());
}

TEST_CASE("note text is scrubbed before it is stored and the ack reports what went") {
  Programme p;
  const auto patrol = p.start_patrol(1);
  v1::ClientMessage m;
  m.set_request_id(5);
  auto* n = m.mutable_submit_note();
  n->set_client_id(uuid(9));
  n->set_patrol_id(patrol);
  n->set_at_ms(p.app.clock().now_ms());
  n->set_category(v1::NOTE_CATEGORY_WELFARE_CONCERN);
  n->set_outcome(v1::NOTE_OUTCOME_REFERRED);
  n->set_age_band(v1::AGE_BAND_12_15);
  n->set_group_size(2);
  n->set_text("girl called Freja, ring 07700 900123; Robert'); DROP TABLE notes;--");
  auto ack = p.app.ok(p.walker, m).ack();
  // "Robert" is a given name on its own too, wherever it stands.
  CHECK(ack.scrub_report().name() == 2);
  CHECK(ack.scrub_report().phone() == 1);
  auto reader = test::open_reader(p.app.db().path());
  store::Statement st(*reader, "SELECT text FROM notes");
  REQUIRE(st.step());
  CHECK(st.column_text(0) == "girl called [NAME], ring [PHONE]; [NAME]'); DROP TABLE notes;--");

  SUBCASE("fields are validated") {
    auto bad = m;
    bad.mutable_submit_note()->set_client_id(uuid(10));
    bad.mutable_submit_note()->set_group_size(51);
    CHECK(p.app.call(p.walker.session, bad).error().field() == "group_size");
    bad.mutable_submit_note()->set_group_size(3);
    bad.mutable_submit_note()->set_category(static_cast<v1::NoteCategory>(42));
    CHECK(p.app.call(p.walker.session, bad).error().field() == "category");
    bad.mutable_submit_note()->set_category(v1::NOTE_CATEGORY_OTHER);
    bad.mutable_submit_note()->set_text(std::string(2001, 'x'));
    CHECK(p.app.call(p.walker.session, bad).error().field() == "text");
  }
}

TEST_CASE("a patrol that misses its interval raises OVERDUE to the leads, then escalates") {
  Programme p;
  p.app.config().check_in_due_notice_s = 0;  // counted by tick(); see check_in_due_test.cpp
  const auto patrol = p.start_patrol(1, 60);
  const auto before = p.app.hub().published().size();
  p.app.clock().advance_ms(60'000 + 300'000 - 1);  // interval plus grace, not quite
  CHECK(p.app.tick() == 0);
  p.app.clock().advance_ms(2);
  CHECK(p.app.tick() == 1);
  auto raised = p.published_since(before);
  REQUIRE(raised.size() == 1);
  CHECK(raised[0].first.alert_raised().kind() == v1::ALERT_KIND_OVERDUE);
  CHECK(raised[0].first.alert_raised().patrol_id() == patrol);
  CHECK(raised[0].second.kind == app::Audience::Kind::leads_only);
  CHECK(raised[0].second.team_id == p.north);
  CHECK(raised[0].second.includes(*p.lead.session.principal));
  CHECK_FALSE(raised[0].second.includes(*p.coordinator.session.principal));  // not before escalation
  CHECK_FALSE(raised[0].second.includes(*p.walker.session.principal));
  CHECK(p.app.tick() == 0);  // raised once

  p.app.clock().advance_ms(600'000);
  CHECK(p.app.tick() == 1);
  auto escalated = p.published_since(before + 1);
  REQUIRE(escalated.size() == 1);
  CHECK(escalated[0].first.alert_raised().escalated());
  CHECK(escalated[0].second.kind == app::Audience::Kind::coordinators);

  SUBCASE("a check-in resolves the overdue alert") {
    p.app.ok(p.walker, p.check_in(3, patrol));
    CHECK(p.count("SELECT count(*) FROM alerts WHERE kind = 1 AND resolved_at_ms IS NULL") == 0);
  }
}

TEST_CASE("a check-in records the patrol's last position and restarts its check-in timer") {
  Programme p;
  p.app.config().check_in_due_notice_s = 0;   // counted by tick(); see check_in_due_test.cpp
  const auto patrol = p.start_patrol(1, 60);  // overdue 60 s + 300 s grace after the last sign of life
  p.app.clock().advance_ms(300'000);
  const auto checked_in_at = p.app.clock().now_ms();
  p.app.ok(p.walker, p.check_in(3, patrol, 55.6761, 12.5683, v1::CHECK_IN_STATUS_NEED_SUPPORT));
  const auto recorded = std::string("SELECT count(*) FROM patrols WHERE id = '")
                            .append(patrol)
                            .append("' AND last_check_in_ms = ")
                            .append(std::to_string(checked_in_at))
                            .append(" AND last_activity_ms = last_check_in_ms AND last_status = 2")
                            .append(" AND last_cell IS NOT NULL AND due_at_ms = ")
                            .append(std::to_string(checked_in_at + 360'000));
  CHECK(p.count(recorded.c_str()) == 1);
  p.app.clock().advance_ms(360'000 - 1);  // 660 s after the start, not yet 360 s after the check-in
  CHECK(p.app.tick() == 0);
  p.app.clock().advance_ms(2);
  CHECK(p.app.tick() == 1);
}

namespace {

std::string overdue_alert_of(Programme& p) {
  std::string alert_id;
  for (const auto& e : p.sync(p.lead)) {
    if (e.has_alert_raised() && e.alert_raised().kind() == v1::ALERT_KIND_OVERDUE)
      alert_id = e.alert_raised().alert_id();
  }
  return alert_id;
}

std::int64_t auto_closed(Programme& p) {
  return p.count("SELECT count(*) FROM patrols WHERE auto_closed = 1");
}

// Open patrols whose timer lies more than 3 hours past their last activity: more than
// an interval and a grace can set, so only an acknowledged overdue alert moved it.
std::int64_t timers_moved(Programme& p) {
  return p.count(
      "SELECT count(*) FROM patrols WHERE ended_at_ms IS NULL AND due_at_ms > last_activity_ms + 10800000");
}

}  // namespace

TEST_CASE(
    "an acknowledged overdue alert neither escalates nor repeats; resolving it watches the patrol afresh") {
  Programme p;
  p.start_patrol(1, 60);
  p.app.clock().advance_ms(361'000);
  p.app.tick();
  const auto alert_id = overdue_alert_of(p);
  REQUIRE_FALSE(alert_id.empty());
  v1::ClientMessage ack;
  ack.set_request_id(3);
  ack.mutable_acknowledge_alert()->set_alert_id(alert_id);
  ack.mutable_acknowledge_alert()->set_note("rang them, all fine");
  CHECK_FALSE(p.app.ok(p.lead, ack).ack().duplicate());
  CHECK(p.app.ok(p.coordinator, ack).ack().duplicate());  // someone is on it already
  auto before = p.app.hub().published().size();
  p.app.clock().advance_ms(3'600'000);
  p.app.tick();
  // No escalation, and no new alarm for the silent patrol while a lead is on it.
  CHECK(p.published_since(before).empty());
  CHECK(p.count("SELECT count(*) FROM alerts WHERE kind = 1") == 1);

  // The lead resolves it: the patrol is watched afresh, and a new alarm follows one
  // interval plus grace later if it stays silent.
  v1::ClientMessage resolve;
  resolve.set_request_id(4);
  resolve.mutable_resolve_alert()->set_client_id(uuid(40));
  resolve.mutable_resolve_alert()->set_alert_id(alert_id);
  CHECK_FALSE(p.app.ok(p.lead, resolve).ack().duplicate());
  before = p.app.hub().published().size();
  p.app.clock().advance_ms(361'000);
  p.app.tick();
  auto after = p.published_since(before);
  REQUIRE(after.size() == 1);
  CHECK(after[0].first.alert_raised().alert_id() != alert_id);
  CHECK(after[0].first.alert_raised().kind() == v1::ALERT_KIND_OVERDUE);
}

TEST_CASE("a note counts as hearing from the patrol and a membership change reaches live sessions") {
  Programme p;
  p.app.config().check_in_due_notice_s = 0;  // counted by tick(); see check_in_due_test.cpp
  const auto patrol = p.start_patrol(1, 60);
  p.app.clock().advance_ms(300'000);
  p.app.ok(p.walker, p.note(3, patrol));
  p.app.clock().advance_ms(300'000);  // 600 s since the start, 300 s since the note
  CHECK(p.app.tick() == 0);

  v1::ClientMessage move;
  move.set_request_id(4);
  move.mutable_set_membership()->set_volunteer_id(p.partner.volunteer_id());
  move.mutable_set_membership()->set_team_id(p.north);
  move.mutable_set_membership()->set_membership(v1::MEMBERSHIP_NONE);
  p.app.ok(p.coordinator, move);
  auto updated = p.app.hub().updated();
  REQUIRE(updated.size() == 1);
  CHECK(updated[0] == p.partner.volunteer_id());
  // Off the team, the partner can no longer write to the team's patrol.
  CHECK(p.app.call(p.partner.session, p.check_in(5, patrol)).error().code() == v1::ERROR_CODE_NOT_FOUND);
}

TEST_CASE("SOS reaches the leads and coordinators at once with the exact position, which is not stored") {
  Programme p;
  const auto patrol = p.start_patrol(1);
  const auto before = p.app.hub().published().size();
  v1::ClientMessage sos;
  sos.set_request_id(4);
  sos.mutable_raise_sos()->set_client_id(uuid(5));
  sos.mutable_raise_sos()->set_patrol_id(patrol);
  sos.mutable_raise_sos()->mutable_location()->set_lat(55.6761234);
  sos.mutable_raise_sos()->mutable_location()->set_lon(12.5683456);
  sos.mutable_raise_sos()->set_message("need help now");
  p.app.ok(p.walker, sos);
  auto pushed = p.published_since(before);
  REQUIRE(pushed.size() == 1);
  const auto& alert = pushed[0].first.alert_raised();
  CHECK(alert.kind() == v1::ALERT_KIND_SOS);
  CHECK(alert.location().lat() == 55.6761234);
  CHECK(alert.cell() == "u3butz");
  CHECK(pushed[0].second.kind == app::Audience::Kind::team_leads);
  // The log, and so Sync, carries the cell only.
  auto logged = p.sync(p.coordinator);
  REQUIRE(logged.back().has_alert_raised());
  CHECK_FALSE(logged.back().alert_raised().has_location());
  CHECK(logged.back().alert_raised().cell() == "u3butz");
}

TEST_CASE("open alerts are delivered to a lead on their next connection") {
  Programme p;
  p.start_patrol(1, 60);
  p.app.clock().advance_ms(400'000);
  p.app.tick();
  app::SessionState fresh;
  v1::ClientMessage hello;
  hello.set_request_id(1);
  hello.mutable_hello()->set_protocol_version(1);
  hello.mutable_hello()->set_device_token(p.lead.token);
  auto welcome = p.app.call(fresh, hello);
  REQUIRE(welcome.has_welcome());
  CHECK(welcome.welcome().latest_seq() > 0);
  REQUIRE(p.app.last_followups().size() == 1);
  CHECK(p.app.last_followups()[0].event().alert_raised().kind() == v1::ALERT_KIND_OVERDUE);
  // A volunteer gets the alerts about their own patrol, and no one else's.
  app::SessionState volunteer;
  hello.mutable_hello()->set_device_token(p.walker.token);
  p.app.call(volunteer, hello);
  REQUIRE(p.app.last_followups().size() == 1);
  CHECK(p.app.last_followups()[0].event().alert_raised().kind() == v1::ALERT_KIND_OVERDUE);
  app::SessionState other;
  hello.mutable_hello()->set_device_token(p.south_walker.token);
  p.app.call(other, hello);
  CHECK(p.app.last_followups().empty());
}

TEST_CASE("timers survive a restart: the overdue alert is raised on time after it") {
  Programme p;
  const auto patrol = p.start_patrol(1, 120);
  p.app.restart();
  p.app.clock().advance_ms(120'000 + 300'000 + 1);
  CHECK(p.app.tick() == 1);
  CHECK(p.count("SELECT count(*) FROM alerts WHERE kind = 1") == 1);
}

TEST_CASE("a small patrol warns the leads and a silent one is closed after 12 hours") {
  Programme p;
  auto solo = p.app.ok(p.walker, p.start(1)).ack().id();
  CHECK(p.count("SELECT count(*) FROM alerts WHERE kind = 4") == 1);
  p.app.clock().advance_ms(12LL * 3600 * 1000);
  p.app.tick();
  CHECK(auto_closed(p) == 1);
  CHECK(p.count("SELECT count(*) FROM alerts WHERE kind = 5") == 1);
  auto late = p.app.call(p.walker.session, p.check_in(2, solo));
  CHECK(late.error().code() == v1::ERROR_CODE_FAILED_PRECONDITION);
}

TEST_CASE(
    "a silent patrol with the longest interval and grace is closed on time, found among the open patrols") {
  Programme p;
  p.app.config().overdue_grace_s = core::kMaxOverdueGraceS;
  const auto ended = p.start_patrol(3);  // first: one open patrol at a time
  p.app.ok(p.walker, p.end(4, ended));
  auto patrol = p.start_patrol(1, app::patrols::kMaxCheckInIntervalS);
  p.app.clock().advance_ms(60'000);
  p.app.ok(p.walker, p.check_in(2, patrol));  // heard from now: due 3 hours from now
  p.app.clock().advance_ms(12LL * 3600 * 1000 - 1);
  p.app.tick();
  CHECK(auto_closed(p) == 0);
  CHECK(p.count("SELECT count(*) FROM alerts WHERE kind = 1") == 1);  // overdue long since
  {
    // The watchdog's view: the open patrol alone, not the ended one.
    auto reader = test::open_reader(p.app.db().path());
    const auto timers = store::open_patrol_timers(*reader);
    REQUIRE(timers.size() == 1);
    CHECK(timers[0].id == patrol);
    CHECK(timers[0].overdue_alert_open);
    CHECK(timers[0].last_activity_ms == p.app.clock().now_ms() - 12LL * 3600 * 1000 + 1);
  }
  p.app.clock().advance_ms(1);
  p.app.tick();
  CHECK(auto_closed(p) == 1);

  // The watchdog reads the open patrols through migration 0009's partial index, not
  // every patrol ever started, and no timer index is left for a check-in to move.
  auto reader = test::open_reader(p.app.db().path());
  CHECK(store::open_patrol_timers(*reader).empty());
  store::Statement plan(*reader, std::string("EXPLAIN QUERY PLAN ") + store::kOpenPatrolTimersSql);
  std::string details;
  while (plan.step()) details += plan.column_text(3) + "\n";
  CHECK_MESSAGE(details == "SCAN patrols USING INDEX patrols_open\n", details);
  CHECK(reader->query_int("SELECT count(*) FROM patrols INDEXED BY patrols_open WHERE ended_at_ms IS NULL") ==
        0);
  CHECK(reader->query_int("SELECT count(*) FROM patrols") == 2);
  CHECK(reader->query_int(
            "SELECT count(*) FROM sqlite_schema WHERE name IN ('patrols_due', 'patrols_timer_moved')") == 0);
}

TEST_CASE(
    "a patrol whose overdue alert a lead resolved late is still closed 12 hours after it was last heard") {
  Programme p;
  p.start_patrol(1, 600);  // heard from at its start, due 15 minutes later
  const auto start = p.app.clock().now_ms();
  p.app.clock().advance_ms(16LL * 60 * 1000);
  p.app.tick();
  const auto alert_id = overdue_alert_of(p);
  REQUIRE_FALSE(alert_id.empty());
  // The lead resolves it 11 hours after the patrol was last heard from: the timer
  // restarts from then, far more than 3 hours past the last activity.
  p.app.clock().set_ms(start + 11LL * 3600 * 1000);
  v1::ClientMessage ack;
  ack.set_request_id(3);
  ack.mutable_resolve_alert()->set_client_id(uuid(41));
  ack.mutable_resolve_alert()->set_alert_id(alert_id);
  CHECK_FALSE(p.app.ok(p.lead, ack).ack().duplicate());
  CHECK(timers_moved(p) == 1);
  p.app.clock().set_ms(start + 12LL * 3600 * 1000 - 1);
  p.app.tick();
  CHECK(auto_closed(p) == 0);
  p.app.clock().set_ms(start + 12LL * 3600 * 1000);
  p.app.tick();
  CHECK(auto_closed(p) == 1);

  // A check-in restarts the timer from itself again.
  Programme q;
  auto other = q.start_patrol(1, 600);
  q.app.clock().advance_ms(16LL * 60 * 1000);
  q.app.tick();
  const auto other_alert = overdue_alert_of(q);
  REQUIRE_FALSE(other_alert.empty());
  q.app.clock().advance_ms(4LL * 3600 * 1000);
  ack.mutable_resolve_alert()->set_alert_id(other_alert);
  q.app.ok(q.lead, ack);
  CHECK(timers_moved(q) == 1);
  q.app.ok(q.walker, q.check_in(2, other));
  CHECK(timers_moved(q) == 0);
}

TEST_CASE("Sync pages through the log and asks for a resync outside it") {
  Programme p;
  const auto patrol = p.start_patrol(1);
  for (int i = 0; i < 5; ++i) p.app.ok(p.walker, p.check_in(100 + i, patrol));
  v1::ClientMessage m;
  m.set_request_id(7);
  m.mutable_sync()->set_limit(2);
  std::vector<std::uint64_t> seqs;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = p.app.ok(p.lead, m).sync_page();
    for (const auto& e : page.events()) seqs.push_back(e.seq());
    m.mutable_sync()->set_since_seq(page.next_seq());
    if (!page.more()) break;
  }
  CHECK(seqs.size() == 6);  // started + 5 check-ins, all of North's team events
  CHECK(std::is_sorted(seqs.begin(), seqs.end()));
  CHECK(std::adjacent_find(seqs.begin(), seqs.end()) == seqs.end());

  m.mutable_sync()->set_since_seq(1'000'000);
  CHECK(p.app.call(p.lead.session, m).error().field() == "since_seq");

  p.app.clock().advance_ms(15LL * 86400 * 1000);
  p.app.purge();
  m.mutable_sync()->set_since_seq(0);
  auto resync = p.app.call(p.lead.session, m);
  CHECK(resync.error().code() == v1::ERROR_CODE_FAILED_PRECONDITION);
  CHECK(resync.error().field() == "since_seq");
}

TEST_CASE("visibility: no one receives another team's events, and volunteers never note text") {
  Programme p;
  const auto patrol = p.start_patrol(1);
  p.app.ok(p.walker, p.check_in(2, patrol));
  p.app.ok(p.walker, p.note(3, patrol, "talked about football"));

  CHECK(p.sync(p.south_walker).empty());
  CHECK(p.sync(p.south_lead).empty());
  auto own_team = p.sync(p.partner);
  CHECK(own_team.size() == 2);  // patrol started, check-in
  for (const auto& e : own_team) CHECK_FALSE(e.has_note_recorded());
  auto lead = p.sync(p.lead);
  CHECK(std::any_of(lead.begin(), lead.end(), [](const v1::Event& e) {
    return e.has_note_recorded() && e.note_recorded().text() == "talked about football";
  }));
  CHECK(p.sync(p.coordinator).size() == lead.size());

  v1::ClientMessage list;
  list.set_request_id(4);
  list.mutable_list_active_patrols();
  CHECK(p.app.ok(p.partner, list).active_patrols().patrols_size() == 1);
  CHECK(p.app.ok(p.south_walker, list).active_patrols().patrols_size() == 0);
}
