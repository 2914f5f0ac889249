#include "server/app/sos_positions.hpp"

namespace gadehold::app {

void SosPositions::remember(const std::string& alert_id, const v1::Location& where) {
  std::lock_guard lock(mutex_);
  positions_[alert_id] = where;
}

void SosPositions::forget(const std::string& alert_id) {
  std::lock_guard lock(mutex_);
  positions_.erase(alert_id);
}

std::optional<v1::Location> SosPositions::find(const std::string& alert_id) const {
  std::lock_guard lock(mutex_);
  const auto it = positions_.find(alert_id);
  if (it == positions_.end()) return std::nullopt;
  return it->second;
}

void SosPositions::attach(v1::Alert& alert) const {
  if (alert.kind() != v1::ALERT_KIND_SOS || alert.state() == v1::ALERT_STATE_RESOLVED) return;
  if (auto where = find(alert.alert_id())) *alert.mutable_location() = *where;
}

std::size_t SosPositions::size() const {
  std::lock_guard lock(mutex_);
  return positions_.size();
}

}  // namespace gadehold::app
