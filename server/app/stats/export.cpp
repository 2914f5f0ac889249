#include "server/app/stats/export.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <ctime>
#include <map>
#include <set>

#include "server/privacy/disclosure.hpp"
#include "server/store/stats.hpp"

namespace gadehold::app::stats {

namespace {

// The counted metrics, each a column family over the areas: (metric, category).
const std::vector<std::pair<std::string, std::string>> kSingles = {
    {"patrols", ""},       {"check_ins", ""},      {"check_ins", "need_support"}, {"alerts", "sos"},
    {"alerts", "overdue"}, {"shifts_planned", ""}, {"shifts_filled", ""},         {"late_withdrawals", ""}};

const std::vector<std::pair<std::string, std::vector<std::string>>> kNoteFamilies = {
    {"notes_by_category",
     {"conversation", "anti_social_behaviour", "conflict_deescalated", "welfare_concern", "substance_related",
      "weapon_concern", "environmental_hazard", "referral_made", "other"}},
    {"notes_by_outcome", {"no_action_needed", "advice_given", "referred", "emergency_services_called"}},
    {"notes_by_age_band", {"under_12", "12_15", "16_17", "18_24", "adult", "unknown"}}};

std::string iso_day(std::int64_t day) {
  const std::time_t t = static_cast<std::time_t>(day * 86400);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

double round2(double v) { return std::round(v * 100) / 100; }

// One period's table: cells, their labels, and the relations between them.
struct Table {
  std::vector<double> values;
  std::vector<ExportRow> rows;  // the label of each cell
  std::vector<privacy::Relation> relations;
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> index;  // (area, metric, category)

  std::size_t cell(const std::string& area, const std::string& metric, const std::string& category,
                   double value, const ExportRow& label) {
    auto key = std::make_tuple(area, metric, category);
    auto it = index.find(key);
    if (it != index.end()) return it->second;
    ExportRow row = label;
    row.area = area;
    row.metric = metric;
    row.category = category;
    rows.push_back(row);
    values.push_back(value);
    index[key] = values.size() - 1;
    return values.size() - 1;
  }
};

}  // namespace

std::vector<ExportRow> build_export(store::Connection& conn, std::int64_t from_ms, std::int64_t to_ms,
                                    Period period) {
  const auto names = store::area_names(conn);
  store::StatsScope scope;
  scope.from_day = period_start_day(from_ms / store::kDayMs, period);
  scope.to_day = period_end_day(period_start_day((to_ms - 1) / store::kDayMs, period), period);
  scope.all_teams = true;
  const auto stats = period_stats(conn, scope, period);

  // Areas by name, then "(no area)"; every area appears in every period.
  std::vector<std::pair<std::string, std::string>> areas;  // (label, id)
  for (const auto& [id, name] : names) areas.emplace_back(name, id);
  std::sort(areas.begin(), areas.end());
  areas.emplace_back(kNoArea, "");

  std::vector<ExportRow> out;
  for (auto start = scope.from_day; start < scope.to_day; start = period_end_day(start, period)) {
    std::map<std::string, const PeriodStats*> by_area;
    for (const auto& s : stats) {
      if (s.start_day == start) by_area[s.area_id] = &s;
    }
    auto value_of = [&](const std::string& area_id, const std::string& metric, const std::string& category) {
      auto it = by_area.find(area_id);
      if (it == by_area.end()) return 0.0;
      auto v = it->second->values.find({metric, category});
      return v == it->second->values.end() ? 0.0 : v->second;
    };
    ExportRow label;
    label.start_day = start;
    label.last_day = period_end_day(start, period) - 1;
    Table t;
    auto family = [&](const std::string& metric, const std::string& category) {
      // One cell per area and the ALL total they add up to.
      privacy::Relation rel{0, {}};
      double all = 0;
      for (const auto& [area_label, id] : areas) {
        const double v = value_of(id, metric, category);
        all += v;
        rel.parts.push_back(t.cell(area_label, metric, category, v, label));
      }
      rel.total = t.cell(kAllAreas, metric, category, all, label);
      t.relations.push_back(rel);
    };
    for (const auto& [metric, category] : kSingles) family(metric, category);
    family("notes", "");
    for (const auto& [metric, categories] : kNoteFamilies) {
      for (const auto& c : categories) family(metric, c);
      // Each area's (and ALL's) notes are the sum over the family's categories.
      std::vector<std::string> labels;
      for (const auto& [area_label, id] : areas) labels.push_back(area_label);
      labels.push_back(kAllAreas);
      for (const auto& area_label : labels) {
        privacy::Relation rel{t.index.at({area_label, "notes", ""}), {}};
        for (const auto& c : categories) rel.parts.push_back(t.index.at({area_label, metric, c}));
        t.relations.push_back(rel);
      }
    }
    const auto suppressed = privacy::suppress(t.values, t.relations);
    auto published = [&](const std::string& area, const std::string& metric, const std::string& category) {
      const auto i = t.index.at({area, metric, category});
      return suppressed[i] ? std::optional<double>()
                           : std::optional<double>(privacy::round_to_5(t.values[i]));
    };
    for (std::size_t i = 0; i < t.values.size(); ++i) {
      auto row = t.rows[i];
      if (!suppressed[i]) row.value = static_cast<double>(privacy::round_to_5(t.values[i]));
      out.push_back(std::move(row));
    }
    // Hours follow the patrols' suppression; rates need both parts published and >= 10.
    std::vector<std::pair<std::string, std::string>> all_areas = areas;
    all_areas.emplace_back(kAllAreas, "*");
    for (const auto& [area_label, id] : all_areas) {
      const bool patrols_shown = published(area_label, "patrols", "").has_value();
      double hours_exact = 0, volunteer_hours_exact = 0;
      if (id == "*") {
        for (const auto& [l, aid] : areas) {
          hours_exact += value_of(aid, "patrol_hours", "");
          volunteer_hours_exact += value_of(aid, "volunteer_hours", "");
        }
      } else {
        hours_exact = value_of(id, "patrol_hours", "");
        volunteer_hours_exact = value_of(id, "volunteer_hours", "");
      }
      auto row = label;
      row.area = area_label;
      row.metric = "patrol_hours";
      if (patrols_shown) row.value = static_cast<double>(privacy::round_to_5(hours_exact));
      out.push_back(row);
      row.metric = "volunteer_hours";
      row.value.reset();
      if (patrols_shown) row.value = static_cast<double>(privacy::round_to_5(volunteer_hours_exact));
      out.push_back(row);

      const auto notes = published(area_label, "notes", "");
      const double notes_exact = t.values[t.index.at({area_label, "notes", ""})];
      row.metric = "notes_per_10_patrol_hours";
      row.value.reset();
      if (notes && patrols_shown && notes_exact >= 10 && hours_exact >= 10) {
        const auto hours = privacy::round_to_5(hours_exact);
        if (hours > 0) row.value = round2(*notes / static_cast<double>(hours) * 10);
      }
      out.push_back(row);
      const auto filled = published(area_label, "shifts_filled", "");
      const auto planned = published(area_label, "shifts_planned", "");
      row.metric = "share_of_shifts_filled";
      row.value.reset();
      if (filled && planned && *planned > 0) row.value = round2(*filled / *planned);
      out.push_back(row);
    }
  }
  return out;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

namespace {

std::string number(double v) {
  if (v == std::floor(v)) return std::to_string(static_cast<std::int64_t>(v));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

}  // namespace

std::string export_csv(const std::vector<ExportRow>& rows, const std::string& city) {
  std::string out = "schema_version,city,area,period_start,period_end,metric,category,value,suppressed\n";
  for (const auto& r : rows) {
    out += std::to_string(kExportSchemaVersion) + "," + csv_field(city) + "," + csv_field(r.area) + "," +
           iso_day(r.start_day) + "," + iso_day(r.last_day) + "," + r.metric + "," + r.category + "," +
           (r.value ? number(*r.value) : std::string()) + "," + (r.value ? "false" : "true") + "\n";
  }
  return out;
}

std::string export_json(const std::vector<ExportRow>& rows, const std::string& city) {
  boost::json::array list;
  for (const auto& r : rows) {
    boost::json::object o;
    o["schema_version"] = kExportSchemaVersion;
    o["city"] = city;
    o["area"] = r.area;
    o["period_start"] = iso_day(r.start_day);
    o["period_end"] = iso_day(r.last_day);
    o["metric"] = r.metric;
    o["category"] = r.category;
    if (r.value) {
      o["value"] = *r.value;
    } else {
      o["value"] = nullptr;
    }
    o["suppressed"] = !r.value.has_value();
    list.push_back(std::move(o));
  }
  boost::json::object doc;
  doc["schema_version"] = kExportSchemaVersion;
  doc["city"] = city;
  doc["rows"] = std::move(list);
  return boost::json::serialize(doc) + "\n";
}

}  // namespace gadehold::app::stats
