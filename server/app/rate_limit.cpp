#include "server/app/rate_limit.hpp"

#include <algorithm>

namespace gadehold::app {

TokenBuckets::Bucket& TokenBuckets::refill(const std::string& key,
                                           std::chrono::steady_clock::time_point now) {
  // Full buckets carry no information: sweep them out at most once a second, so the
  // map stays small without a scan on every call.
  if (buckets_.size() > kSweepAbove && now - last_sweep_ > std::chrono::seconds(1)) {
    last_sweep_ = now;
    std::erase_if(buckets_, [&](const auto& kv) {
      const std::chrono::duration<double> idle = now - kv.second.updated;
      return kv.second.tokens + idle.count() * rate_ >= burst_;
    });
    // Past the hard cap (a flood from very many addresses) forget everything rather
    // than grow without bound: the limit then restarts from full buckets.
    if (buckets_.size() > kHardCap) buckets_.clear();
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
