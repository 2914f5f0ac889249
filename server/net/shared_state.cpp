#include "server/net/shared_state.hpp"

#include <algorithm>

#include "server/core/metrics.hpp"

namespace gadehold::net {

void SessionRegistry::add(std::uint64_t id, std::weak_ptr<LiveSession> session) {
  std::lock_guard lock(mutex_);
  sessions_[id] = Entry{std::move(session), {}};
}

void SessionRegistry::add_id(std::unordered_map<std::string, Ids>& map, const std::string& key, std::uint64_t id) {
  auto& ids = map[key];
  if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
}

void SessionRegistry::remove_id(std::unordered_map<std::string, Ids>& map, const std::string& key, std::uint64_t id) {
  auto it = map.find(key);
  if (it == map.end()) return;
  std::erase(it->second, id);
  if (it->second.empty()) map.erase(it);
}

void SessionRegistry::index(std::uint64_t id, const app::Principal& p) {
  for (const auto& t : p.team_ids) add_id(by_team_, t, id);
  for (const auto& t : p.lead_team_ids) add_id(by_team_, t, id);
  add_id(by_volunteer_, p.volunteer_id, id);
  add_id(by_device_, p.device_id, id);
  if (p.is_coordinator()) coordinators_.push_back(id);
}

void SessionRegistry::unindex(std::uint64_t id, const app::Principal& p) {
  for (const auto& t : p.team_ids) remove_id(by_team_, t, id);
  for (const auto& t : p.lead_team_ids) remove_id(by_team_, t, id);
  remove_id(by_volunteer_, p.volunteer_id, id);
  remove_id(by_device_, p.device_id, id);
  std::erase(coordinators_, id);
}

void SessionRegistry::limit_per_device(std::size_t limit) {
  std::lock_guard lock(mutex_);
  per_device_ = std::max<std::size_t>(1, limit);
}

void SessionRegistry::set_identity(std::uint64_t id, const app::Principal& principal) {
  std::vector<std::shared_ptr<LiveSession>> replaced;
  {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return;
    if (it->second.principal) unindex(id, *it->second.principal);
    it->second.principal = principal;
    index(id, principal);
    // The newest wins: one stolen token cannot pile up connections, and a phone whose
    // old connection is half-dead gets on at once.
    for (;;) {
      auto ids = by_device_.find(principal.device_id);
      if (ids == by_device_.end() || ids->second.size() <= per_device_) break;
      const auto oldest = ids->second.front();
      auto& entry = sessions_.at(oldest);
      if (auto s = entry.session.lock()) replaced.push_back(std::move(s));
      unindex(oldest, *entry.principal);
      entry.principal.reset();  // no more pushes while the close frame is on its way
    }
  }
  for (auto& s : replaced) {
    core::metrics().connections_limited.with("replaced").inc();
    s->close(kCloseReplacedCode, std::string(kCloseReplaced));
  }
}

void SessionRegistry::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  if (it->second.principal) unindex(id, *it->second.principal);
  sessions_.erase(it);
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
      unindex(id, *entry.principal);
      entry.principal.reset();  // no more pushes while the close frame is on its way
    }
  }
  for (auto& s : matches) s->close(code, reason);
}

void SessionRegistry::update_volunteer(const std::string& volunteer_id, int role,
                                       const std::vector<std::string>& team_ids,
                                       const std::vector<std::string>& lead_team_ids) {
  std::lock_guard lock(mutex_);
  auto found = by_volunteer_.find(volunteer_id);
  if (found == by_volunteer_.end()) return;
  const Ids ids = found->second;  // unindex() below edits the index
  for (const auto id : ids) {
    auto it = sessions_.find(id);
    if (it == sessions_.end() || !it->second.principal) continue;
    auto& p = *it->second.principal;
    unindex(id, p);
    p.role = static_cast<v1::Role>(role);
    p.team_ids = team_ids;
    p.lead_team_ids = lead_team_ids;
    index(id, p);
  }
}

std::size_t SessionRegistry::publish(std::shared_ptr<const std::string> frame, const app::Audience& audience) {
  using Kind = app::Audience::Kind;
  std::vector<std::shared_ptr<LiveSession>> recipients;
  {
    std::lock_guard lock(mutex_);
    // Everyone the audience could include, from the indexes; includes() decides.
    Ids candidates = coordinators_;
    auto take = [&](const std::unordered_map<std::string, Ids>& map, const std::string& key) {
      auto it = map.find(key);
      if (it != map.end()) candidates.insert(candidates.end(), it->second.begin(), it->second.end());
    };
    if (audience.kind != Kind::coordinators && audience.kind != Kind::volunteer) take(by_team_, audience.team_id);
    if (audience.kind == Kind::volunteer || audience.kind == Kind::volunteer_and_leads) {
      take(by_volunteer_, audience.volunteer_id);
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    for (const auto id : candidates) {
      auto it = sessions_.find(id);
      if (it == sessions_.end() || !it->second.principal || !audience.includes(*it->second.principal)) continue;
      if (auto s = it->second.session.lock()) recipients.push_back(std::move(s));
    }
  }
  // One payload, shared by every recipient's queue; sent outside the lock.
  for (auto& s : recipients) s->push(frame);
  return recipients.size();
}

std::optional<AddressConnections::Slot> AddressConnections::acquire(const std::string& address,
                                                                    std::size_t limit) {
  std::lock_guard lock(mutex_);
  auto it = counts_.try_emplace(address, 0).first;
  if (it->second >= limit) {
    if (it->second == 0) counts_.erase(it);
    return std::nullopt;
  }
  ++it->second;
  return Slot(*this, *it);
}

void AddressConnections::release(Counts::value_type& entry) {
  std::lock_guard lock(mutex_);
  if (--entry.second == 0) counts_.erase(counts_.find(entry.first));
}

}  // namespace gadehold::net
