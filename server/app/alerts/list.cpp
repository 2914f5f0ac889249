// ListAlerts: every alert the caller may see, open ones first and the most urgent first,
// in pages. The page token is the sort key of the page's last alert, so an alert raised
// or resolved between two pages moves no other alert across the page boundary.
#include <algorithm>
#include <charconv>

#include "server/app/alert_log.hpp"
#include "server/app/alerts/alerts.hpp"
#include "server/store/alerts.hpp"
#include "server/store/shifts.hpp"

namespace gadehold::app::alerts {

namespace {

constexpr std::int64_t kDefaultLimit = 100;
constexpr std::int64_t kMaxLimit = 500;

std::string page_token(const store::AlertCursor& c) {
  return std::to_string(c.resolved) + "." + std::to_string(c.rank) + "." + std::to_string(c.raised_at_ms) +
         "." + c.id;
}

template <typename T>
bool parse_number(std::string_view text, T& out) {
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty();
}

store::AlertCursor parse_page_token(const std::string& token) {
  const auto bad = [] {
    return core::Refusal(core::Reason::PAGE_TOKEN_INVALID, "not a page token", "page_token");
  };
  std::string_view rest(token);
  std::string_view parts[3];
  for (auto& part : parts) {
    const auto dot = rest.find('.');
    if (dot == std::string_view::npos) throw bad();
    part = rest.substr(0, dot);
    rest.remove_prefix(dot + 1);
  }
  store::AlertCursor c;
  const auto id_char = [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
  };
  if (!parse_number(parts[0], c.resolved) || !parse_number(parts[1], c.rank) ||
      !parse_number(parts[2], c.raised_at_ms) || c.resolved < 0 || c.resolved > 1 || c.rank < 0 ||
      c.rank > 3 /* the planning kinds: store::alert_severity_rank */ || c.raised_at_ms < 0 || rest.empty() ||
      rest.size() > 64 || !std::all_of(rest.begin(), rest.end(), id_char)) {
    throw bad();
  }
  c.id = std::string(rest);
  return c;
}

}  // namespace

void list_alerts(const Services& s, RequestPtr request, store::Connection& reader) {
  const auto& req = request->message.list_alerts();
  const auto& caller = request->caller;
  if (req.limit() > kMaxLimit)
    throw core::Refusal(core::Reason::OUT_OF_RANGE, "limit is 1 to 500", "limit",
                        {{"min", "1"}, {"max", "500"}});
  if (req.include_resolved_since_ms() < 0) {
    throw core::Refusal(core::Reason::OUT_OF_RANGE, "include_resolved_since_ms must not be negative",
                        "include_resolved_since_ms", {{"min", "0"}});
  }
  store::AlertQuery q;
  q.all_teams = caller.is_coordinator();
  q.team_ids = caller.lead_team_ids;
  for (auto& t : store::duty_teams(reader, caller.volunteer_id, s.clock.now_ms()))
    q.team_ids.push_back(std::move(t));
  q.volunteer_id = caller.volunteer_id;
  q.resolved_since_ms = req.include_resolved_since_ms() > 0 ? req.include_resolved_since_ms() : -1;
  if (!req.page_token().empty()) q.after = parse_page_token(req.page_token());
  const auto limit = req.limit() == 0 ? kDefaultLimit : static_cast<std::int64_t>(req.limit());
  q.limit = limit + 1;  // one more tells whether there is a next page
  auto rows = store::list_alerts(reader, q);
  v1::ServerMessage msg;
  auto* list = msg.mutable_alert_list();
  const bool more = static_cast<std::int64_t>(rows.size()) > limit;
  if (more) rows.resize(static_cast<std::size_t>(limit));
  for (const auto& row : rows) {
    auto* alert = list->add_alerts();
    *alert = alert_view(row);
    // The exact position of an open SOS, for the leads and coordinators it went to.
    if (caller.role != v1::ROLE_VOLUNTEER) s.sos_positions.attach(*alert);
  }
  if (more) list->set_next_page_token(page_token(store::cursor_of(rows.back())));
  request->reply(std::move(msg));
}

}  // namespace gadehold::app::alerts
