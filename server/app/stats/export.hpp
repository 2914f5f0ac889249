#pragma once
// The partner export: area x period figures under disclosure control
// (privacy/disclosure.hpp), in the fixed, versioned schema of docs/statistics-schema.md.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/app/stats/period_stats.hpp"
#include "server/store/sqlite/connection.hpp"

namespace gadehold::app::stats {

inline constexpr int kExportSchemaVersion = 1;
inline constexpr const char* kAllAreas = "ALL";
inline constexpr const char* kNoArea = "(no area)";

struct ExportRow {
  std::string area;
  std::int64_t start_day = 0;
  std::int64_t last_day = 0;  // inclusive
  std::string metric;
  std::string category;
  std::optional<double> value;  // empty when suppressed
};

// Every metric for every area (and ALL) and period overlapping [from_ms, to_ms), over
// every team. Counts under 10 and every cell that would give one away are suppressed;
// the rest are rounded to 5; rates only where both parts are published and at least 10.
std::vector<ExportRow> build_export(store::Connection& conn, std::int64_t from_ms, std::int64_t to_ms,
                                    Period period);

// A CSV field, quoted per RFC 4180 when it holds a comma, quote or line break.
std::string csv_field(const std::string& s);

std::string export_csv(const std::vector<ExportRow>& rows, const std::string& city);
std::string export_json(const std::vector<ExportRow>& rows, const std::string& city);

}  // namespace gadehold::app::stats
