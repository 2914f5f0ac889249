#pragma once
// What every connection shares: settings, the dispatcher, the live-session registry
// and the server's lifecycle state. Outlives every session.
#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "server/app/dispatcher.hpp"
#include "server/app/events.hpp"
#include "server/app/hub.hpp"
#include "server/core/address_ranges.hpp"
#include "server/core/config.hpp"

namespace gadehold::net {

// The close of a connection that a newer one of the same device replaced, past
// `max-connections-per-device`: 1008 "replaced". The app must not reconnect on it, or its
// two copies would replace each other for ever (docs/protocol.md).
inline constexpr std::uint16_t kCloseReplacedCode = 1008;
inline constexpr std::string_view kCloseReplaced = "replaced";

// A WebSocket session as the rest of the server sees it. Both calls are thread-safe.
class LiveSession {
 public:
  virtual ~LiveSession() = default;
  // Sends the close frame after whatever is already queued.
  virtual void close(std::uint16_t code, std::string reason) = 0;
  // Queues one serialized ServerMessage shared between recipients.
  virtual void push(std::shared_ptr<const std::string> frame) = 0;
};

// Weak references to every open WebSocket session, keyed by connection id, with the
// device each one authenticated as.
class SessionRegistry final : public app::Hub {
 public:
  void add(std::uint64_t id, std::weak_ptr<LiveSession> session);
  // Records who the connection authenticated as, for revocation and event audiences.
  // Past the device's limit (limit_per_device) the newest wins: the device's connections
  // that authenticated first are closed with 1008 "replaced".
  void set_identity(std::uint64_t id, const app::Principal& principal);
  // Authenticated connections one device may hold (`max-connections-per-device`).
  void limit_per_device(std::size_t limit);
  void remove(std::uint64_t id);
  void close_device(const std::string& device_id, std::uint16_t code, const std::string& reason) override;
  std::size_t publish(std::shared_ptr<const std::string> frame, const app::Audience& audience) override;
  void update_volunteer(const std::string& volunteer_id, int role, const std::vector<std::string>& team_ids,
                        const std::vector<std::string>& lead_team_ids) override;
  std::size_t size() const;
  // Copies the live sessions under the lock; callers act on them after releasing it.
  std::vector<std::shared_ptr<LiveSession>> snapshot() const;

 private:
  struct Entry {
    std::weak_ptr<LiveSession> session;
    std::optional<app::Principal> principal;
  };
  using Ids = std::vector<std::uint64_t>;
  // Indexes over authenticated sessions, so that an event reaches its audience
  // without a scan of every connection.
  void index(std::uint64_t id, const app::Principal& p);
  void unindex(std::uint64_t id, const app::Principal& p);
  static void add_id(std::unordered_map<std::string, Ids>& map, const std::string& key, std::uint64_t id);
  static void remove_id(std::unordered_map<std::string, Ids>& map, const std::string& key, std::uint64_t id);

  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, Entry> sessions_;
  std::unordered_map<std::string, Ids> by_team_;       // members and leads of a team
  std::unordered_map<std::string, Ids> by_volunteer_;  // a volunteer's devices
  std::unordered_map<std::string, Ids> by_device_;     // in the order they authenticated
  Ids coordinators_;
  std::size_t per_device_ = std::numeric_limits<std::size_t>::max();
};

// WebSocket connections per client address, up to `max-connections-per-address`.
// Thread-safe.
class AddressConnections {
 public:
  using Counts = std::unordered_map<std::string, std::size_t>;
  // Counts one connection while it lives; its destructor gives the place back. Holds
  // the address's entry (stable in an unordered_map), not a copy of the address.
  class Slot {
   public:
    Slot(AddressConnections& owner, Counts::value_type& entry) : owner_(&owner), entry_(&entry) {}
    Slot(Slot&& other) noexcept
        : owner_(std::exchange(other.owner_, nullptr)), entry_(std::exchange(other.entry_, nullptr)) {}
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (owner_ != nullptr) owner_->release(*entry_);
    }

   private:
    AddressConnections* owner_;
    Counts::value_type* entry_;
  };

  // A place for one more connection from `address`; nullopt when it already holds `limit`.
  std::optional<Slot> acquire(const std::string& address, std::size_t limit);

 private:
  void release(Counts::value_type& entry);

  std::mutex mutex_;
  Counts counts_;
};

enum class Lifecycle { starting, serving, draining };

// Which listener a connection came in on: the app port (WebSocket, dashboard, calendar
// feeds, the public /healthz) or the metrics listener (/metrics and the full /healthz,
// plain HTTP, nothing else).
enum class Surface { app, metrics };

struct SharedState {
  SharedState(const core::Config& cfg, app::Dispatcher& d, SessionRegistry& s)
      : config(cfg),
        dispatcher(d),
        sessions(s),
        trusted_proxies(core::AddressRanges::parse(cfg.trusted_proxies)) {}

  const core::Config& config;
  app::Dispatcher& dispatcher;
  SessionRegistry& sessions;
  const core::AddressRanges trusted_proxies;  // whose X-Forwarded-For is believed
  AddressConnections address_connections;
  std::atomic<Lifecycle> lifecycle{Lifecycle::starting};
  std::atomic<std::uint64_t> next_connection_id{1};
};

}  // namespace gadehold::net
