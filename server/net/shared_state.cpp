#include "server/net/shared_state.hpp"

namespace gadehold::net {

void SessionRegistry::add(std::uint64_t id, std::weak_ptr<LiveSession> session) {
  std::lock_guard lock(mutex_);
  sessions_[id] = std::move(session);
}

void SessionRegistry::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(id);
}

std::size_t SessionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

std::vector<std::shared_ptr<LiveSession>> SessionRegistry::snapshot() const {
  std::vector<std::shared_ptr<LiveSession>> out;
  std::lock_guard lock(mutex_);
  out.reserve(sessions_.size());
  for (const auto& [id, weak] : sessions_) {
    if (auto s = weak.lock()) out.push_back(std::move(s));
  }
  return out;
}

}  // namespace gadehold::net
