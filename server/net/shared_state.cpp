#include "server/net/shared_state.hpp"

namespace gadehold::net {

void SessionRegistry::add(std::uint64_t id, std::weak_ptr<LiveSession> session) {
  std::lock_guard lock(mutex_);
  sessions_[id] = Entry{std::move(session), {}};
}

void SessionRegistry::set_identity(std::uint64_t id, const app::Principal& principal) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (it != sessions_.end()) it->second.principal = principal;
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
  for (const auto& [id, entry] : sessions_) {
    if (auto s = entry.session.lock()) out.push_back(std::move(s));
  }
  return out;
}

void SessionRegistry::close_device(const std::string& device_id, std::uint16_t code, const std::string& reason) {
  std::vector<std::shared_ptr<LiveSession>> matches;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, entry] : sessions_) {
      if (!entry.principal || entry.principal->device_id != device_id) continue;
      if (auto s = entry.session.lock()) matches.push_back(std::move(s));
      entry.principal.reset();  // no more pushes while the close frame is on its way
    }
  }
  for (auto& s : matches) s->close(code, reason);
}

void SessionRegistry::update_volunteer(const std::string& volunteer_id, int role,
                                       const std::vector<std::string>& team_ids,
                                       const std::vector<std::string>& lead_team_ids) {
  std::lock_guard lock(mutex_);
  for (auto& [id, entry] : sessions_) {
    if (!entry.principal || entry.principal->volunteer_id != volunteer_id) continue;
    entry.principal->role = static_cast<v1::Role>(role);
    entry.principal->team_ids = team_ids;
    entry.principal->lead_team_ids = lead_team_ids;
  }
}

std::size_t SessionRegistry::publish(std::shared_ptr<const std::string> frame, const app::Audience& audience) {
  std::vector<std::shared_ptr<LiveSession>> recipients;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, entry] : sessions_) {
      if (!entry.principal || !audience.includes(*entry.principal)) continue;
      if (auto s = entry.session.lock()) recipients.push_back(std::move(s));
    }
  }
  // One payload, shared by every recipient's queue; sent outside the lock.
  for (auto& s : recipients) s->push(frame);
  return recipients.size();
}

}  // namespace gadehold::net
