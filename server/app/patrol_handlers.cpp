// Patrol writes: start, check in, end, notes, SOS and acknowledgements. Every write
// with a client_id is idempotent, committed before its Ack, and becomes events.
#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>

#include "server/app/commit.hpp"
#include "server/app/dispatcher.hpp"
#include "server/app/patrol_view.hpp"
#include "server/app/writes.hpp"
#include "server/core/tokens.hpp"
#include "server/privacy/handle_rules.hpp"
#include "server/privacy/location.hpp"
#include "server/privacy/scrubber.hpp"
#include "server/store/database.hpp"
#include "server/store/identity.hpp"
#include "server/store/patrols.hpp"

namespace gadehold::app {

namespace {

constexpr std::uint32_t kDefaultIntervalS = 1200;
constexpr std::size_t kNoteMaxChars = 2000;
constexpr std::size_t kShortTextMaxChars = 280;

struct Place {
  std::string cell;
  std::string area_id;
};

// Validates a position and coarsens it; the numbers go no further than this function.
Place place_of(store::Connection& conn, const v1::Location& location, unsigned precision) {
  auto status = privacy::check_position(location.lat(), location.lon());
  if (!status.ok()) throw core::Refusal(status.code, status.message, status.field);
  Place p;
  p.cell = privacy::geohash(location.lat(), location.lon(), static_cast<int>(precision));
  p.area_id = store::area_of_cell(conn, p.cell).value_or("");
  return p;
}

void check_position_early(const v1::Location& location) {
  auto status = privacy::check_position(location.lat(), location.lon());
  if (!status.ok()) throw core::Refusal(status.code, status.message, status.field);
}

// Scrubs optional free text after checking its length; returns the scrubbed text.
privacy::ScrubResult scrub_text(const std::string& text, std::size_t max_chars, const char* field) {
  const long chars = privacy::utf8_length(text);
  if (chars < 0 || static_cast<std::size_t>(chars) > max_chars) {
    throw core::Refusal(core::Code::invalid_argument,
                        "at most " + std::to_string(max_chars) + " characters of UTF-8", field);
  }
  return privacy::scrub(text);
}

v1::ScrubReport to_proto(const privacy::ScrubReport& r) {
  using privacy::Marker;
  v1::ScrubReport out;
  out.set_phone(r.count(Marker::phone));
  out.set_email(r.count(Marker::email));
  out.set_postcode(r.count(Marker::postcode));
  out.set_address(r.count(Marker::address));
  out.set_id(r.count(Marker::id));
  out.set_plate(r.count(Marker::plate));
  out.set_date(r.count(Marker::date));
  out.set_name(r.count(Marker::name));
  out.set_handle(r.count(Marker::handle));
  out.set_url(r.count(Marker::url));
  return out;
}

// The patrol a member writes to: it must exist and have the caller as a member;
// anything else is NOT_FOUND, like a patrol that does not exist.
store::PatrolRow member_patrol(store::Connection& conn, const std::string& patrol_id, const Principal& caller) {
  auto patrol = store::find_patrol(conn, patrol_id);
  if (!patrol || !patrol->has_member(caller.volunteer_id) || !caller.member_of(patrol->team_id)) {
    throw core::Refusal(core::Code::not_found, "not found", "patrol_id");
  }
  return *patrol;
}

void require_active(const store::PatrolRow& patrol) {
  if (!patrol.active()) throw core::Refusal(core::Code::failed_precondition, "the patrol has ended", "patrol_id");
}

void resolve_overdue(store::Connection& conn, const store::PatrolRow& patrol, std::int64_t now_ms,
                     std::vector<PendingEvent>& events);

// Anything from a patrol (a check-in, a note, an SOS) restarts its check-in timer and
// resolves an open overdue alert.
void heard_from(store::Connection& conn, const store::PatrolRow& patrol, std::int64_t now_ms, std::int64_t grace_ms,
                std::vector<PendingEvent>& events) {
  store::Statement upd(conn,
                       "UPDATE patrols SET last_activity_ms = ?1, due_at_ms = ?1 + checkin_interval_s * 1000 + ?2 "
                       "WHERE id = ?3 AND ended_at_ms IS NULL");
  upd.bind(1, now_ms).bind(2, grace_ms).bind(3, patrol.id).run();
  resolve_overdue(conn, patrol, now_ms, events);
}

// Resolves a patrol's open overdue alert because the patrol was heard from again.
void resolve_overdue(store::Connection& conn, const store::PatrolRow& patrol, std::int64_t now_ms,
                     std::vector<PendingEvent>& events) {
  if (patrol.overdue_alert_id.empty()) return;
  if (store::acknowledge_alert(conn, patrol.overdue_alert_id, "", now_ms, "the patrol checked in")) {
    v1::Event e;
    auto* ack = e.mutable_alert_acknowledged();
    ack->set_alert_id(patrol.overdue_alert_id);
    ack->set_at_ms(now_ms);
    ack->set_note("the patrol checked in");
    events.push_back(append_event(conn, std::move(e), Audience::team_leads(patrol.team_id), now_ms));
  }
  store::Statement st(conn, "UPDATE patrols SET overdue_alert_id = NULL WHERE id = ?");
  st.bind(1, patrol.id).run();
}

}  // namespace

PendingEvent raise_alert(store::Connection& conn, store::AlertRow alert, const Audience& audience,
                         std::int64_t now_ms) {
  store::insert_alert(conn, alert);
  v1::Event e;
  *e.mutable_alert_raised() = alert_view(alert);
  return append_event(conn, std::move(e), audience, now_ms);
}

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
        v1::ServerMessage msg;
        auto* ack = msg.mutable_ack();
        ack->set_id(result->id);
        ack->set_duplicate(result->duplicate);
        if (result->scrub_report) *ack->mutable_scrub_report() = *result->scrub_report;
        request->reply(std::move(msg));
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
  if (interval < 60 || interval > 7200) {
    throw core::Refusal(core::Code::invalid_argument, "checkin_interval_s is 60 to 7200", "checkin_interval_s");
  }
  if (!req.shift_id().empty()) {
    // Shifts arrive with the scheduling layer; until then no shift id can be valid.
    throw core::Refusal(core::Code::not_found, "not found", "shift_id");
  }
  const auto caller = request->caller;
  const auto grace_ms = static_cast<std::int64_t>(config_.overdue_grace_s) * 1000;
  const auto min_size = config_.min_patrol_size;
  idempotent_write(request, "patrol.start", req.client_id(), content_hash(req), [=](store::Connection& conn) {
    if (!store::area_exists(conn, req.area_id())) throw core::Refusal(core::Code::not_found, "not found", "area_id");
    std::set<std::string> member_ids(req.member_ids().begin(), req.member_ids().end());
    member_ids.insert(caller.volunteer_id);
    // The patrol's team: the caller's team that every member belongs to.
    std::string team;
    for (const auto& candidate : caller.team_ids) {
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
    p.area_id = req.area_id();
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
      alert.message = "patrol started with " + std::to_string(member_ids.size()) + " of at least " +
                      std::to_string(min_size) + " volunteers";
      result.events.push_back(raise_alert(conn, alert, Audience::team_leads(team), now));
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
    result.id = core::new_id("chk");
    store::Statement ins(conn,
                         "INSERT INTO check_ins (id, patrol_id, volunteer_id, at_ms, received_at_ms, cell, area_id, "
                         "status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, result.id).bind(2, patrol.id).bind(3, caller.volunteer_id).bind(4, req.at_ms()).bind(5, now);
    ins.bind(6, where.cell);
    if (where.area_id.empty()) {
      ins.bind_null(7);
    } else {
      ins.bind(7, where.area_id);
    }
    ins.bind(8, static_cast<int>(req.status())).run();
    store::Statement upd(conn, "UPDATE patrols SET last_check_in_ms = ?1, last_cell = ?2, last_status = ?3 WHERE id = ?4");
    upd.bind(1, now).bind(2, where.cell).bind(3, static_cast<int>(req.status())).bind(4, patrol.id).run();
    heard_from(conn, patrol, now, grace_ms, result.events);

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

void Dispatcher::submit_note(RequestPtr request) {
  const auto req = request->message.submit_note();
  const auto now = clock_.now_ms();
  check_client_time(req.at_ms(), now, "at_ms");
  if (req.category() <= v1::NOTE_CATEGORY_UNSPECIFIED || req.category() > v1::NOTE_CATEGORY_OTHER) {
    throw core::Refusal(core::Code::invalid_argument, "category is required", "category");
  }
  if (req.outcome() <= v1::NOTE_OUTCOME_UNSPECIFIED || req.outcome() > v1::NOTE_OUTCOME_EMERGENCY_SERVICES_CALLED) {
    throw core::Refusal(core::Code::invalid_argument, "outcome is required", "outcome");
  }
  if (req.age_band() <= v1::AGE_BAND_UNSPECIFIED || req.age_band() > v1::AGE_BAND_UNKNOWN) {
    throw core::Refusal(core::Code::invalid_argument, "age_band is required", "age_band");
  }
  if (req.group_size() < 1 || req.group_size() > 50) {
    throw core::Refusal(core::Code::invalid_argument, "group_size is 1 to 50", "group_size");
  }
  if (req.has_location()) check_position_early(req.location());
  auto scrubbed = std::make_shared<privacy::ScrubResult>(scrub_text(req.text(), kNoteMaxChars, "text"));
  const auto caller = request->caller;
  const auto grace_ms = static_cast<std::int64_t>(config_.overdue_grace_s) * 1000;
  const auto precision = config_.geohash_precision;
  auto stored = req;
  stored.set_text(scrubbed->text);
  stored.clear_location();
  const auto hash = content_hash(stored, req.has_location() ? privacy::geohash(req.location().lat(), req.location().lon(),
                                                                              static_cast<int>(precision))
                                                            : std::string());
  idempotent_write(request, "note", req.client_id(), hash, [=](store::Connection& conn) {
    auto patrol = member_patrol(conn, req.patrol_id(), caller);
    Place where;
    if (req.has_location()) where = place_of(conn, req.location(), precision);
    if (where.area_id.empty()) where.area_id = patrol.area_id;
    WriteResult result;
    result.id = core::new_id("note");
    store::Statement ins(conn,
                         "INSERT INTO notes (id, patrol_id, team_id, volunteer_id, at_ms, received_at_ms, cell, area_id, "
                         "category, outcome, age_band, group_size, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, result.id).bind(2, patrol.id).bind(3, patrol.team_id).bind(4, caller.volunteer_id);
    ins.bind(5, req.at_ms()).bind(6, now);
    if (where.cell.empty()) {
      ins.bind_null(7);
    } else {
      ins.bind(7, where.cell);
    }
    ins.bind(8, where.area_id).bind(9, static_cast<int>(req.category())).bind(10, static_cast<int>(req.outcome()));
    ins.bind(11, static_cast<int>(req.age_band())).bind(12, static_cast<int>(req.group_size()));
    ins.bind(13, scrubbed->text).run();
    heard_from(conn, patrol, now, grace_ms, result.events);
    v1::Event e;
    auto* n = e.mutable_note_recorded();
    n->set_note_id(result.id);
    n->set_patrol_id(patrol.id);
    n->set_team_id(patrol.team_id);
    n->set_volunteer_id(caller.volunteer_id);
    n->set_at_ms(req.at_ms());
    n->set_category(req.category());
    n->set_outcome(req.outcome());
    n->set_age_band(req.age_band());
    n->set_group_size(req.group_size());
    n->set_cell(where.cell);
    n->set_area_id(where.area_id);
    n->set_text(scrubbed->text);
    // Note text goes to the team's leads and the coordinators, never to volunteers.
    result.events.push_back(append_event(conn, std::move(e), Audience::team_leads(patrol.team_id), now));
    result.scrub_report = to_proto(scrubbed->report);
    return result;
  });
}

void Dispatcher::raise_sos(RequestPtr request) {
  const auto req = request->message.raise_sos();
  if (req.has_location()) check_position_early(req.location());
  auto scrubbed = std::make_shared<privacy::ScrubResult>(scrub_text(req.message(), kShortTextMaxChars, "message"));
  const auto caller = request->caller;
  const auto grace_ms = static_cast<std::int64_t>(config_.overdue_grace_s) * 1000;
  const auto now = clock_.now_ms();
  const auto precision = config_.geohash_precision;
  auto stored = req;
  stored.set_message(scrubbed->text);
  stored.clear_location();
  const auto hash = content_hash(stored, req.has_location() ? privacy::geohash(req.location().lat(), req.location().lon(),
                                                                              static_cast<int>(precision))
                                                            : std::string());
  idempotent_write(request, "sos", req.client_id(), hash, [=](store::Connection& conn) {
    auto patrol = member_patrol(conn, req.patrol_id(), caller);
    require_active(patrol);
    store::AlertRow alert;
    alert.id = core::new_id("alrt");
    alert.kind = v1::ALERT_KIND_SOS;
    alert.team_id = patrol.team_id;
    alert.patrol_id = patrol.id;
    alert.raised_by = caller.volunteer_id;
    alert.raised_at_ms = now;
    alert.message = scrubbed->text;
    if (req.has_location()) {
      const auto where = place_of(conn, req.location(), precision);
      alert.cell = where.cell;
      alert.area_id = where.area_id;
    }
    WriteResult result;
    result.id = alert.id;
    heard_from(conn, patrol, now, grace_ms, result.events);
    // Every on-duty lead of the team and every coordinator at once.
    auto pending = raise_alert(conn, alert, Audience::team_leads(patrol.team_id), now);
    if (req.has_location()) {
      // The exact position, for those connected now only; the log keeps the cell.
      pending.live = pending.event;
      *pending.live->mutable_alert_raised()->mutable_location() = req.location();
    }
    result.events.push_back(std::move(pending));
    result.scrub_report = to_proto(scrubbed->report);
    spdlog::warn("SOS raised on patrol {} (alert {})", patrol.id, alert.id);
    return result;
  });
}

void Dispatcher::acknowledge(RequestPtr request) {
  const auto req = request->message.acknowledge_alert();
  auto scrubbed = scrub_text(req.note(), kShortTextMaxChars, "note");
  const auto caller = request->caller;
  const auto grace_ms = static_cast<std::int64_t>(config_.overdue_grace_s) * 1000;
  const auto now = clock_.now_ms();
  commit_then<WriteResult>(
      db_.writer(), request,
      [=](store::Connection& conn) {
        auto alert = store::find_alert(conn, req.alert_id());
        if (!alert || !(caller.is_coordinator() || caller.leads(alert->team_id))) {
          throw core::Refusal(core::Code::not_found, "not found", "alert_id");
        }
        WriteResult result;
        result.id = alert->id;
        result.duplicate = !store::acknowledge_alert(conn, alert->id, caller.volunteer_id, now, scrubbed.text);
        if (!result.duplicate && alert->kind == v1::ALERT_KIND_OVERDUE) {
          // The lead has made contact: watch the patrol afresh from now.
          store::Statement st(conn,
                              "UPDATE patrols SET overdue_alert_id = NULL, due_at_ms = ?1 + checkin_interval_s * 1000 "
                              "+ ?2 WHERE overdue_alert_id = ?3 AND ended_at_ms IS NULL");
          st.bind(1, now).bind(2, grace_ms).bind(3, alert->id).run();
        }
        if (!result.duplicate) {
          v1::Event e;
          auto* ack = e.mutable_alert_acknowledged();
          ack->set_alert_id(alert->id);
          ack->set_acknowledged_by(caller.volunteer_id);
          ack->set_at_ms(now);
          ack->set_note(scrubbed.text);
          result.events.push_back(append_event(conn, std::move(e), Audience::team_leads(alert->team_id), now));
        }
        result.scrub_report = to_proto(scrubbed.report);
        return result;
      },
      [this](Request& r, WriteResult& result) {
        publish(result.events);
        v1::ServerMessage msg;
        msg.mutable_ack()->set_id(result.id);
        msg.mutable_ack()->set_duplicate(result.duplicate);
        *msg.mutable_ack()->mutable_scrub_report() = *result.scrub_report;
        r.reply(std::move(msg));
      });
}

}  // namespace gadehold::app
