// Retention on the fake clock: each data class goes at its limit, purging is idempotent,
// and statistics are the same before and after.
#include <doctest/doctest.h>

#include "support/programme.hpp"

using namespace gadehold;
using test::Programme;
using test::uuid;

namespace {

constexpr auto kDay = Programme::kDay;

std::string stats_bytes(Programme& p, std::int64_t from, std::int64_t to, v1::StatsPeriod period) {
  v1::ClientMessage m;
  m.set_request_id(1);
  m.mutable_get_stats()->set_from_ms(from);
  m.mutable_get_stats()->set_to_ms(to);
  m.mutable_get_stats()->set_period(period);
  auto reply = p.app.ok(p.coordinator, m);
  REQUIRE(reply.stats_report().rows_size() > 0);
  return reply.stats_report().SerializeAsString();
}

}  // namespace

TEST_CASE("retention: each class at its limit, idempotent, and statistics unchanged") {
  Programme p;
  const auto t0 = p.app.clock().now_ms();
  const auto patrol = p.start_patrol(1);
  for (int i = 0; i < 5; ++i) {
    p.app.ok(p.walker, p.check_in(10 + i, patrol, 55.6761, 12.5683,
                                  i % 2 ? v1::CHECK_IN_STATUS_NEED_SUPPORT : v1::CHECK_IN_STATUS_OK));
  }
  p.app.ok(p.partner, p.check_in(20, patrol, 51.5, -0.12));  // outside every area
  p.app.ok(p.walker, p.note(30, patrol, "met the usual group by the station"));
  p.app.ok(p.walker, p.note(31, patrol));
  p.app.invite(p.lead, v1::ROLE_VOLUNTEER, p.north);  // never used: expires in 72 h
  v1::ClientMessage revoke;
  revoke.set_request_id(2);
  revoke.mutable_revoke_device()->set_device_id(p.partner.device_id());
  p.app.ok(p.coordinator, revoke);

  const auto before_month = stats_bytes(p, t0 - 40 * kDay, t0 + 40 * kDay, v1::STATS_PERIOD_MONTH);
  const auto before_week = stats_bytes(p, t0 - 10 * kDay, t0 + 10 * kDay, v1::STATS_PERIOD_WEEK);
  const auto check_ins = p.count("SELECT COUNT(*) FROM check_ins");
  REQUIRE(check_ins == 6);

  // Day 89: nothing is old enough but events (14 days), invites (7) and devices (30).
  p.app.clock().advance_ms(89 * kDay);
  auto first = p.app.purge();
  CHECK(first.note_texts_cleared == 0);
  CHECK(first.check_ins_deleted == 0);
  CHECK(first.events_deleted > 0);
  CHECK(first.invites_deleted >= 1);
  CHECK(first.devices_deleted == 1);
  CHECK(first.audit_entries_deleted == 0);
  CHECK(p.count("SELECT COUNT(*) FROM events") == 0);
  CHECK(p.count("SELECT COUNT(*) FROM invites WHERE used_at_ms IS NULL") == 0);

  // Day 91: note text goes, the structured fields stay.
  p.app.clock().advance_ms(2 * kDay);
  CHECK(p.app.purge().note_texts_cleared == 1);
  CHECK(p.count("SELECT COUNT(*) FROM notes") == 2);
  CHECK(p.count("SELECT COUNT(*) FROM notes WHERE text <> ''") == 0);
  CHECK(p.count("SELECT COUNT(*) FROM notes WHERE text_cleared_at_ms IS NOT NULL") == 1);

  // Day 181: check-ins are deleted; they were counted per day as they arrived.
  p.app.clock().advance_ms(90 * kDay);
  CHECK(p.app.purge().check_ins_deleted == check_ins);
  CHECK(p.count("SELECT COUNT(*) FROM check_ins") == 0);
  CHECK(p.count("SELECT SUM(total) FROM checkin_daily") == check_ins);
  CHECK(p.count("SELECT SUM(need_support) FROM checkin_daily") == 2);
  CHECK(stats_bytes(p, t0 - 40 * kDay, t0 + 40 * kDay, v1::STATS_PERIOD_MONTH) == before_month);
  CHECK(stats_bytes(p, t0 - 10 * kDay, t0 + 10 * kDay, v1::STATS_PERIOD_WEEK) == before_week);

  // Again: nothing left to do.
  CHECK(p.app.purge().total() == 0);

  // Day 366: the audit log's first year goes.
  p.app.clock().advance_ms(185 * kDay);
  CHECK(p.app.purge().audit_entries_deleted > 0);
  CHECK(p.count("SELECT COUNT(*) FROM audit_log") == 0);
  CHECK(stats_bytes(p, t0 - 40 * kDay, t0 + 40 * kDay, v1::STATS_PERIOD_MONTH) == before_month);
}

TEST_CASE("retention limits are configurable per class") {
  Programme p;
  p.app.config().retention_note_text_days = 2;
  const auto patrol = p.start_patrol(1);
  p.app.ok(p.walker, p.note(2, patrol, "short-lived text"));
  p.app.clock().advance_ms(kDay);
  CHECK(p.app.purge().note_texts_cleared == 0);
  p.app.clock().advance_ms(kDay + 1);
  CHECK(p.app.purge().note_texts_cleared == 1);
}

namespace {

// One pass of retention (at most `batch` rows of each class) as a write of its own.
store::PurgeCounts purge_once(Programme& p, std::int64_t batch) {
  store::PurgeCounts counts;
  const auto limits = app::retention_limits(p.app.config());
  const auto now = p.app.clock().now_ms();
  p.app.write([&](store::Connection& conn) { counts = store::purge_batch(conn, limits, now, batch); });
  return counts;
}

}  // namespace

TEST_CASE("check-ins and events go oldest first, in insertion order, without an index on their time") {
  Programme p;
  p.app.config().retention_check_in_days = 10;
  p.app.config().event_retention_days = 10;
  const auto t0 = p.app.clock().now_ms();
  const auto patrol = p.start_patrol(1);
  for (int i = 0; i < 5; ++i) p.app.ok(p.walker, p.check_in(10 + i, patrol));
  const auto events_then = p.count("SELECT COUNT(*) FROM events");
  p.app.clock().advance_ms(5 * kDay);
  for (int i = 0; i < 2; ++i) p.app.ok(p.walker, p.check_in(20 + i, patrol));
  const auto events_later = p.count("SELECT COUNT(*) FROM events") - events_then;
  REQUIRE(events_then >= 5);
  REQUIRE(events_later == 2);

  // Migration 0008: retention reads the tables in the order rows were appended.
  CHECK(p.count("SELECT COUNT(*) FROM sqlite_schema WHERE name IN ('check_ins_time', 'events_at')") == 0);

  // Day 10: the first five check-ins are past their period, two at a time.
  p.app.clock().advance_ms(5 * kDay + 1);
  auto pass = purge_once(p, 2);
  CHECK(pass.check_ins_deleted == 2);
  CHECK(pass.events_deleted == 2);
  CHECK(p.count("SELECT COUNT(*) FROM check_ins") == 5);
  CHECK(p.count("SELECT COUNT(*) FROM check_ins WHERE received_at_ms = " + std::to_string(t0)) == 3);
  CHECK(p.count("SELECT value FROM server_meta WHERE key = 'events_purged_through'") ==
        p.count("SELECT MIN(seq) FROM events") - 1);

  // A row whose time is later than that of the row appended after it (whose write
  // waited in the queue) ends the oldest run: the pass stops there, and the row after
  // it goes once the earlier-appended one is past its period too.
  p.app.write([&](store::Connection& conn) {
    conn.exec("UPDATE check_ins SET received_at_ms = " + std::to_string(t0 + kDay) +
              " WHERE rowid = (SELECT MIN(rowid) + 1 FROM check_ins)");
  });
  pass = purge_once(p, 100);
  CHECK(pass.check_ins_deleted == 1);
  CHECK(pass.events_deleted == events_then - 2);
  CHECK(p.count("SELECT COUNT(*) FROM check_ins") == 4);
  CHECK(p.count("SELECT COUNT(*) FROM events") == events_later);
  CHECK(purge_once(p, 100).total() == 0);

  p.app.clock().advance_ms(kDay);
  CHECK(purge_once(p, 100).check_ins_deleted == 2);
  CHECK(p.count("SELECT COUNT(*) FROM check_ins WHERE received_at_ms < " + std::to_string(t0 + 5 * kDay)) == 0);

  // The oldest check-in and event left were stamped by a clock that ran a year ahead
  // and was set back since: they neither go nor stop the pass for the rows after them.
  const auto ahead = std::to_string(p.app.clock().now_ms() + 365 * kDay);
  p.app.write([&](store::Connection& conn) {
    conn.exec("UPDATE check_ins SET received_at_ms = " + ahead + " WHERE rowid = (SELECT MIN(rowid) FROM check_ins)");
    conn.exec("UPDATE events SET at_ms = " + ahead + " WHERE seq = (SELECT MIN(seq) FROM events)");
  });

  // Day 15: the rest.
  p.app.clock().advance_ms(4 * kDay);
  const auto rest = p.app.purge();
  CHECK(rest.check_ins_deleted == 1);
  CHECK(rest.events_deleted == events_later - 1);
  CHECK(p.count("SELECT COUNT(*) FROM check_ins WHERE received_at_ms = " + ahead) == 1);
  CHECK(p.count("SELECT COUNT(*) FROM events WHERE at_ms = " + ahead) == 1);
  CHECK(p.count("SELECT COUNT(*) FROM check_ins") + p.count("SELECT COUNT(*) FROM events") == 2);
  CHECK(p.count("SELECT SUM(total) FROM checkin_daily") == 7);
}
