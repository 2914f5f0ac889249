// ListShifts, calendar feed creation and revocation over the socket, and the feed
// document served over HTTP.
#include <spdlog/spdlog.h>

#include "server/app/commit.hpp"
#include "server/app/shifts/calendar.hpp"
#include "server/app/shifts/shift_rules.hpp"
#include "server/app/shifts/shift_support.hpp"
#include "server/app/shifts/shifts.hpp"
#include "server/app/writes.hpp"
#include "server/core/clock.hpp"
#include "server/core/tokens.hpp"
#include "server/store/identity.hpp"

namespace gadehold::app::shifts {

namespace {

constexpr std::int64_t kMaxListSpanMs = 100 * kDayMs;
constexpr std::int64_t kFeedPastMs = 30 * kDayMs;
constexpr std::int64_t kFeedAheadMs = 90 * kDayMs;
constexpr int kScopeMine = 1;
constexpr int kScopeTeam = 2;

void check_span(const v1::ListShifts& req) {
  check_time_range(req.from_ms(), req.to_ms(), kMaxListSpanMs / kDayMs);
}

// The shifts a feed shows and its calendar's name; nullopt when its owner lost access.
std::optional<std::pair<store::ShiftQuery, std::string>> feed_query(store::Connection& conn,
                                                                    const store::FeedRow& feed,
                                                                    std::int64_t now) {
  store::ShiftQuery query;
  query.from_ms = now - kFeedPastMs;
  query.to_ms = now + kFeedAheadMs;
  if (feed.scope == kScopeMine) {
    query.all_teams = true;
    query.signed_up = feed.volunteer_id;
    return std::pair{query, std::string("gadehold: my shifts")};
  }
  // The owner must still reach the team: a member, a lead, or a coordinator.
  const auto role = store::volunteer_role(conn, feed.volunteer_id);
  const auto teams = store::teams_of(conn, feed.volunteer_id);
  const bool reach = role && (*role == store::kRoleCoordinator ||
                              std::find(teams.begin(), teams.end(), feed.team_id) != teams.end());
  const auto team = store::team_name(conn, feed.team_id);
  if (!reach || !team) return std::nullopt;
  query.team_ids = {feed.team_id};
  return std::pair{query, std::string("gadehold: ").append(*team)};
}

}  // namespace

void list_shifts(const Services&, RequestPtr request, store::Connection& reader) {
  const auto& req = request->message.list_shifts();
  const auto& caller = request->caller;
  check_span(req);
  store::ShiftQuery query;
  query.from_ms = req.from_ms();
  query.to_ms = req.to_ms();
  if (!req.team_id().empty()) {
    query.team_ids = {req.team_id()};  // in reach: checked by the policy
  } else if (caller.is_coordinator()) {
    query.all_teams = true;
  } else {
    query.team_ids = caller.team_ids;
  }
  if (req.only_mine()) query.signed_up = caller.volunteer_id;
  v1::ServerMessage msg;
  auto* list = msg.mutable_shift_list();
  for (const auto& shift : store::list_shifts(reader, query)) *list->add_shifts() = shift_view(shift);
  request->reply(std::move(msg));
}

void get_calendar_feed(const Services& s, RequestPtr request) {
  const auto req = request->message.get_calendar_feed();
  if (req.scope() != v1::CALENDAR_SCOPE_MINE && req.scope() != v1::CALENDAR_SCOPE_TEAM) {
    throw core::Refusal(core::Reason::NOT_ALLOWED_VALUE, "scope is MINE or TEAM", "scope",
                        {{"allowed", "CALENDAR_SCOPE_MINE,CALENDAR_SCOPE_TEAM"}});
  }
  if (req.scope() == v1::CALENDAR_SCOPE_MINE && !req.team_id().empty()) {
    throw core::Refusal(core::Reason::UNEXPECTED_FIELD, "team_id is for TEAM feeds only", "team_id");
  }
  const auto now = s.clock.now_ms();
  struct Created {
    std::string id, token;
  };
  commit_then<Created>(
      s, request,
      [=](store::Connection& conn, const Principal& caller) {
        // The feed dies with the device that made it (a stolen phone's feeds with it).
        store::FeedRow feed{core::new_id("cal"), caller.volunteer_id,
                            req.scope() == v1::CALENDAR_SCOPE_MINE ? kScopeMine : kScopeTeam, req.team_id(),
                            caller.device_id};
        // One live feed per scope and team: a new one replaces (rotates) the old path.
        for (const auto& old : store::revoke_feeds_like(conn, feed, now)) {
          store::audit(conn, now, caller.volunteer_id, "calendar_feed.revoke", "calendar_feed", old);
        }
        Created out{feed.id, store::create_feed(conn, feed, now)};
        store::audit(conn, now, caller.volunteer_id, "calendar_feed.create", "calendar_feed", feed.id);
        return out;
      },
      [](Request& r, Created& created) {
        v1::ServerMessage msg;
        msg.mutable_calendar_feed()->set_feed_id(created.id);
        msg.mutable_calendar_feed()->set_url_path(
            std::string("/v1/calendar/").append(created.token).append(".ics"));
        r.reply(std::move(msg));
      });
}

void revoke_calendar_feed(const Services& s, RequestPtr request) {
  const auto feed_id = request->message.revoke_calendar_feed().feed_id();
  const auto now = s.clock.now_ms();
  acked_write(s, request, [=](store::Connection& conn, const Principal& caller) {
    WriteResult result;
    result.id = feed_id;
    result.duplicate = !store::revoke_feed(conn, feed_id, now);
    if (!result.duplicate)
      store::audit(conn, now, caller.volunteer_id, "calendar_feed.revoke", "calendar_feed", feed_id);
    return result;
  });
}

std::optional<CalendarDocument> calendar_document(const Services& s, store::Connection& reader,
                                                  std::string_view token) {
  const auto feed = store::find_feed_by_token(reader, token);
  if (!feed) return std::nullopt;
  const auto shown = feed_query(reader, *feed, s.clock.now_ms());
  if (!shown) return std::nullopt;
  CalendarDocument doc;
  doc.body = render_calendar(shown->second, store::list_shifts(reader, shown->first));
  doc.etag.append(1, '"').append(core::base64url(core::sha256(doc.body)).substr(0, 32)).append(1, '"');
  return doc;
}

void find_calendar(const Services& s, std::string token, std::function<void(CalendarAnswer)> done) {
  auto read = [s, token = std::move(token), done](store::Connection& reader) {
    CalendarAnswer answer;
    try {
      answer.document = calendar_document(s, reader, token);
    } catch (const std::exception& e) {
      // Never the token: the path is a secret.
      spdlog::warn("a calendar feed could not be read: {}", e.what());
      answer.unavailable = true;
    }
    done(std::move(answer));
  };
  if (!s.db.readers().submit(std::move(read))) done(CalendarAnswer{std::nullopt, true});
}

}  // namespace gadehold::app::shifts
