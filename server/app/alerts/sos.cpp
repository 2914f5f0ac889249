// RaiseSos: every lead of the team, every lead on duty for it, and every coordinator at
// once; the exact position only to those connected now, while the log keeps the cell.
#include <spdlog/spdlog.h>

#include "server/app/alert_log.hpp"
#include "server/app/alerts/alerts.hpp"
#include "server/app/commit.hpp"
#include "server/app/free_text.hpp"
#include "server/app/patrols/patrol_rules.hpp"
#include "server/app/writes.hpp"

namespace gadehold::app::alerts {

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
                     auto patrol = patrols::member_patrol(conn, req.patrol_id(), caller);
                     patrols::require_active(patrol);
                     auto alert = patrol_alert(v1::ALERT_KIND_SOS, patrol, now, scrubbed.text);
                     alert.raised_by = caller.volunteer_id;
                     alert.area_id.clear();  // where the SOS was raised, or nowhere
                     if (req.has_location()) {
                       const auto where = patrols::place_of(conn, req.location(), precision);
                       alert.cell = where.cell;
                       alert.area_id = where.area_id;
                     }
                     WriteResult result;
                     result.id = alert.id;
                     patrols::heard_from(conn, patrol, now, grace_ms, result.events);
                     raise_alert(conn, alert, Audience::team_leads(patrol.team_id), now, result.events,
                                 req.has_location() ? &req.location() : nullptr);
                     result.scrub_report = to_proto(scrubbed.report);
                     spdlog::warn("SOS raised on patrol {} (alert {})", patrol.id, alert.id);
                     return result;
                   });
}

}  // namespace gadehold::app::alerts
