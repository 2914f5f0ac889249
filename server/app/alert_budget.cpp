#include "server/app/alert_budget.hpp"

#include <algorithm>

#include "server/core/metrics.hpp"

namespace gadehold::app {

bool AlertBudget::take(const std::string& team_id, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  const auto burst = static_cast<double>(per_minute_);
  auto [it, fresh] = buckets_.try_emplace(team_id, Bucket{burst, now_ms});
  auto& b = it->second;
  if (!fresh && now_ms > b.updated_ms) {
    b.tokens = std::min(burst, b.tokens + static_cast<double>(now_ms - b.updated_ms) * burst / 60'000.0);
    b.updated_ms = now_ms;
  }
  if (b.tokens < 1.0) {
    core::metrics().planning_alerts_suppressed.inc();
    return false;
  }
  b.tokens -= 1.0;
  return true;
}

}  // namespace gadehold::app
