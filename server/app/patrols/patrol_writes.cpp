// StartPatrol, CheckIn and EndPatrol.
#include <algorithm>
#include <set>

#include "server/app/alert_log.hpp"
#include "server/app/commit.hpp"
#include "server/app/patrols/patrol_rules.hpp"
#include "server/app/patrols/patrols.hpp"
#include "server/app/writes.hpp"
#include "server/core/tokens.hpp"
#include "server/store/directory.hpp"
#include "server/store/shifts.hpp"
#include "server/store/stats.hpp"

namespace gadehold::app::patrols {

namespace {

constexpr std::uint32_t kDefaultIntervalS = 1200;
// A shift's patrol may start this long before the shift.
constexpr std::int64_t kShiftEarlyStartMs = 3600 * 1000;
// Far above any street team; bounds the work one StartPatrol can ask of the writer.
constexpr int kMaxPatrolMembers = 50;

std::uint32_t checked_interval(const v1::StartPatrol& req) {
  const std::uint32_t interval = req.checkin_interval_s() == 0 ? kDefaultIntervalS : req.checkin_interval_s();
  if (interval < kMinCheckInIntervalS || interval > kMaxCheckInIntervalS) {
    throw core::Refusal(
        core::Reason::OUT_OF_RANGE,
        "checkin_interval_s is " + std::to_string(kMinCheckInIntervalS) + " to " +
            std::to_string(kMaxCheckInIntervalS),
        "checkin_interval_s",
        {{"min", std::to_string(kMinCheckInIntervalS)}, {"max", std::to_string(kMaxCheckInIntervalS)}});
  }
  return interval;
}

// Who walks, where, and for which team.
struct Crew {
  std::string team_id;
  std::string area_id;
  std::set<std::string> members;
};

// A shift's patrol takes its team and area, and by default those signed up who are still
// in the team (a running shift keeps its sign-ups).
void take_shift(store::Connection& conn, const v1::StartPatrol& req, const Principal& caller, Crew& crew,
                std::vector<std::string>& candidate_teams) {
  const auto shift = store::find_shift(conn, req.shift_id());
  if (!shift || !caller.member_of(shift->team_id))
    throw core::Refusal(core::Reason::NOT_FOUND, "not found", "shift_id");
  if (shift->cancelled())
    throw core::Refusal(core::Reason::SHIFT_CANCELLED, "the shift is cancelled", "cancelled");
  if (req.started_at_ms() < shift->starts_at_ms - kShiftEarlyStartMs ||
      req.started_at_ms() >= shift->ends_at_ms) {
    throw core::Refusal(core::Reason::PATROL_OUTSIDE_SHIFT,
                        "a shift's patrol starts between an hour before the shift and its end",
                        "started_at_ms");
  }
  if (crew.area_id.empty()) crew.area_id = shift->area_id;
  if (crew.members.empty()) {
    const auto in_team = store::active_members_of(conn, shift->team_id);
    for (const auto& su : shift->sign_ups) {
      if (in_team.count(su.volunteer_id)) crew.members.insert(su.volunteer_id);
    }
  }
  candidate_teams = {shift->team_id};
}

// The crew of a new patrol: the caller and the members asked for (or the shift's), in
// the first of the candidate teams that all of them belong to.
Crew muster(store::Connection& conn, const v1::StartPatrol& req, const Principal& caller) {
  Crew crew{{}, req.area_id(), {req.member_ids().begin(), req.member_ids().end()}};
  std::vector<std::string> candidate_teams = caller.team_ids;
  if (!req.shift_id().empty()) take_shift(conn, req, caller, crew, candidate_teams);
  if (candidate_teams.empty()) {
    throw core::Refusal(core::Reason::NO_TEAM, "you are in no team, so there is no team to patrol for");
  }
  if (!store::area_exists(conn, crew.area_id))
    throw core::Refusal(core::Reason::NOT_FOUND, "not found", "area_id");
  crew.members.insert(caller.volunteer_id);
  for (const auto& team : candidate_teams) {
    const auto in_team = store::active_members_of(conn, team);
    if (std::includes(in_team.begin(), in_team.end(), crew.members.begin(), crew.members.end())) {
      crew.team_id = team;
      return crew;
    }
  }
  // Name someone who is not in the first team, so that the app can say who.
  const auto first_team = store::active_members_of(conn, candidate_teams.front());
  std::string outsider;
  for (const auto& m : crew.members) {
    if (!first_team.count(m)) {
      outsider = m;
      break;
    }
  }
  throw core::Refusal(core::Reason::MEMBER_NOT_IN_TEAM, "every member must belong to your team", "member_ids",
                      {{"volunteer_id", outsider}});
}

// A volunteer is on one open patrol at a time: that keeps one volunteer from raising a
// flood of small-patrol and overdue alerts, and the leads' board true.
void require_free(store::Connection& conn, const Crew& crew, const Principal& caller) {
  const auto busy = store::on_open_patrol(conn, {crew.members.begin(), crew.members.end()});
  if (busy.empty()) return;
  if (std::find(busy.begin(), busy.end(), caller.volunteer_id) != busy.end()) {
    throw core::Refusal(core::Reason::ALREADY_ON_PATROL, "you are on a patrol already; end it first",
                        "patrol_id");
  }
  throw core::Refusal(core::Reason::MEMBER_ON_PATROL, "a member is on another patrol", "member_ids",
                      {{"volunteer_id", busy.front()}});
}

// A check-in with NEED_SUPPORT raises a NEED_SUPPORT alert (one open per patrol; its
// cell is the check-in's); the patrol's next OK check-in resolves it.
void settle_need_support(store::Connection& conn, const store::PatrolRow& patrol, const Principal& caller,
                         const Place& where, bool need_support, std::int64_t now_ms,
                         std::vector<PendingEvent>& events) {
  const auto open = store::open_patrol_alert(conn, patrol.id, v1::ALERT_KIND_NEED_SUPPORT);
  if (!need_support) {
    if (open)
      resolve(conn, *open, Resolution::server("RESOLVED_CHECKED_IN_OK", "the patrol checked in OK"), now_ms,
              events);
    return;
  }
  if (open) return;
  auto alert =
      patrol_alert(v1::ALERT_KIND_NEED_SUPPORT, patrol, now_ms, "a member checked in needing support");
  alert.raised_by = caller.volunteer_id;
  alert.cell = where.cell;
  alert.area_id = where.area_id;
  raise_alert(conn, alert, Audience::team_leads(patrol.team_id), now_ms, events);
}

store::AlertRow small_patrol_alert(const store::PatrolRow& patrol, const Principal& caller, std::size_t size,
                                   std::uint32_t min_size, std::int64_t now_ms) {
  auto alert = patrol_alert(v1::ALERT_KIND_SMALL_PATROL, patrol, now_ms, "");
  alert.raised_by = caller.volunteer_id;
  alert.shift_id = patrol.shift_id;
  alert.message = "patrol started with " + std::to_string(size) + " of at least " + std::to_string(min_size) +
                  " volunteers";
  alert.params = {{"volunteers", std::to_string(size)}, {"min_patrol_size", std::to_string(min_size)}};
  return alert;
}

}  // namespace

void start_patrol(const Services& s, RequestPtr request) {
  const auto req = request->message.start_patrol();
  const auto now = s.clock.now_ms();
  check_client_time(req.started_at_ms(), now, "started_at_ms");
  const auto interval = checked_interval(req);
  if (req.member_ids_size() > kMaxPatrolMembers) {
    throw core::Refusal(core::Reason::OUT_OF_RANGE, "a patrol has at most 50 other members", "member_ids",
                        {{"max", std::to_string(kMaxPatrolMembers)}});
  }
  const auto grace_ms = static_cast<std::int64_t>(s.config.overdue_grace_s) * 1000;
  const auto min_size = s.config.min_patrol_size;
  idempotent_write(
      s, request, "patrol.start", req.client_id(), content_hash(req),
      [=](store::Connection& conn, const Principal& caller) {
        const auto crew = muster(conn, req, caller);
        require_free(conn, crew, caller);
        store::PatrolRow p;
        p.id = core::new_id("pat");
        p.team_id = crew.team_id;
        p.area_id = crew.area_id;
        p.shift_id = req.shift_id();
        p.checkin_interval_s = interval;
        p.started_at_ms = req.started_at_ms();
        p.last_activity_ms = now;
        p.due_at_ms = now + static_cast<std::int64_t>(interval) * 1000 + grace_ms;
        for (const auto& m : crew.members) p.members.emplace_back(m, "");
        store::insert_patrol(conn, p, caller.volunteer_id, now);

        WriteResult result;
        result.id = p.id;
        v1::Event started;
        *started.mutable_patrol_started() = patrol_view(*store::find_patrol(conn, p.id));
        result.events.push_back(append_event(conn, std::move(started), Audience::team(p.team_id), now));
        // One small-patrol alert per patrol, within the team's budget a minute.
        if (crew.members.size() < min_size && s.planning_alerts.take(p.team_id, now)) {
          raise_alert(conn, small_patrol_alert(p, caller, crew.members.size(), min_size, now),
                      Audience::team_leads(p.team_id), now, result.events);
        }
        return result;
      });
}

void check_in(const Services& s, RequestPtr request) {
  const auto req = request->message.check_in();
  const auto now = s.clock.now_ms();
  check_client_time(req.at_ms(), now, "at_ms");
  // The position is optional: a phone in a basement with no fix, or whose volunteer did not
  // allow location, must still be able to say "we are fine" before the patrol goes overdue.
  if (req.has_location()) check_position_early(req.location());
  if (req.status() != v1::CHECK_IN_STATUS_OK && req.status() != v1::CHECK_IN_STATUS_NEED_SUPPORT) {
    throw core::Refusal(core::Reason::NOT_ALLOWED_VALUE, "status is OK or NEED_SUPPORT", "status",
                        {{"allowed", "CHECK_IN_STATUS_OK,CHECK_IN_STATUS_NEED_SUPPORT"}});
  }
  const auto grace_ms = static_cast<std::int64_t>(s.config.overdue_grace_s) * 1000;
  const auto precision = s.config.geohash_precision;
  auto stored = req;
  stored.clear_location();
  const auto hash = content_hash(stored, cell_of(req.has_location() ? &req.location() : nullptr, precision));
  idempotent_write(
      s, request, "check_in", req.client_id(), hash, [=](store::Connection& conn, const Principal& caller) {
        auto patrol = member_patrol(conn, req.patrol_id(), caller);
        require_active(patrol);
        // Without a position: no cell for this check-in, counted in the patrol's area, and
        // the patrol keeps the last cell it reported.
        Place where;
        if (req.has_location())
          where = place_of(conn, req.location(), precision);
        else
          where.area_id = patrol.area_id;
        const bool need_support = req.status() == v1::CHECK_IN_STATUS_NEED_SUPPORT;
        const store::CheckInRow row{core::new_ordered_id("chk", now),
                                    patrol.id,
                                    caller.volunteer_id,
                                    req.at_ms(),
                                    now,
                                    where.cell,
                                    where.area_id,
                                    static_cast<int>(req.status())};
        store::insert_check_in(conn, row);
        store::count_check_in(conn, now, where.area_id, patrol.team_id, need_support);
        // heard_from() in one statement with the patrol's last check-in.
        store::record_patrol_check_in(
            conn, patrol.id, now, req.has_location() ? where.cell : patrol.last_cell, row.status, grace_ms);
        WriteResult result;
        result.id = row.id;
        resolve_overdue(conn, patrol, now, result.events);
        // Only a NEED_SUPPORT check-in, or the first one after it, can change that alert:
        // a patrol's alert is open only while its last check-in said NEED_SUPPORT.
        if (need_support || patrol.last_status == v1::CHECK_IN_STATUS_NEED_SUPPORT) {
          settle_need_support(conn, patrol, caller, where, need_support, now, result.events);
        }

        v1::Event e;
        auto* c = e.mutable_check_in_recorded();
        c->set_check_in_id(row.id);
        c->set_patrol_id(patrol.id);
        c->set_volunteer_id(caller.volunteer_id);
        c->set_at_ms(req.at_ms());
        c->set_cell(where.cell);
        c->set_area_id(where.area_id);
        c->set_status(req.status());
        result.events.push_back(append_event(conn, std::move(e), Audience::team(patrol.team_id), now));
        return result;
      });
}

void end_patrol(const Services& s, RequestPtr request) {
  const auto req = request->message.end_patrol();
  const auto now = s.clock.now_ms();
  check_client_time(req.ended_at_ms(), now, "ended_at_ms");
  idempotent_write(
      s, request, "patrol.end", req.client_id(), content_hash(req),
      [=](store::Connection& conn, const Principal& caller) {
        auto patrol = member_patrol(conn, req.patrol_id(), caller);
        WriteResult result;
        result.id = patrol.id;
        // Ended already (by a partner, or by the server after a long silence): what this
        // member wanted is done, so it is no failure to show them.
        if (!patrol.active()) {
          result.duplicate = true;
          return result;
        }
        // Two phones' clocks differ: an end before the start is the start. Refusing it
        // would leave the patrol open, and its overdue alarm would go off for nothing.
        store::end_patrol(conn, patrol.id, std::max(req.ended_at_ms(), patrol.started_at_ms), now);
        resolve_overdue(conn, patrol, now, result.events,
                        Resolution::server("RESOLVED_PATROL_ENDED", "the patrol ended"));
        // A small patrol's warning is about the patrol while it runs.
        if (const auto small = store::open_patrol_alert(conn, patrol.id, v1::ALERT_KIND_SMALL_PATROL)) {
          resolve(conn, *small, Resolution::server("RESOLVED_PATROL_ENDED", "the patrol ended"), now,
                  result.events);
        }
        v1::Event e;
        *e.mutable_patrol_ended() = patrol_view(*store::find_patrol(conn, patrol.id));
        result.events.push_back(append_event(conn, std::move(e), Audience::team(patrol.team_id), now));
        return result;
      });
}

}  // namespace gadehold::app::patrols
