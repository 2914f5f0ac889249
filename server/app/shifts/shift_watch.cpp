// The shifts' side of the watchdog: understaffing alerts and reminders. Like the patrol
// timers, their state is in the database (shifts.understaffed_alert_id,
// shift_signups.reminded_at_ms) and the clock is injectable.
#include "server/app/alert_log.hpp"
#include "server/app/commit.hpp"
#include "server/app/shifts/shift_rules.hpp"
#include "server/app/shifts/shift_support.hpp"
#include "server/app/shifts/shifts.hpp"
#include "server/core/tokens.hpp"
#include "server/store/alerts.hpp"
#include "server/store/shift_timers.hpp"

namespace gadehold::app::shifts {

namespace {

// The shift started understaffed: its alert closes, the shift went ahead.
void close_started(const Services& s, const std::string& shift_id, std::int64_t now) {
  background_write(s, [shift_id, now](store::Connection& conn) {
    std::vector<PendingEvent> events;
    auto shift = store::find_shift(conn, shift_id);
    if (!shift || shift->starts_at_ms > now) return events;
    const auto volunteers = std::to_string(shift->sign_ups.size());
    close_understaffed(
        conn, *shift, now,
        Resolution::server("RESOLVED_SHIFT_STARTED", "the shift started with " + volunteers + " volunteers",
                           {{"volunteers", volunteers}}),
        events);
    return events;
  });
}

void raise_understaffed(const Services& s, const std::string& shift_id, std::int64_t now,
                        const ShiftRules& rules) {
  background_write(s, [shift_id, now, rules](store::Connection& conn) {
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
    alert.params = {{"signed_up", std::to_string(shift->sign_ups.size())},
                    {"min_volunteers", std::to_string(shift->min_volunteers)},
                    {"starts_at_ms", std::to_string(shift->starts_at_ms)}};
    raise_alert(conn, alert, Audience::team_leads(shift->team_id), now, events);
    shift->understaffed_alert_id = alert.id;
    store::save_shift(conn, *shift);
    return events;
  });
}

void remind(const Services& s, const std::string& shift_id, std::int64_t now, const ShiftRules& rules) {
  background_write(s, [shift_id, now, rules](store::Connection& conn) {
    std::vector<PendingEvent> events;
    auto shift = store::find_shift(conn, shift_id);
    if (!shift || shift->cancelled() || shift->starts_at_ms <= now ||
        shift->starts_at_ms > now + rules.reminder_ms) {
      return events;
    }
    const auto view = shift_view(*shift);
    for (const auto& volunteer : store::unreminded_volunteers(conn, shift_id)) {
      store::mark_reminded(conn, shift_id, volunteer, now);
      v1::Event e;
      *e.mutable_shift_reminder()->mutable_shift() = view;
      events.push_back(append_event(conn, std::move(e), Audience::volunteer(volunteer), now));
    }
    return events;
  });
}

}  // namespace

std::size_t watch(const Services& s, store::Connection& reader, std::int64_t now) {
  const auto rules = ShiftRules::from(s.config);
  const auto understaffed =
      store::understaffed_shifts_without_alert(reader, now, rules.understaffed_window_ms);
  const auto unreminded = store::shifts_with_unreminded_sign_ups(reader, now, rules.reminder_ms);
  const auto started = store::started_shifts_with_open_understaffing(reader, now);
  for (const auto& shift_id : started) close_started(s, shift_id, now);
  for (const auto& shift_id : understaffed) raise_understaffed(s, shift_id, now, rules);
  for (const auto& shift_id : unreminded) remind(s, shift_id, now, rules);
  return understaffed.size() + unreminded.size() + started.size();
}

}  // namespace gadehold::app::shifts
