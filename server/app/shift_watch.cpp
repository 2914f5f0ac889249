// The shift side of the watchdog: understaffing alerts and reminders. Like the patrol
// timers, their state is in the database (shifts.understaffed_alert_id,
// shift_signups.reminded_at_ms) and the clock is injectable.
#include "server/app/dispatcher.hpp"
#include "server/app/patrol_support.hpp"
#include "server/app/shift_rules.hpp"
#include "server/app/shift_support.hpp"
#include "server/core/tokens.hpp"
#include "server/store/engine/database.hpp"
#include "server/store/patrols.hpp"
#include "server/store/shifts.hpp"

namespace gadehold::app {

namespace {

std::vector<std::string> shifts_where(store::Connection& conn, const char* condition, std::int64_t now,
                                      std::int64_t window_ms) {
  store::Statement st(conn, std::string("SELECT s.id FROM shifts s WHERE s.cancelled_at_ms IS NULL "
                                        "AND s.starts_at_ms > ?1 AND s.starts_at_ms <= ?1 + ?2 AND ") +
                                condition);
  st.bind(1, now).bind(2, window_ms);
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.column_text(0));
  return out;
}

constexpr const char* kUnderstaffed =
    "s.understaffed_alert_id IS NULL AND "
    "(SELECT COUNT(*) FROM shift_signups ss WHERE ss.shift_id = s.id) < s.min_volunteers";
// Open understaffing alerts of shifts that have started: closed, the shift went ahead.
constexpr const char* kStartedUnderstaffed =
    "SELECT s.id FROM alerts a JOIN shifts s ON s.id = a.shift_id "
    "WHERE a.acknowledged_at_ms IS NULL AND a.kind = 3 AND s.starts_at_ms <= ?";
constexpr const char* kUnreminded =
    "EXISTS (SELECT 1 FROM shift_signups ss WHERE ss.shift_id = s.id AND ss.reminded_at_ms IS NULL)";

}  // namespace

std::size_t Dispatcher::tick_shifts(std::int64_t now) {
  const auto rules = ShiftRules::from(config_);
  std::vector<std::string> understaffed, unreminded, started;
  {
    auto reader = db_.readers().acquire();
    understaffed = shifts_where(*reader, kUnderstaffed, now, rules.understaffed_window_ms);
    unreminded = shifts_where(*reader, kUnreminded, now, rules.reminder_ms);
    store::Statement st(*reader, kStartedUnderstaffed);
    st.bind(1, now);
    while (st.step()) started.push_back(st.column_text(0));
  }
  for (const auto& shift_id : started) {
    watch_write([shift_id, now](store::Connection& conn) {
      std::vector<PendingEvent> events;
      auto shift = store::find_shift(conn, shift_id);
      if (!shift || shift->starts_at_ms > now) return events;
      close_understaffed(conn, *shift, now,
                         "the shift started with " + std::to_string(shift->sign_ups.size()) + " volunteers", events);
      return events;
    });
  }
  // Each write re-checks its condition, as the patrol timers do.
  for (const auto& shift_id : understaffed) {
    watch_write([shift_id, now, rules](store::Connection& conn) {
      std::vector<PendingEvent> events;
      auto shift = store::find_shift(conn, shift_id);
      if (!shift || shift->cancelled() || !shift->understaffed_alert_id.empty() || shift->starts_at_ms <= now ||
          shift->starts_at_ms > now + rules.understaffed_window_ms ||
          static_cast<std::int64_t>(shift->sign_ups.size()) >= shift->min_volunteers) {
        return events;
      }
      store::AlertRow alert;
      alert.id = core::new_id("alrt");
      alert.kind = v1::ALERT_KIND_UNDERSTAFFED;
      alert.team_id = shift->team_id;
      alert.shift_id = shift->id;
      alert.area_id = shift->area_id;
      alert.raised_at_ms = now;
      alert.message = std::to_string(shift->sign_ups.size()) + " of at least " +
                      std::to_string(shift->min_volunteers) + " volunteers signed up";
      raise_alert(conn, alert, Audience::team_leads(shift->team_id), now, events);
      shift->understaffed_alert_id = alert.id;
      store::save_shift(conn, *shift);
      return events;
    });
  }
  for (const auto& shift_id : unreminded) {
    watch_write([shift_id, now, rules](store::Connection& conn) {
      std::vector<PendingEvent> events;
      auto shift = store::find_shift(conn, shift_id);
      if (!shift || shift->cancelled() || shift->starts_at_ms <= now ||
          shift->starts_at_ms > now + rules.reminder_ms) {
        return events;
      }
      std::vector<std::string> due;
      {
        store::Statement st(conn,
                            "SELECT volunteer_id FROM shift_signups WHERE shift_id = ? AND reminded_at_ms IS NULL "
                            "ORDER BY volunteer_id");
        st.bind(1, shift_id);
        while (st.step()) due.push_back(st.column_text(0));
      }
      store::Statement mark(conn, "UPDATE shift_signups SET reminded_at_ms = ? WHERE shift_id = ? AND volunteer_id = ?");
      const auto view = shift_view(*shift);
      for (const auto& volunteer : due) {
        mark.reset();
        mark.bind(1, now).bind(2, shift_id).bind(3, volunteer).run();
        v1::Event e;
        *e.mutable_shift_reminder()->mutable_shift() = view;
        events.push_back(append_event(conn, std::move(e), Audience::volunteer(volunteer), now));
      }
      return events;
    });
  }
  return understaffed.size() + unreminded.size() + started.size();
}

}  // namespace gadehold::app
