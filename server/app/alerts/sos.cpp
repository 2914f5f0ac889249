// RaiseSos: every lead of the team, every lead on duty for it, and every coordinator at
// once; the exact position to those connected now and, in memory only while it is open,
// to those who connect or list alerts later; the log keeps the cell.
// An SOS is never refused for its patrol: without one (walking home), or with one that
// is not the caller's, it belongs to the team of their latest patrol, else to their
// first team, and goes to the leads of all their teams.
#include <spdlog/spdlog.h>

#include "server/app/alert_log.hpp"
#include "server/app/alerts/alerts.hpp"
#include "server/app/commit.hpp"
#include "server/app/free_text.hpp"
#include "server/app/patrols/patrol_rules.hpp"
#include "server/app/writes.hpp"
#include "server/core/tokens.hpp"
#include "server/store/identity.hpp"

namespace gadehold::app::alerts {

namespace {

// The caller's patrol `patrol_id`, if it is theirs.
std::optional<store::PatrolRow> own_patrol(store::Connection& conn, const std::string& patrol_id,
                                           const Principal& caller) {
  if (patrol_id.empty()) return std::nullopt;
  auto patrol = store::find_patrol(conn, patrol_id);
  if (!patrol || !patrol->has_member(caller.volunteer_id) || !caller.member_of(patrol->team_id)) {
    return std::nullopt;
  }
  return patrol;
}

// The team an SOS without a patrol belongs to.
std::string sos_team(store::Connection& conn, const Principal& caller) {
  if (auto team = store::latest_patrol_team(conn, caller.volunteer_id); team && caller.member_of(*team)) {
    return *team;
  }
  const auto teams = store::teams_of(conn, caller.volunteer_id);
  if (teams.empty()) {
    throw core::Refusal(core::Reason::NO_TEAM, "you are in no team, so no lead can receive an SOS",
                        "patrol_id");
  }
  return teams.front();
}

}  // namespace

void raise_sos(const Services& s, RequestPtr request) {
  const auto req = request->message.raise_sos();
  if (req.has_location()) patrols::check_position_early(req.location());
  const auto scrubbed = scrub_text(req.message(), kShortTextMaxChars, "message");
  const auto grace_ms = static_cast<std::int64_t>(s.config.overdue_grace_s) * 1000;
  const auto now = s.clock.now_ms();
  const auto precision = s.config.geohash_precision;
  auto stored = req;
  stored.set_message(scrubbed.text);
  stored.clear_location();
  const auto cell = patrols::cell_of(req.has_location() ? &req.location() : nullptr, precision);
  idempotent_write(s, request, "sos", req.client_id(), content_hash(stored, cell),
                   [=](store::Connection& conn, const Principal& caller) {
                     const auto patrol = own_patrol(conn, req.patrol_id(), caller);
                     const auto* live = req.has_location() ? &req.location() : nullptr;
                     WriteResult result;
                     result.scrub_report = to_proto(scrubbed.report);
                     if (patrol && patrol->active())
                       patrols::heard_from(conn, *patrol, now, grace_ms, result.events);
                     // Pressed again before anyone answered: the same alert, sent to the leads again
                     // (with the newer position). So one volunteer has at most one unanswered SOS,
                     // and no one can bury another's SOS under their own.
                     if (const auto open = store::unanswered_sos_of(conn, caller.volunteer_id)) {
                       const auto again = store::find_alert(conn, *open);
                       announce_alert(conn, *again, Audience::team_leads(again->team_id), now, result.events,
                                      live);
                       if (live) s.sos_positions.remember(again->id, *live);
                       result.id = again->id;
                       spdlog::warn("SOS pressed again (alert {})", again->id);
                       return result;
                     }
                     store::AlertRow alert;
                     if (patrol) {
                       alert = patrol_alert(v1::ALERT_KIND_SOS, *patrol, now, scrubbed.text);
                     } else {
                       alert.id = core::new_id("alrt");
                       alert.kind = v1::ALERT_KIND_SOS;
                       alert.team_id = sos_team(conn, caller);
                       alert.raised_at_ms = now;
                       alert.message = scrubbed.text;
                     }
                     alert.raised_by = caller.volunteer_id;
                     alert.area_id.clear();  // where the SOS was raised, or nowhere
                     if (live) {
                       const auto where = patrols::place_of(conn, *live, precision);
                       alert.cell = where.cell;
                       alert.area_id = where.area_id;
                     }
                     result.id = alert.id;
                     raise_alert(conn, alert, Audience::team_leads(alert.team_id), now, result.events, live);
                     // In memory only, for leads who connect or list alerts while it is open.
                     if (live) s.sos_positions.remember(alert.id, *live);
                     if (patrol) {
                       spdlog::warn("SOS raised on patrol {} (alert {})", patrol->id, alert.id);
                     } else {
                       spdlog::warn("SOS raised without a patrol (alert {})", alert.id);
                     }
                     return result;
                   });
}

}  // namespace gadehold::app::alerts
