// Notes, SOS and acknowledgements: the writes that carry free text, scrubbed first.
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

namespace gadehold::app {

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
    ins.bind_or_null(7, where.cell).bind(8, where.area_id).bind(9, static_cast<int>(req.category())).bind(10, static_cast<int>(req.outcome()));
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
    // Every lead of the team, every lead on duty for it, and every coordinator at once;
    // the exact position for those connected now only, while the log keeps the cell.
    raise_alert(conn, alert, Audience::team_leads(patrol.team_id), now, result.events,
                req.has_location() ? &req.location() : nullptr);
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
  state_write(request, [=](store::Connection& conn) {
        auto alert = store::find_alert(conn, req.alert_id());
        if (!alert || !(caller.is_coordinator() || caller.leads(alert->team_id) ||
                        store::on_duty(conn, caller.volunteer_id, alert->team_id, now))) {
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
          append_alert_event(conn, std::move(e), Audience::team_leads(alert->team_id), now, result.events);
        }
        result.scrub_report = to_proto(scrubbed.report);
        return result;
      });
}


}  // namespace gadehold::app
