#include "server/app/shifts/calendar.hpp"

#include <ctime>

namespace gadehold::app::shifts {

std::string ical_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        break;
      default:
        // Other control characters are not allowed in TEXT.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t') break;
        out += c;
    }
  }
  return out;
}

std::string ical_line(std::string_view line) {
  constexpr std::size_t kMaxOctets = 75;
  std::string out;
  std::size_t limit = kMaxOctets;  // continuation lines lose one octet to the leading space
  while (line.size() > limit) {
    auto cut = limit;
    // Never cut inside a UTF-8 sequence: back up over continuation bytes.
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    out.append(line.substr(0, cut));
    out += "\r\n ";
    line.remove_prefix(cut);
    limit = kMaxOctets - 1;
  }
  out.append(line);
  out += "\r\n";
  return out;
}

std::string ical_utc(std::int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string render_calendar(std::string_view name, const std::vector<store::ShiftRow>& shifts) {
  std::string out;
  auto line = [&](std::string_view text) { out += ical_line(text); };
  line("BEGIN:VCALENDAR");
  line("VERSION:2.0");
  line("PRODID:-//gadehold//shift calendar//EN");
  line("CALSCALE:GREGORIAN");
  line("X-WR-CALNAME:" + ical_escape(name));
  line("REFRESH-INTERVAL;VALUE=DURATION:PT1H");
  line("X-PUBLISHED-TTL:PT1H");
  for (const auto& s : shifts) {
    line("BEGIN:VEVENT");
    line("UID:" + s.id + "@gadehold");
    // No METHOD above, so DTSTAMP is when the shift was last revised (RFC 5545
    // 3.8.7.2): the body, and with it the ETag, changes only when a shift does.
    line("DTSTAMP:" + ical_utc(s.updated_at_ms));
    line("LAST-MODIFIED:" + ical_utc(s.updated_at_ms));
    line("DTSTART:" + ical_utc(s.starts_at_ms));
    line("DTEND:" + ical_utc(s.ends_at_ms));
    line("SEQUENCE:" + std::to_string(s.sequence));
    line(std::string("STATUS:") + (s.cancelled() ? "CANCELLED" : "CONFIRMED"));
    // Retention empties a title retention-shift-text-days after the shift ended.
    line("SUMMARY:" + ical_escape(s.title.empty() ? std::string("Shift") : s.title));
    line("LOCATION:" + ical_escape(s.area_name));
    std::string description = s.notes;
    if (s.cancelled() && !s.cancel_reason.empty()) {
      if (!description.empty()) description += '\n';
      description.append("Cancelled: ").append(s.cancel_reason);
    }
    if (!description.empty()) line("DESCRIPTION:" + ical_escape(description));
    line("TRANSP:OPAQUE");
    line("END:VEVENT");
  }
  line("END:VCALENDAR");
  return out;
}

}  // namespace gadehold::app::shifts
