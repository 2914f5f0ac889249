#pragma once
// What handlers may ask of the live connections, without seeing a socket. The network
// layer implements it.
#include <cstdint>
#include <string>

namespace gadehold::app {

class Hub {
 public:
  virtual ~Hub() = default;
  // Closes every live connection of the device. Thread-safe; returns at once.
  virtual void close_device(const std::string& device_id, std::uint16_t code, const std::string& reason) = 0;
};

}  // namespace gadehold::app
