#pragma once
// What the push client tests share: a collector of the client's reports, options with
// short timeouts and backoff, and a message with defaults.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "server/net/push_client.hpp"

namespace gadehold::test {

using namespace std::chrono_literals;

inline constexpr const char* kContact = "mailto:ops@gadehold.test";

// The client's reports, for a test to wait on.
class Reports {
 public:
  void add(const net::PushReport& r) {
    std::lock_guard lock(mutex_);
    reports_.push_back(r);
    changed_.notify_all();
  }
  void gone(const std::string& id) {
    std::lock_guard lock(mutex_);
    gone_.push_back(id);
  }
  net::PushReport wait_for(const std::string& id, std::chrono::milliseconds timeout = 20s) {
    std::unique_lock lock(mutex_);
    const net::PushReport* found = nullptr;
    changed_.wait_for(lock, timeout, [&] {
      for (const auto& r : reports_) {
        if (r.subscription_id == id) found = &r;
      }
      return found != nullptr;
    });
    if (found == nullptr) throw std::runtime_error("no report for " + id);
    return *found;
  }
  std::vector<std::string> gone_ids() {
    std::lock_guard lock(mutex_);
    return gone_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<net::PushReport> reports_;
  std::vector<std::string> gone_;
};

inline net::PushClientOptions quick_options(const std::string& ca_file, Reports& reports) {
  net::PushClientOptions o;
  o.contact = kContact;
  o.ca_file = ca_file;
  o.allow_private_addresses = true;  // the test push service is on 127.0.0.1
  o.connect_timeout = 2s;
  o.io_timeout = 2s;
  o.backoff.initial = 100ms;
  o.backoff.cap = 400ms;
  o.backoff.give_up_after = 10s;
  o.on_settled = [&reports](const net::PushReport& r) { reports.add(r); };
  o.on_gone = [&reports](const std::string& id) { reports.gone(id); };
  return o;
}

inline net::PushMessage message(const std::string& endpoint, const std::string& id,
                                const std::string& kind = "sos") {
  net::PushMessage m;
  m.endpoint = endpoint;
  m.body = "opaque";
  m.ttl_s = 600;
  m.kind = kind;
  m.subscription_id = id;
  return m;
}

}  // namespace gadehold::test
