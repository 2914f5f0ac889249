// Shift reads and calendar feeds: ListShifts, feed creation and revocation over the
// socket, and the feed document served over HTTP.
#include <algorithm>

#include "server/app/calendar.hpp"
#include "server/app/commit.hpp"
#include "server/app/dispatcher.hpp"
#include "server/core/clock.hpp"
#include "server/app/shift_rules.hpp"
#include "server/app/shift_support.hpp"
#include "server/core/tokens.hpp"
#include "server/store/engine/database.hpp"
#include "server/store/identity.hpp"
#include "server/store/shifts.hpp"

namespace gadehold::app {

namespace {

constexpr std::int64_t kMaxListSpanMs = 100 * kDayMs;
constexpr std::int64_t kFeedPastMs = 30 * kDayMs;
constexpr std::int64_t kFeedAheadMs = 90 * kDayMs;
constexpr int kScopeMine = 1;
constexpr int kScopeTeam = 2;

}  // namespace

void Dispatcher::list_shifts(RequestPtr request) {
  const auto& req = request->message.list_shifts();
  const auto& caller = request->caller;
  if (req.from_ms() < 0 || req.to_ms() > core::kLatestTimeMs) {
    throw core::Refusal(core::Code::invalid_argument, "times are milliseconds since 1970, before 2200", "to_ms");
  }
  if (req.to_ms() <= req.from_ms()) {
    throw core::Refusal(core::Code::invalid_argument, "to_ms must be after from_ms", "to_ms");
  }
  if (req.to_ms() - req.from_ms() > kMaxListSpanMs) {
    throw core::Refusal(core::Code::invalid_argument, "at most 100 days per request", "to_ms");
  }
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
  {
    auto reader = db_.readers().acquire();
    for (const auto& shift : store::list_shifts(*reader, query)) *list->add_shifts() = shift_view(shift);
  }
  request->reply(std::move(msg));
}

void Dispatcher::get_calendar_feed(RequestPtr request) {
  const auto req = request->message.get_calendar_feed();
  if (req.scope() != v1::CALENDAR_SCOPE_MINE && req.scope() != v1::CALENDAR_SCOPE_TEAM) {
    throw core::Refusal(core::Code::invalid_argument, "scope is MINE or TEAM", "scope");
  }
  if (req.scope() == v1::CALENDAR_SCOPE_MINE && !req.team_id().empty()) {
    throw core::Refusal(core::Code::invalid_argument, "team_id is for TEAM feeds only", "team_id");
  }
  const auto owner = request->caller.volunteer_id;
  const auto now = clock_.now_ms();
  struct Created {
    std::string id, token;
  };
  commit_then<Created>(
      db_.writer(), request,
      [=](store::Connection& conn) {
        store::FeedRow feed{core::new_id("cal"), owner,
                            req.scope() == v1::CALENDAR_SCOPE_MINE ? kScopeMine : kScopeTeam, req.team_id()};
        // One live feed per scope and team: a new one replaces (rotates) the old path.
        for (const auto& old : store::revoke_feeds_like(conn, feed, now)) {
          store::audit(conn, now, owner, "calendar_feed.revoke", "calendar_feed", old);
        }
        Created out{feed.id, store::create_feed(conn, feed, now)};
        store::audit(conn, now, owner, "calendar_feed.create", "calendar_feed", feed.id);
        return out;
      },
      [](Request& r, Created& created) {
        v1::ServerMessage msg;
        msg.mutable_calendar_feed()->set_feed_id(created.id);
        msg.mutable_calendar_feed()->set_url_path(std::string("/v1/calendar/").append(created.token).append(".ics"));
        r.reply(std::move(msg));
      });
}

void Dispatcher::revoke_calendar_feed(RequestPtr request) {
  const auto feed_id = request->message.revoke_calendar_feed().feed_id();
  const auto actor = request->caller.volunteer_id;
  const auto now = clock_.now_ms();
  state_write(request, [=](store::Connection& conn) {
    WriteResult result;
    result.id = feed_id;
    result.duplicate = !store::revoke_feed(conn, feed_id, now);
    if (!result.duplicate) store::audit(conn, now, actor, "calendar_feed.revoke", "calendar_feed", feed_id);
    return result;
  });
}

std::optional<Dispatcher::CalendarDocument> Dispatcher::calendar(std::string_view token) {
  const auto now = clock_.now_ms();
  auto reader = db_.readers().acquire();
  const auto feed = store::find_feed_by_token(*reader, token);
  if (!feed) return std::nullopt;
  store::ShiftQuery query;
  query.from_ms = now - kFeedPastMs;
  query.to_ms = now + kFeedAheadMs;
  std::string name = "gadehold: my shifts";
  if (feed->scope == kScopeMine) {
    query.all_teams = true;
    query.signed_up = feed->volunteer_id;
  } else {
    // The owner must still reach the team: a member, a lead, or a coordinator.
    const auto role = store::volunteer_role(*reader, feed->volunteer_id);
    const auto teams = store::teams_of(*reader, feed->volunteer_id);
    const bool reach = role && (*role == store::kRoleCoordinator ||
                                std::find(teams.begin(), teams.end(), feed->team_id) != teams.end());
    const auto team = store::team_name(*reader, feed->team_id);
    if (!reach || !team) return std::nullopt;
    query.team_ids = {feed->team_id};
    name = std::string("gadehold: ").append(*team);
  }
  CalendarDocument doc;
  doc.body = render_calendar(name, store::list_shifts(*reader, query));
  doc.etag.append(1, '"').append(core::base64url(core::sha256(doc.body)).substr(0, 32)).append(1, '"');
  return doc;
}

}  // namespace gadehold::app
