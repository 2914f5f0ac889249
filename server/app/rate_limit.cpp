#include "server/app/rate_limit.hpp"

#include <algorithm>

namespace gadehold::app {

TokenBuckets::Bucket& TokenBuckets::refill(const std::string& key, std::chrono::steady_clock::time_point now) {
  // Full buckets carry no information: drop them now and then so the map stays small.
  if (buckets_.size() > 100000) {
    std::erase_if(buckets_, [&](const auto& kv) {
      const std::chrono::duration<double> idle = now - kv.second.updated;
      return kv.second.tokens + idle.count() * rate_ >= burst_;
    });
  }
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst_, now});
  auto& bucket = it->second;
  if (!inserted) {
    const std::chrono::duration<double> elapsed = now - bucket.updated;
    bucket.tokens = std::min(burst_, bucket.tokens + elapsed.count() * rate_);
    bucket.updated = now;
  }
  return bucket;
}

bool TokenBuckets::take(const std::string& key, std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto& bucket = refill(key, now);
  if (bucket.tokens < 1.0) return false;
  bucket.tokens -= 1.0;
  return true;
}

bool TokenBuckets::has_token(const std::string& key, std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mutex_);
  return refill(key, now).tokens >= 1.0;
}

}  // namespace gadehold::app
