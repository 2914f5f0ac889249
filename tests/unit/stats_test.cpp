// GetStats: exact counts per area and period from a small programme on a real database.
#include <doctest/doctest.h>

#include "server/app/stats/period_stats.hpp"
#include "support/programme.hpp"

using namespace gadehold;
using test::Programme;
using test::User;
using test::uuid;

namespace {

constexpr auto kHour = Programme::kHour;
constexpr auto kDay = Programme::kDay;

v1::ServerMessage stats(Programme& p, User& user, v1::StatsPeriod period = v1::STATS_PERIOD_MONTH) {
  v1::ClientMessage m;
  m.set_request_id(40);
  m.mutable_get_stats()->set_from_ms(p.app.clock().now_ms() - 40 * kDay);
  m.mutable_get_stats()->set_to_ms(p.app.clock().now_ms() + 40 * kDay);
  m.mutable_get_stats()->set_period(period);
  return p.app.call(user.session, m);
}

// Sums a metric over every row of the report.
double total(const v1::StatsReport& report, const std::string& metric, const std::string& category = "") {
  double sum = 0;
  for (const auto& row : report.rows()) {
    for (const auto& v : row.values()) {
      if (v.metric() == metric && v.category() == category) sum += v.value();
    }
  }
  return sum;
}

}  // namespace

TEST_CASE("periods: ISO weeks start on Monday, months on the 1st, in UTC") {
  // 2027-01-15 (day 20833) was a Friday.
  const std::int64_t friday = 1'800'000'000'000 / 86'400'000;
  CHECK(app::stats::period_start_day(friday, app::stats::Period::week) == friday - 4);
  CHECK(app::stats::period_end_day(friday - 4, app::stats::Period::week) == friday + 3);
  CHECK(app::stats::period_start_day(friday, app::stats::Period::month) == friday - 14);             // 2027-01-01
  CHECK(app::stats::period_end_day(friday - 14, app::stats::Period::month) == friday - 14 + 31);     // 2027-02-01
  const auto dec = app::stats::period_start_day(friday - 20, app::stats::Period::month);             // 2026-12-26
  CHECK(app::stats::period_end_day(dec, app::stats::Period::month) == friday - 14);
  CHECK(app::stats::period_start_day(0, app::stats::Period::week) == -3);                            // Monday 1969-12-29
}

TEST_CASE("GetStats counts patrols, hours, check-ins, notes, alerts and shifts exactly") {
  Programme p;
  // A two-hour patrol of two volunteers with three check-ins, one asking for support,
  // two notes and an SOS.
  const auto patrol = p.start_patrol(1);
  p.app.ok(p.walker, p.check_in(2, patrol));
  p.app.ok(p.walker, p.check_in(3, patrol, 55.6761, 12.5683, v1::CHECK_IN_STATUS_NEED_SUPPORT));
  p.app.ok(p.partner, p.check_in(4, patrol));
  p.app.ok(p.walker, p.note(5, patrol, "talked to a group"));
  auto second = p.note(6, patrol);
  second.mutable_submit_note()->set_category(v1::NOTE_CATEGORY_WELFARE_CONCERN);
  second.mutable_submit_note()->set_outcome(v1::NOTE_OUTCOME_REFERRED);
  p.app.ok(p.partner, second);
  v1::ClientMessage sos;
  sos.set_request_id(7);
  sos.mutable_raise_sos()->set_client_id(uuid(7));
  sos.mutable_raise_sos()->set_patrol_id(patrol);
  p.app.ok(p.walker, sos);
  p.app.clock().advance_ms(2 * kHour);
  v1::ClientMessage end;
  end.set_request_id(8);
  end.mutable_end_patrol()->set_client_id(uuid(8));
  end.mutable_end_patrol()->set_patrol_id(patrol);
  end.mutable_end_patrol()->set_ended_at_ms(p.app.clock().now_ms());
  p.app.ok(p.walker, end);
  // Two shifts next week, one filled; a late withdrawal from the other.
  const auto filled = p.shift(20, 2 * kDay, 4 * kHour, 1, 4);
  const auto thin = p.shift(21, 20 * kHour, 4 * kHour, 2, 4);
  REQUIRE(p.sign_up(p.walker, filled).has_ack());
  REQUIRE(p.sign_up(p.partner, thin).has_ack());
  REQUIRE(p.withdraw(p.partner, thin).has_ack());
  REQUIRE(p.cancel_shift(p.lead, p.shift(22, 3 * kDay)).has_ack());  // cancelled: not planned

  const auto reply = stats(p, p.coordinator);
  REQUIRE(reply.has_stats_report());
  const auto& r = reply.stats_report();
  CHECK(total(r, "patrols") == 1);
  CHECK(total(r, "patrol_hours") == doctest::Approx(2.0));
  CHECK(total(r, "volunteer_hours") == doctest::Approx(4.0));
  CHECK(total(r, "check_ins") == 3);
  CHECK(total(r, "check_ins", "need_support") == 1);
  CHECK(total(r, "notes") == 2);
  CHECK(total(r, "notes_by_category", "conversation") == 1);
  CHECK(total(r, "notes_by_category", "welfare_concern") == 1);
  CHECK(total(r, "notes_by_outcome", "referred") == 1);
  CHECK(total(r, "notes_by_age_band", "16_17") == 2);
  CHECK(total(r, "alerts", "sos") == 1);
  CHECK(total(r, "alerts", "overdue") == 0);
  CHECK(total(r, "shifts_planned") == 2);
  CHECK(total(r, "shifts_filled") == 1);
  CHECK(total(r, "late_withdrawals") == 1);
  CHECK(total(r, "notes_per_10_patrol_hours") == doctest::Approx(10.0));
  // Every row is one area and one calendar month; the patrol's is named.
  bool named = false;
  for (const auto& row : r.rows()) {
    CHECK(row.period_end_ms() > row.period_start_ms());
    if (row.area_id() == p.area) named = row.area_name() == "Centre";
  }
  CHECK(named);

  // A lead sees their own teams only; a volunteer none.
  CHECK(total(stats(p, p.lead).stats_report(), "check_ins") == 3);
  CHECK(total(stats(p, p.south_lead).stats_report(), "check_ins") == 0);
  CHECK(stats(p, p.walker).error().code() == v1::ERROR_CODE_PERMISSION_DENIED);
  // Weeks add up to the same totals.
  CHECK(total(stats(p, p.coordinator, v1::STATS_PERIOD_WEEK).stats_report(), "notes") == 2);
}

TEST_CASE("GetStats refuses bad ranges and periods") {
  Programme p;
  v1::ClientMessage m;
  m.set_request_id(1);
  auto* g = m.mutable_get_stats();
  g->set_from_ms(p.app.clock().now_ms());
  g->set_to_ms(p.app.clock().now_ms() + kDay);
  CHECK(p.app.call(p.coordinator.session, m).error().field() == "period");
  g->set_period(v1::STATS_PERIOD_MONTH);
  g->set_to_ms(p.app.clock().now_ms() + 500 * kDay);
  CHECK(p.app.call(p.coordinator.session, m).error().field() == "to_ms");
  g->set_to_ms(p.app.clock().now_ms() + kDay);
  g->add_area_ids("area_missing");
  CHECK(p.app.call(p.coordinator.session, m).error().code() == v1::ERROR_CODE_NOT_FOUND);
}

TEST_CASE("ExportStats gives coordinators the partner export over the socket, audited") {
  Programme p;
  const auto patrol = p.start_patrol(1);
  for (int i = 0; i < 12; ++i) p.app.ok(p.walker, p.check_in(10 + i, patrol));
  v1::ClientMessage m;
  m.set_request_id(1);
  auto* e = m.mutable_export_stats();
  e->set_from_ms(p.app.clock().now_ms() - 5 * kDay);
  e->set_to_ms(p.app.clock().now_ms() + kDay);
  e->set_period(v1::STATS_PERIOD_MONTH);
  e->set_city("Aarhus");
  const auto reply = p.app.ok(p.coordinator, m);
  REQUIRE(reply.has_stats_export());
  const auto& out = reply.stats_export();
  CHECK(out.content_type() == "text/csv; charset=utf-8");
  CHECK(out.body().rfind("schema_version,city,area,period_start,period_end,metric,category,value,suppressed\n", 0) == 0);
  CHECK(out.body().find(",Centre,") != std::string::npos);
  CHECK(out.body().find("check_ins,,10,false") != std::string::npos);
  CHECK(out.rows() > 0);
  CHECK(p.count("SELECT COUNT(*) FROM audit_log WHERE action = 'stats.export'") == 1);
  e->set_format(v1::EXPORT_FORMAT_JSON);
  CHECK(p.app.ok(p.coordinator, m).stats_export().body().find("\"suppressed\":true") != std::string::npos);
  e->clear_city();
  CHECK(p.app.call(p.coordinator.session, m).error().field() == "city");
  CHECK(p.app.call(p.lead.session, m).error().code() == v1::ERROR_CODE_PERMISSION_DENIED);
}
