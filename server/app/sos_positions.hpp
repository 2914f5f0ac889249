#pragma once
// The exact positions of open SOS alerts, in memory only: never written to the database,
// the log or a backup. Leads and coordinators who connect or list alerts while an SOS is
// open get its position with it; after a restart only its cell remains.
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "gadehold/v1/patrol.pb.h"

namespace gadehold::app {

class SosPositions {
 public:
  void remember(const std::string& alert_id, const v1::Location& where);
  void forget(const std::string& alert_id);
  std::optional<v1::Location> find(const std::string& alert_id) const;
  // Sets the position of `alert` when it is an SOS that is not resolved and one is held.
  void attach(v1::Alert& alert) const;
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, v1::Location> positions_;
};

}  // namespace gadehold::app
