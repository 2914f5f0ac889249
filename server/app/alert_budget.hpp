#pragma once
// A per-team budget for planning alerts (small patrols), so that no one can bury a
// team's leads in them: `per_minute` a minute, in bursts of as many. Alerts over the
// budget are not raised and are counted (gadehold_planning_alerts_suppressed_total).
// Safety alerts (SOS, NEED_SUPPORT, OVERDUE) never go through it.
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace gadehold::app {

class AlertBudget {
 public:
  explicit AlertBudget(unsigned per_minute) : per_minute_(per_minute) {}
  // Takes one alert from the team's budget at `now_ms` (the server's clock); false when
  // it is spent.
  bool take(const std::string& team_id, std::int64_t now_ms);

 private:
  struct Bucket {
    double tokens = 0;
    std::int64_t updated_ms = 0;
  };
  const unsigned per_minute_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace gadehold::app
