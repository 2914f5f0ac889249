// The alerts' side of the watchdog: an overdue alert that no lead acknowledged in time
// goes to the coordinators, and the open-alert gauges.
#include <array>

#include "server/app/alert_log.hpp"
#include "server/app/alerts/alerts.hpp"
#include "server/app/commit.hpp"
#include "server/core/metrics.hpp"

namespace gadehold::app::alerts {

void escalate(const Services& s, const std::string& alert_id, std::int64_t now_ms) {
  background_write(s, [alert_id, now_ms](store::Connection& conn) {
    std::vector<PendingEvent> events;
    auto a = store::find_alert(conn, alert_id);
    if (!a || a->acknowledged() || a->resolved() || a->escalated_at_ms != 0) return events;
    store::mark_escalated(conn, alert_id, now_ms);
    a->escalated_at_ms = now_ms;
    v1::Event e;
    *e.mutable_alert_raised() = alert_view(*a);
    events.push_back(append_event(conn, std::move(e), Audience::coordinators(), now_ms));
    return events;
  });
}

void count_open_alerts(store::Connection& reader, std::int64_t now_ms) {
  auto& m = core::metrics();
  std::array<std::int64_t, core::Metrics::kAlertKinds> count{}, oldest{};
  for (const auto& open : store::open_alert_counts(reader)) {
    if (open.kind <= 0 || open.kind >= static_cast<int>(count.size())) continue;
    count[open.kind] = open.count;
    oldest[open.kind] = std::max<std::int64_t>(0, (now_ms - open.oldest_raised_at_ms) / 1000);
  }
  for (std::size_t k = 1; k < count.size(); ++k) {
    m.alerts_unacknowledged[k].set(count[k]);
    m.alert_oldest_unacknowledged_s[k].set(oldest[k]);
  }
}

}  // namespace gadehold::app::alerts
