#pragma once
// What handlers may ask of the live connections, without seeing a socket. The network
// layer implements it.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace gadehold::app {

struct Audience;
struct PendingEvent;

class Hub {
 public:
  virtual ~Hub() = default;
  // Closes every live connection of the device. Thread-safe; returns at once.
  virtual void close_device(const std::string& device_id, std::uint16_t code, const std::string& reason) = 0;
  // Sends `frame` (a serialized ServerMessage) to every live connection whose identity
  // `audience` includes. Thread-safe; returns how many connections it was queued for.
  virtual std::size_t publish(std::shared_ptr<const std::string> frame, const Audience& audience) = 0;
  // A volunteer's role or teams changed: live connections get events by the new ones.
  virtual void update_volunteer(const std::string& volunteer_id, int role,
                                const std::vector<std::string>& team_ids,
                                const std::vector<std::string>& lead_team_ids) = 0;
  // Committed events, after publish(): those that go to locked phones are pushed (Web
  // Push) to every subscribed device of their audiences, connected or not. Thread-safe;
  // returns at once. The default pushes nothing (no push-contact, and the tests' hubs).
  virtual void push_to_devices(const std::vector<PendingEvent>& events) { (void)events; }
};

}  // namespace gadehold::app
