// GetStats: exact per-area counts by week or month, for coordinators (every team) and
// leads (the teams they lead).
#include <algorithm>
#include <set>

#include "server/app/commit.hpp"
#include "server/app/dispatcher.hpp"
#include "server/core/clock.hpp"
#include "server/app/export.hpp"
#include "server/app/stats.hpp"
#include "server/store/engine/database.hpp"
#include "server/store/identity.hpp"
#include "server/store/stats.hpp"

namespace gadehold::app {

namespace {

constexpr std::int64_t kMaxStatsSpanDays = 400;

}  // namespace

void Dispatcher::get_stats(RequestPtr request) {
  const auto& req = request->message.get_stats();
  const auto& caller = request->caller;
  if (req.period() != v1::STATS_PERIOD_WEEK && req.period() != v1::STATS_PERIOD_MONTH) {
    throw core::Refusal(core::Code::invalid_argument, "period is WEEK or MONTH", "period");
  }
  if (req.from_ms() < 0 || req.to_ms() > core::kLatestTimeMs || req.to_ms() <= req.from_ms()) {
    throw core::Refusal(core::Code::invalid_argument, "to_ms must be after from_ms", "to_ms");
  }
  const auto period = req.period() == v1::STATS_PERIOD_WEEK ? Period::week : Period::month;
  store::StatsScope scope;
  scope.from_day = period_start_day(req.from_ms() / store::kDayMs, period);
  scope.to_day = period_end_day(period_start_day((req.to_ms() - 1) / store::kDayMs, period), period);
  if (scope.to_day - scope.from_day > kMaxStatsSpanDays) {
    throw core::Refusal(core::Code::invalid_argument, "at most 400 days per request", "to_ms");
  }
  scope.all_teams = caller.is_coordinator();
  scope.team_ids = caller.lead_team_ids;
  const std::set<std::string> wanted(req.area_ids().begin(), req.area_ids().end());

  v1::ServerMessage msg;
  auto* report = msg.mutable_stats_report();
  report->set_period(req.period());
  report->set_from_ms(scope.from_day * store::kDayMs);
  report->set_to_ms(scope.to_day * store::kDayMs);
  {
    auto reader = db_.readers().acquire();
    const auto names = store::area_names(*reader);
    for (const auto& area : wanted) {
      if (!names.count(area)) throw core::Refusal(core::Code::not_found, "not found", "area_ids");
    }
    reader->exec("BEGIN");  // one snapshot for every query
    std::vector<PeriodStats> rows;
    try {
      rows = period_stats(*reader, scope, period);
      reader->exec("COMMIT");
    } catch (...) {
      reader->exec("ROLLBACK");
      throw;
    }
    for (const auto& row : rows) {
      if (!wanted.empty() && !wanted.count(row.area_id)) continue;
      auto* out = report->add_rows();
      out->set_area_id(row.area_id);
      auto name = names.find(row.area_id);
      out->set_area_name(name == names.end() ? "" : name->second);
      out->set_period_start_ms(row.start_day * store::kDayMs);
      out->set_period_end_ms(row.end_day * store::kDayMs);
      for (const auto& [key, value] : row.values) {
        auto* v = out->add_values();
        v->set_metric(key.first);
        v->set_category(key.second);
        v->set_value(value);
      }
    }
  }
  request->reply(std::move(msg));
}

void Dispatcher::export_stats(RequestPtr request) {
  const auto req = request->message.export_stats();
  if (req.period() != v1::STATS_PERIOD_WEEK && req.period() != v1::STATS_PERIOD_MONTH) {
    throw core::Refusal(core::Code::invalid_argument, "period is WEEK or MONTH", "period");
  }
  if (req.from_ms() < 0 || req.to_ms() > core::kLatestTimeMs || req.to_ms() <= req.from_ms() ||
      req.to_ms() - req.from_ms() > 366 * store::kDayMs) {
    throw core::Refusal(core::Code::invalid_argument, "from_ms to to_ms spans at most 366 days", "to_ms");
  }
  if (req.city().empty() || req.city().size() > 100) {
    throw core::Refusal(core::Code::invalid_argument, "city is 1 to 100 characters", "city");
  }
  const auto period = req.period() == v1::STATS_PERIOD_WEEK ? Period::week : Period::month;
  const bool json = req.format() == v1::EXPORT_FORMAT_JSON;
  const auto actor = request->caller.volunteer_id;
  const auto now = clock_.now_ms();
  // The figures from one read snapshot, off the writer; the reply only once the audit
  // entry that records the export is committed.
  auto out = std::make_shared<v1::StatsExport>();
  {
    auto reader = db_.readers().acquire();
    reader->exec("BEGIN");
    std::vector<ExportRow> rows;
    try {
      rows = build_export(*reader, req.from_ms(), req.to_ms(), period);
      reader->exec("COMMIT");
    } catch (...) {
      reader->exec("ROLLBACK");
      throw;
    }
    out->set_content_type(json ? "application/json" : "text/csv; charset=utf-8");
    out->set_body(json ? export_json(rows, req.city()) : export_csv(rows, req.city()));
    out->set_rows(static_cast<std::uint32_t>(rows.size()));
  }
  commit_then<bool>(
      db_.writer(), request,
      [=](store::Connection& conn) {
        store::audit(conn, now, actor, "stats.export", "export",
                     std::to_string(req.from_ms()) + ".." + std::to_string(req.to_ms()));
        return true;
      },
      [out](Request& r, bool&) {
        v1::ServerMessage msg;
        *msg.mutable_stats_export() = std::move(*out);
        r.reply(std::move(msg));
      });
}

}  // namespace gadehold::app
