#pragma once
// Push to locked phones, end to end: committed events that app/push/plan says are pushed
// are turned, on a reader thread (app/push/fanout), into one encrypted message per
// subscribed device of the event's audience, and handed to the PushClient's thread.
// Nothing here runs on a network thread or the writer for longer than it takes to copy a
// few ids.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/app/events.hpp"
#include "server/app/hub.hpp"
#include "server/core/clock.hpp"
#include "server/net/push_client.hpp"

namespace gadehold::store {
class Database;
}
namespace gadehold::app::push {
struct Delivery;
}

namespace gadehold::net {

class PushFanout {
 public:
  // Starts the push thread. `options.on_gone` is set here: a subscription a push service
  // calls gone (404, 410) is deleted through the writer. Throws as PushClient does.
  PushFanout(store::Database& db, const core::Clock& clock, VapidKey key, PushClientOptions options);
  ~PushFanout();
  PushFanout(const PushFanout&) = delete;
  PushFanout& operator=(const PushFanout&) = delete;

  // Thread-safe; returns at once. Events that are not pushed cost one switch each.
  void deliver(const std::vector<app::PendingEvent>& events);
  // Stops the push thread; later events are not pushed. Call before the database stops.
  void stop();
  // The device was revoked: its messages still waiting for a retry are dropped. (Its
  // subscription row is gone with it, so no new message is made for it.) Thread-safe.
  void withdraw(const std::string& device_id);

 private:
  // On a reader thread: encrypts for one device and queues it.
  void send(const app::push::Delivery& delivery);
  // On the push thread, before a retry.
  bool still_wanted(const std::string& subscription_id);

  store::Database& db_;
  const core::Clock& clock_;
  std::unique_ptr<PushClient> client_;
  std::atomic<bool> stopped_{false};
  std::mutex withdrawn_mutex_;
  // Revoked devices, kept longer than any message waits for a retry (push-client's 5 min).
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> withdrawn_;
};

// The hub the dispatcher sees when push is on: the live sessions as they are, and push.
class PushingHub final : public app::Hub {
 public:
  PushingHub(app::Hub& live, PushFanout& push) : live_(live), push_(push) {}
  void close_device(const std::string& device_id, std::uint16_t code, const std::string& reason) override {
    live_.close_device(device_id, code, reason);
    push_.withdraw(device_id);  // only revocations close a device
  }
  std::size_t publish(std::shared_ptr<const std::string> frame, const app::Audience& audience) override {
    return live_.publish(std::move(frame), audience);
  }
  void update_volunteer(const std::string& volunteer_id, int role, const std::vector<std::string>& team_ids,
                        const std::vector<std::string>& lead_team_ids) override {
    live_.update_volunteer(volunteer_id, role, team_ids, lead_team_ids);
  }
  void push_to_devices(const std::vector<app::PendingEvent>& events) override { push_.deliver(events); }

 private:
  app::Hub& live_;
  PushFanout& push_;
};

}  // namespace gadehold::net
