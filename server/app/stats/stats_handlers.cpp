// GetStats and ExportStats.
#include <set>

#include "server/app/commit.hpp"
#include "server/app/stats/export.hpp"
#include "server/app/stats/period_stats.hpp"
#include "server/app/stats/stats.hpp"
#include "server/app/writes.hpp"
#include "server/core/clock.hpp"
#include "server/store/identity.hpp"
#include "server/store/sqlite/transaction.hpp"
#include "server/store/stats.hpp"

namespace gadehold::app::stats {

namespace {

constexpr std::int64_t kMaxStatsSpanDays = 400;

Period checked_period(v1::StatsPeriod period) {
  if (period != v1::STATS_PERIOD_WEEK && period != v1::STATS_PERIOD_MONTH) {
    throw core::Refusal(core::Reason::NOT_ALLOWED_VALUE, "period is WEEK or MONTH", "period",
                        {{"allowed", "STATS_PERIOD_WEEK,STATS_PERIOD_MONTH"}});
  }
  return period == v1::STATS_PERIOD_WEEK ? Period::week : Period::month;
}

void add_row(v1::StatsReport& report, const PeriodStats& row,
             const std::map<std::string, std::string>& names) {
  auto* out = report.add_rows();
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

}  // namespace

void get_stats(const Services&, RequestPtr request, store::Connection& reader) {
  const auto& req = request->message.get_stats();
  const auto& caller = request->caller;
  const auto period = checked_period(req.period());
  // The span is checked again below once widened to whole periods.
  check_time_range(req.from_ms(), req.to_ms(), kMaxStatsSpanDays);
  store::StatsScope scope;
  scope.from_day = period_start_day(req.from_ms() / store::kDayMs, period);
  scope.to_day = period_end_day(period_start_day((req.to_ms() - 1) / store::kDayMs, period), period);
  if (scope.to_day - scope.from_day > kMaxStatsSpanDays) {
    throw core::Refusal(core::Reason::TIME_RANGE_TOO_LONG, "at most 400 days per request", "to_ms",
                        {{"max_days", "400"}});
  }
  scope.all_teams = caller.is_coordinator();
  scope.team_ids = caller.lead_team_ids;
  const std::set<std::string> wanted(req.area_ids().begin(), req.area_ids().end());

  v1::ServerMessage msg;
  auto* report = msg.mutable_stats_report();
  report->set_period(req.period());
  report->set_from_ms(scope.from_day * store::kDayMs);
  report->set_to_ms(scope.to_day * store::kDayMs);
  const auto names = store::area_names(reader);
  for (const auto& area : wanted) {
    if (!names.count(area)) throw core::Refusal(core::Reason::NOT_FOUND, "not found", "area_ids");
  }
  std::vector<PeriodStats> rows;
  {
    store::ReadSnapshot snapshot(reader);  // one snapshot for every query
    rows = period_stats(reader, scope, period);
  }
  for (const auto& row : rows) {
    if (wanted.empty() || wanted.count(row.area_id)) add_row(*report, row, names);
  }
  request->reply(std::move(msg));
}

void export_stats(const Services& s, RequestPtr request, store::Connection& reader) {
  const auto req = request->message.export_stats();
  const auto period = checked_period(req.period());
  check_time_range(req.from_ms(), req.to_ms(), 366);
  if (req.format() != v1::EXPORT_FORMAT_UNSPECIFIED && req.format() != v1::EXPORT_FORMAT_CSV &&
      req.format() != v1::EXPORT_FORMAT_JSON) {
    throw core::Refusal(core::Reason::NOT_ALLOWED_VALUE, "format is CSV or JSON", "format",
                        {{"allowed", "EXPORT_FORMAT_CSV,EXPORT_FORMAT_JSON"}});
  }
  if (req.city().empty() || req.city().size() > 100) {
    throw core::Refusal(core::Reason::TEXT_LENGTH, "city is 1 to 100 characters", "city",
                        {{"min_chars", "1"}, {"max_chars", "100"}});
  }
  const bool json = req.format() == v1::EXPORT_FORMAT_JSON;
  const auto actor = request->caller.volunteer_id;
  const auto now = s.clock.now_ms();
  // The figures from one read snapshot, off the writer; the reply only once the audit
  // entry that records the export is committed.
  auto out = std::make_shared<v1::StatsExport>();
  std::vector<ExportRow> rows;
  {
    store::ReadSnapshot snapshot(reader);
    rows = build_export(reader, req.from_ms(), req.to_ms(), period);
  }
  out->set_content_type(json ? "application/json" : "text/csv; charset=utf-8");
  out->set_body(json ? export_json(rows, req.city()) : export_csv(rows, req.city()));
  out->set_rows(static_cast<std::uint32_t>(rows.size()));
  commit_then<bool>(
      s, request,
      [=](store::Connection& conn, const Principal&) {
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

}  // namespace gadehold::app::stats
