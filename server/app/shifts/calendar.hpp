#pragma once
// iCalendar (RFC 5545) rendering of a shift feed: one VEVENT per shift with a stable
// UID, SEQUENCE, STATUS and UTC times. It names the area and never a volunteer.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/store/shifts.hpp"

namespace gadehold::app::shifts {

// Escapes TEXT values: backslash, semicolon, comma and newlines.
std::string ical_escape(std::string_view text);
// Folds one content line at 75 octets without splitting a UTF-8 sequence; adds CRLF.
std::string ical_line(std::string_view line);
// 20270115T180000Z
std::string ical_utc(std::int64_t ms);

std::string render_calendar(std::string_view name, const std::vector<store::ShiftRow>& shifts);

}  // namespace gadehold::app::shifts
