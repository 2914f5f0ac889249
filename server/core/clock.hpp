#pragma once
// Wall-clock time behind an interface, so handlers and timers can run on a fake clock.
#include <atomic>
#include <chrono>
#include <cstdint>

namespace gadehold::core {

// The latest time a request may name (2200-01-01 UTC), so that range widths never overflow.
inline constexpr std::int64_t kLatestTimeMs = 7'258'118'400'000;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t now_ms() const = 0;  // UTC milliseconds since the epoch
};

class SystemClock final : public Clock {
 public:
  std::int64_t now_ms() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
};

// A clock that only moves when a test moves it.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(std::int64_t start_ms) : now_(start_ms) {}
  std::int64_t now_ms() const override { return now_.load(); }
  void advance_ms(std::int64_t delta) { now_ += delta; }
  void set_ms(std::int64_t t) { now_ = t; }

 private:
  std::atomic<std::int64_t> now_;
};

}  // namespace gadehold::core
