// Patrol writes: start, check in and end. Every write with a client_id is idempotent,
// committed before its Ack, and becomes events.
#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>

#include "server/app/commit.hpp"
#include "server/app/dispatcher.hpp"
#include "server/app/patrol_support.hpp"
#include "server/app/patrol_view.hpp"
#include "server/app/writes.hpp"
#include "server/core/tokens.hpp"
#include "server/privacy/location.hpp"
#include "server/store/engine/database.hpp"
#include "server/store/identity.hpp"
#include "server/store/patrols.hpp"
#include "server/store/shifts.hpp"
#include "server/store/stats.hpp"

namespace gadehold::app {

namespace {
constexpr std::uint32_t kDefaultIntervalS = 1200;
// A shift's patrol may start this long before the shift.
constexpr std::int64_t kShiftEarlyStartMs = 3600 * 1000;
// Far above any street team; bounds the work one StartPatrol can ask of the writer.
constexpr int kMaxPatrolMembers = 50;
}  // namespace

void Dispatcher::idempotent_write(RequestPtr request, const std::string& kind, const std::string& client_id,
                                  const std::string& hash, std::function<WriteResult(store::Connection&)> apply) {
  check_client_id(client_id);
  const auto volunteer = request->caller.volunteer_id;
  const auto now = clock_.now_ms();
  auto result = std::make_shared<WriteResult>();
  db_.writer().submit(
      [=, apply = std::move(apply)](store::Connection& conn) {
        if (auto original = replayed_write(conn, volunteer, client_id, hash)) {
          result->id = *original;
          result->duplicate = true;
          return;
        }
        *result = apply(conn);
        remember_write(conn, volunteer, client_id, kind, hash, result->id, now);
      },
      [this, request, result](const core::Status& status) {
        if (!status.ok()) return request->fail(status);
        publish(result->events);
        reply_ack(*request, *result);
      });
}

void Dispatcher::state_write(RequestPtr request, std::function<WriteResult(store::Connection&)> apply) {
  commit_then<WriteResult>(db_.writer(), std::move(request), std::move(apply), [this](Request& r, WriteResult& result) {
    publish(result.events);
    reply_ack(r, result);
  });
}

void Dispatcher::publish(const std::vector<PendingEvent>& events) {
  for (const auto& pending : events) {
    hub_.publish(push_frame(pending.live ? *pending.live : pending.event), pending.audience);
  }
}

void Dispatcher::start_patrol(RequestPtr request) {
  const auto req = request->message.start_patrol();
  const auto now = clock_.now_ms();
  check_client_time(req.started_at_ms(), now, "started_at_ms");
  const std::uint32_t interval = req.checkin_interval_s() == 0 ? kDefaultIntervalS : req.checkin_interval_s();
  if (interval < kMinCheckInIntervalS || interval > kMaxCheckInIntervalS) {
    throw core::Refusal(core::Code::invalid_argument,
                        "checkin_interval_s is " + std::to_string(kMinCheckInIntervalS) + " to " +
                            std::to_string(kMaxCheckInIntervalS),
                        "checkin_interval_s");
  }
  if (req.member_ids_size() > kMaxPatrolMembers) {
    throw core::Refusal(core::Code::invalid_argument, "a patrol has at most 50 other members", "member_ids");
  }
  const auto caller = request->caller;
  const auto grace_ms = static_cast<std::int64_t>(config_.overdue_grace_s) * 1000;
  const auto min_size = config_.min_patrol_size;
  idempotent_write(request, "patrol.start", req.client_id(), content_hash(req), [=](store::Connection& conn) {
    std::set<std::string> member_ids(req.member_ids().begin(), req.member_ids().end());
    std::string area = req.area_id();
    std::vector<std::string> candidate_teams = caller.team_ids;
    if (!req.shift_id().empty()) {
      // A shift's patrol: its team and area, and by default its signed-up volunteers.
      const auto shift = store::find_shift(conn, req.shift_id());
      if (!shift || !caller.member_of(shift->team_id)) {
        throw core::Refusal(core::Code::not_found, "not found", "shift_id");
      }
      if (shift->cancelled()) {
        throw core::Refusal(core::Code::failed_precondition, "the shift is cancelled", "cancelled");
      }
      if (req.started_at_ms() < shift->starts_at_ms - kShiftEarlyStartMs || req.started_at_ms() >= shift->ends_at_ms) {
        throw core::Refusal(core::Code::failed_precondition,
                            "a shift's patrol starts between an hour before the shift and its end", "started_at_ms");
      }
      if (area.empty()) area = shift->area_id;
      if (member_ids.empty()) {
        // Those signed up who are still in the team: a running shift keeps its sign-ups.
        for (const auto& su : shift->sign_ups) {
          const auto teams = store::teams_of(conn, su.volunteer_id);
          if (store::volunteer_role(conn, su.volunteer_id) &&
              std::find(teams.begin(), teams.end(), shift->team_id) != teams.end()) {
            member_ids.insert(su.volunteer_id);
          }
        }
      }
      candidate_teams = {shift->team_id};
    }
    if (!store::area_exists(conn, area)) throw core::Refusal(core::Code::not_found, "not found", "area_id");
    member_ids.insert(caller.volunteer_id);
    // The patrol's team: the first candidate team that every member belongs to.
    std::string team;
    for (const auto& candidate : candidate_teams) {
      bool all = true;
      for (const auto& m : member_ids) {
        const auto teams = store::teams_of(conn, m);
        if (std::find(teams.begin(), teams.end(), candidate) == teams.end() || !store::volunteer_role(conn, m)) {
          all = false;
          break;
        }
      }
      if (all) {
        team = candidate;
        break;
      }
    }
    if (team.empty()) {
      throw core::Refusal(core::Code::not_found, "every member must belong to your team", "member_ids");
    }
    store::PatrolRow p;
    p.id = core::new_id("pat");
    p.team_id = team;
    p.area_id = area;
    p.shift_id = req.shift_id();
    p.checkin_interval_s = interval;
    p.started_at_ms = req.started_at_ms();
    p.last_activity_ms = now;
    p.due_at_ms = now + static_cast<std::int64_t>(interval) * 1000 + grace_ms;
    for (const auto& m : member_ids) p.members.emplace_back(m, "");
    store::insert_patrol(conn, p, caller.volunteer_id, now);

    WriteResult result;
    result.id = p.id;
    v1::Event started;
    *started.mutable_patrol_started() = patrol_view(*store::find_patrol(conn, p.id));
    result.events.push_back(append_event(conn, std::move(started), Audience::team(team), now));
    if (member_ids.size() < min_size) {
      store::AlertRow alert;
      alert.id = core::new_id("alrt");
      alert.kind = v1::ALERT_KIND_SMALL_PATROL;
      alert.team_id = team;
      alert.patrol_id = p.id;
      alert.raised_by = caller.volunteer_id;
      alert.raised_at_ms = now;
      alert.area_id = p.area_id;
      alert.shift_id = p.shift_id;
      alert.message = "patrol started with " + std::to_string(member_ids.size()) + " of at least " +
                      std::to_string(min_size) + " volunteers";
      raise_alert(conn, alert, Audience::team_leads(team), now, result.events);
    }
    return result;
  });
}

void Dispatcher::check_in(RequestPtr request) {
  const auto req = request->message.check_in();
  const auto now = clock_.now_ms();
  check_client_time(req.at_ms(), now, "at_ms");
  if (!req.has_location()) throw core::Refusal(core::Code::invalid_argument, "location is required", "location");
  check_position_early(req.location());
  if (req.status() != v1::CHECK_IN_STATUS_OK && req.status() != v1::CHECK_IN_STATUS_NEED_SUPPORT) {
    throw core::Refusal(core::Code::invalid_argument, "status is OK or NEED_SUPPORT", "status");
  }
  const auto caller = request->caller;
  const auto grace_ms = static_cast<std::int64_t>(config_.overdue_grace_s) * 1000;
  const auto precision = config_.geohash_precision;
  auto stored = req;
  stored.clear_location();
  const auto hash = content_hash(stored, privacy::geohash(req.location().lat(), req.location().lon(),
                                                          static_cast<int>(precision)));
  idempotent_write(request, "check_in", req.client_id(), hash, [=](store::Connection& conn) {
    auto patrol = member_patrol(conn, req.patrol_id(), caller);
    require_active(patrol);
    const auto where = place_of(conn, req.location(), precision);
    WriteResult result;
    result.id = core::new_ordered_id("chk", now);
    store::Statement ins(conn,
                         "INSERT INTO check_ins (id, patrol_id, volunteer_id, at_ms, received_at_ms, cell, area_id, "
                         "status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, result.id).bind(2, patrol.id).bind(3, caller.volunteer_id).bind(4, req.at_ms()).bind(5, now);
    ins.bind(6, where.cell).bind_or_null(7, where.area_id).bind(8, static_cast<int>(req.status())).run();
    store::count_check_in(conn, now, where.area_id, patrol.team_id, req.status() == v1::CHECK_IN_STATUS_NEED_SUPPORT);
    // heard_from() in one statement with the patrol's last check-in.
    store::record_patrol_check_in(conn, patrol.id, now, where.cell, static_cast<int>(req.status()), grace_ms);
    resolve_overdue(conn, patrol, now, result.events);

    v1::Event e;
    auto* c = e.mutable_check_in_recorded();
    c->set_check_in_id(result.id);
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

void Dispatcher::end_patrol(RequestPtr request) {
  const auto req = request->message.end_patrol();
  const auto now = clock_.now_ms();
  check_client_time(req.ended_at_ms(), now, "ended_at_ms");
  const auto caller = request->caller;
  idempotent_write(request, "patrol.end", req.client_id(), content_hash(req), [=](store::Connection& conn) {
    auto patrol = member_patrol(conn, req.patrol_id(), caller);
    require_active(patrol);
    store::Statement upd(conn,
                         "UPDATE patrols SET ended_at_ms = ?, ended_received_ms = ?, due_at_ms = NULL WHERE id = ?");
    upd.bind(1, req.ended_at_ms()).bind(2, now).bind(3, patrol.id).run();
    WriteResult result;
    result.id = patrol.id;
    resolve_overdue(conn, patrol, now, result.events);
    v1::Event e;
    *e.mutable_patrol_ended() = patrol_view(*store::find_patrol(conn, patrol.id));
    result.events.push_back(append_event(conn, std::move(e), Audience::team(patrol.team_id), now));
    return result;
  });
}


}  // namespace gadehold::app
