// Patrol reads: the views, the active-patrol list, and Sync over the event log.
#include "server/app/dispatcher.hpp"
#include "server/app/events.hpp"
#include "server/app/patrol_view.hpp"
#include "server/store/engine/database.hpp"

namespace gadehold::app {

v1::Patrol patrol_view(const store::PatrolRow& row) {
  v1::Patrol p;
  p.set_patrol_id(row.id);
  p.set_team_id(row.team_id);
  p.set_area_id(row.area_id);
  p.set_shift_id(row.shift_id);
  for (const auto& [id, handle] : row.members) {
    auto* m = p.add_members();
    m->set_volunteer_id(id);
    m->set_handle(handle);
  }
  p.set_checkin_interval_s(static_cast<std::uint32_t>(row.checkin_interval_s));
  p.set_started_at_ms(row.started_at_ms);
  p.set_last_check_in_ms(row.last_check_in_ms);
  p.set_last_cell(row.last_cell);
  p.set_last_status(static_cast<v1::CheckInStatus>(row.last_status));
  p.set_due_at_ms(row.due_at_ms);
  p.set_ended_at_ms(row.ended_at_ms);
  p.set_auto_closed(row.auto_closed);
  return p;
}

v1::Alert alert_view(const store::AlertRow& row) {
  v1::Alert a;
  a.set_alert_id(row.id);
  a.set_kind(static_cast<v1::AlertKind>(row.kind));
  a.set_team_id(row.team_id);
  a.set_patrol_id(row.patrol_id);
  a.set_raised_by(row.raised_by);
  a.set_raised_at_ms(row.raised_at_ms);
  a.set_cell(row.cell);
  a.set_area_id(row.area_id);
  a.set_message(row.message);
  a.set_escalated(row.escalated_at_ms != 0);
  a.set_shift_id(row.shift_id);
  return a;
}

void Dispatcher::list_active_patrols(RequestPtr request) {
  v1::ServerMessage msg;
  auto* list = msg.mutable_active_patrols();
  auto reader = db_.readers().acquire();
  // The open patrols only (migration 0009's partial index), not every patrol started.
  store::Statement st(*reader,
                      "SELECT id, team_id FROM patrols INDEXED BY patrols_open WHERE ended_at_ms IS NULL "
                      "ORDER BY received_at_ms, id");
  while (st.step()) {
    const auto team = st.column_text(1);
    if (!request->caller.is_coordinator() && !request->caller.member_of(team)) continue;
    if (auto row = store::find_patrol(*reader, st.column_text(0))) *list->add_patrols() = patrol_view(*row);
  }
  request->reply(std::move(msg));
}

void Dispatcher::sync(RequestPtr request) {
  const auto& req = request->message.sync();
  if (req.limit() > 500) throw core::Refusal(core::Code::invalid_argument, "limit is 1 to 500", "limit");
  const std::int64_t limit = req.limit() == 0 ? 200 : req.limit();
  const auto& caller = request->caller;
  v1::ServerMessage msg;
  auto* page = msg.mutable_sync_page();
  auto reader = db_.readers().acquire();
  reader->exec("BEGIN");  // one snapshot for the bounds and the page
  try {
    const auto latest = latest_seq(*reader);
    std::uint64_t purged_through = 0;
    {
      store::Statement st(*reader, "SELECT value FROM server_meta WHERE key = 'events_purged_through'");
      if (st.step()) purged_through = std::stoull(st.column_text(0));
    }
    if (req.since_seq() < purged_through || req.since_seq() > latest) {
      throw core::Refusal(core::Code::failed_precondition,
                          "since_seq is outside the event log; resync with ListActivePatrols, ListShifts and the lists",
                          "since_seq");
    }
    store::Statement st(*reader,
                        "SELECT seq, payload FROM events WHERE seq > ?1 AND ("
                        " (?2 = 1 AND audience NOT IN (4, 5))"
                        " OR (audience IN (4, 6) AND volunteer_id = ?3)"
                        " OR (audience = 1 AND team_id IN (SELECT team_id FROM memberships WHERE volunteer_id = ?3))"
                        " OR (audience IN (2, 5, 6) AND team_id IN (SELECT team_id FROM memberships WHERE volunteer_id = ?3"
                        "     AND is_lead = 1)))"
                        " ORDER BY seq LIMIT ?4");
    st.bind(1, static_cast<std::int64_t>(req.since_seq()))
        .bind(2, caller.is_coordinator() ? 1 : 0)
        .bind(3, caller.volunteer_id)
        .bind(4, limit + 1);
    std::uint64_t next = latest;
    while (st.step()) {
      if (page->events_size() == limit) {
        page->set_more(true);
        break;
      }
      auto* e = page->add_events();
      const auto payload = st.column_text(1);
      e->ParseFromString(payload);
      e->set_seq(static_cast<std::uint64_t>(st.column_int(0)));
      next = e->seq();
    }
    page->set_next_seq(page->more() ? next : latest);
    reader->exec("COMMIT");
  } catch (...) {
    reader->exec("ROLLBACK");
    throw;
  }
  request->reply(std::move(msg));
}

}  // namespace gadehold::app
