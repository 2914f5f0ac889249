// gadehold-stats-bench: GetStats for a year on a year-sized database (about 200,000
// check-ins and 20,000 notes), and the time retention takes to delete half of it. The
// data is written straight into a fresh database built by the real migrations; the
// queries go through the real dispatcher. Figures are also given as ratios to a trivial
// request (ListAreas) measured in the same run. `--quick` uses a tenth of the data.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <random>

#include "server/core/logging.hpp"
#include "server/store/sqlite/transaction.hpp"
#include "support/app_fixture.hpp"

using namespace gadehold;

namespace {

constexpr std::int64_t kHour = 3'600'000;
constexpr std::int64_t kDay = 24 * kHour;

struct Sizes {
  int areas = 12;
  int teams = 4;
  int patrols = 10'000;
  int check_ins_per_patrol = 20;
  int notes_per_patrol = 2;
  int shifts = 2'500;
};

// A year of activity before `end_ms`, written in one transaction.
void populate(const std::string& db_path, const Sizes& n, std::int64_t end_ms) {
  auto conn = store::open_existing(db_path, 5000);
  std::mt19937_64 rng(42);
  auto pick = [&](int k) { return static_cast<int>(rng() % static_cast<unsigned>(k)); };
  store::Transaction tx(conn);
  store::Statement team(conn, "INSERT INTO teams (id, name, created_at_ms) VALUES (?, ?, 0)");
  for (int t = 0; t < n.teams; ++t) {
    team.reset();
    team.bind(1, "team" + std::to_string(t)).bind(2, "Team " + std::to_string(t)).run();
  }
  store::Statement area(conn, "INSERT INTO areas (id, name, created_at_ms) VALUES (?, ?, 0)");
  for (int a = 0; a < n.areas; ++a) {
    area.reset();
    area.bind(1, "area" + std::to_string(a)).bind(2, "Area " + std::to_string(a)).run();
  }
  conn.exec("INSERT INTO volunteers (id, handle, role, created_at_ms) VALUES ('v0', 'walker0', 1, 0), "
            "('v1', 'walker1', 1, 0)");
  store::Statement patrol(conn,
                          "INSERT INTO patrols (id, team_id, area_id, started_by, checkin_interval_s, started_at_ms, "
                          "received_at_ms, last_activity_ms, ended_at_ms, ended_received_ms) "
                          "VALUES (?1, ?2, ?3, 'v0', 1200, ?4, ?4, ?5, ?5, ?5)");
  store::Statement member(conn, "INSERT INTO patrol_members (patrol_id, volunteer_id) VALUES (?, ?)");
  store::Statement check_in(conn,
                            "INSERT INTO check_ins (id, patrol_id, volunteer_id, at_ms, received_at_ms, cell, area_id, "
                            "status) VALUES (?1, ?2, 'v0', ?3, ?3, 'u3buv1', ?4, ?5)");
  store::Statement note(conn,
                        "INSERT INTO notes (id, patrol_id, team_id, volunteer_id, at_ms, received_at_ms, area_id, "
                        "category, outcome, age_band, group_size, text) VALUES (?1, ?2, ?3, 'v0', ?4, ?4, ?5, ?6, ?7, "
                        "?8, 3, 'talked with a group')");
  for (int i = 0; i < n.patrols; ++i) {
    const auto start = end_ms - 365 * kDay + static_cast<std::int64_t>(rng() % (365 * kDay - 4 * kHour));
    const auto id = "p" + std::to_string(i);
    const auto area_id = "area" + std::to_string(pick(n.areas));
    const auto team_id = "team" + std::to_string(pick(n.teams));
    patrol.reset();
    patrol.bind(1, id).bind(2, team_id).bind(3, area_id).bind(4, start).bind(5, start + 3 * kHour).run();
    for (const char* v : {"v0", "v1"}) {
      member.reset();
      member.bind(1, id).bind(2, v).run();
    }
    for (int c = 0; c < n.check_ins_per_patrol; ++c) {
      check_in.reset();
      check_in.bind(1, id + "c" + std::to_string(c)).bind(2, id).bind(3, start + c * 9 * 60'000).bind(4, area_id);
      check_in.bind(5, pick(20) == 0 ? 2 : 1).run();
    }
    for (int k = 0; k < n.notes_per_patrol; ++k) {
      note.reset();
      note.bind(1, id + "n" + std::to_string(k)).bind(2, id).bind(3, team_id).bind(4, start + k * kHour);
      note.bind(5, area_id).bind(6, 1 + pick(9)).bind(7, 1 + pick(4)).bind(8, 1 + pick(6)).run();
    }
  }
  store::Statement shift(conn,
                         "INSERT INTO shifts (id, team_id, area_id, starts_at_ms, ends_at_ms, min_volunteers, "
                         "max_volunteers, title, created_by, created_at_ms, updated_at_ms) "
                         "VALUES (?1, ?2, ?3, ?4, ?4 + 10800000, 2, 4, 'Walk', 'v0', 0, 0)");
  for (int s = 0; s < n.shifts; ++s) {
    shift.reset();
    shift.bind(1, "s" + std::to_string(s)).bind(2, "team" + std::to_string(pick(n.teams)));
    shift.bind(3, "area" + std::to_string(pick(n.areas)));
    shift.bind(4, end_ms - 365 * kDay + static_cast<std::int64_t>(rng() % (365 * kDay))).run();
  }
  // What the check-in handler keeps as it inserts (and migration 0005 backfills).
  conn.exec(
      "INSERT INTO checkin_daily (day, area_id, team_id, total, need_support) "
      "SELECT c.received_at_ms / 86400000, COALESCE(c.area_id, ''), p.team_id, COUNT(*), SUM(c.status = 2) "
      "FROM check_ins c JOIN patrols p ON p.id = c.patrol_id GROUP BY 1, 2, 3");
  tx.commit();
}

template <class F>
std::pair<double, double> time_ms(int runs, F f) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms.back()};
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  core::setup_logging("error");
  Sizes sizes;
  if (quick) {
    sizes.patrols /= 10;
    sizes.shifts /= 10;
  }
  test::TempDir dir;
  const auto db = dir.file("year.db");
  store::create_database(db, 5000);
  const auto end_ms = test::kStartMs;
  const auto t0 = std::chrono::steady_clock::now();
  populate(db, sizes, end_ms);
  const std::chrono::duration<double> populate_s = std::chrono::steady_clock::now() - t0;

  test::AppFixture app(db);
  app.config().rate_limit_burst = 1e6;
  app.restart();  // the dispatcher takes the rate limit when it is built
  auto coordinator = app.redeem(app.cli_invite(), "coordinator");
  v1::ClientMessage stats;
  stats.set_request_id(1);
  stats.mutable_get_stats()->set_from_ms(end_ms - 365 * kDay);
  stats.mutable_get_stats()->set_to_ms(end_ms);
  stats.mutable_get_stats()->set_period(v1::STATS_PERIOD_MONTH);
  v1::StatsReport report;
  const int runs = quick ? 5 : 15;
  const auto year = time_ms(runs, [&] { report = app.ok(coordinator, stats).stats_report(); });
  auto weekly = stats;
  weekly.mutable_get_stats()->set_period(v1::STATS_PERIOD_WEEK);
  const auto weeks = time_ms(runs, [&] { app.ok(coordinator, weekly); });
  v1::ClientMessage areas;
  areas.set_request_id(2);
  areas.mutable_list_areas();
  const auto baseline = time_ms(runs * 10, [&] { app.ok(coordinator, areas); });
  double check_ins = 0, notes = 0;
  for (const auto& row : report.rows()) {
    for (const auto& v : row.values()) {
      if (v.metric() == "check_ins" && v.category().empty()) check_ins += v.value();
      if (v.metric() == "notes") notes += v.value();
    }
  }
  const double expected_check_ins = static_cast<double>(sizes.patrols) * sizes.check_ins_per_patrol;
  if (check_ins != expected_check_ins || notes != static_cast<double>(sizes.patrols) * sizes.notes_per_patrol) {
    std::cerr << "stats-bench: expected " << expected_check_ins << " check-ins, got " << check_ins << "\n";
    return 1;
  }
  // Retention at the end of the year: about half of the check-ins are past 180 days.
  app.clock().set_ms(end_ms);
  const auto purge_started = std::chrono::steady_clock::now();
  const auto purged = app.purge();
  const std::chrono::duration<double, std::milli> purge_ms = std::chrono::steady_clock::now() - purge_started;
  v1::StatsReport after;
  const auto year_after = time_ms(runs, [&] { after = app.ok(coordinator, stats).stats_report(); });
  if (after.SerializeAsString() != report.SerializeAsString()) {
    std::cerr << "stats-bench: statistics changed across the purge\n";
    return 1;
  }
  std::cout << std::fixed << std::setprecision(2) << "populated " << expected_check_ins << " check-ins, "
            << sizes.patrols * sizes.notes_per_patrol << " notes, " << sizes.shifts << " shifts in "
            << populate_s.count() << " s\n"
            << "GetStats, a year by month (" << report.rows_size() << " rows): p50 " << year.first << " ms, max "
            << year.second << " ms\n"
            << "GetStats, a year by week: p50 " << weeks.first << " ms, max " << weeks.second << " ms\n"
            << "ListAreas (baseline): p50 " << baseline.first << " ms\n"
            << "purge: deleted " << purged.check_ins_deleted << " check-ins, cleared " << purged.note_texts_cleared
            << " note texts in " << purge_ms.count() << " ms\n"
            << "GetStats after the purge: p50 " << year_after.first << " ms (same figures)\n";
  std::cout << "RESULT stats_year_p50_ms=" << year.first << " stats_year_weekly_p50_ms=" << weeks.first
            << " stats_to_baseline=" << year.first / baseline.first
            << " stats_after_purge_p50_ms=" << year_after.first << " purge_ms=" << purge_ms.count()
            << " deleted=" << purged.check_ins_deleted << "\n";
  return 0;
}
