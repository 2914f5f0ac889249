#pragma once
// Token buckets: one per device for requests, one per client address for failed
// authentications. Thread-safe.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace gadehold::app {

class TokenBuckets {
 public:
  // `rate` tokens per second refill a bucket of `burst` tokens.
  TokenBuckets(double rate, double burst) : rate_(rate), burst_(burst) {}
  // Takes one token from `key`'s bucket; false when it is empty.
  bool take(const std::string& key,
            std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());
  // True when `key` has at least one token, without taking it.
  bool has_token(const std::string& key,
                 std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point updated;
  };
  Bucket& refill(const std::string& key, std::chrono::steady_clock::time_point now);

  static constexpr std::size_t kSweepAbove = 10000;
  static constexpr std::size_t kHardCap = 500000;

  double rate_;
  double burst_;
  std::chrono::steady_clock::time_point last_sweep_{};
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace gadehold::app
