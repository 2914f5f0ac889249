#pragma once
// Delivery of Web Push messages (RFC 8030) to push services over HTTPS, on a thread of
// its own: send() never waits, so a slow or silent push service delays nothing else.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "server/net/beast.hpp"
#include "server/net/push_retry.hpp"
#include "server/net/vapid.hpp"

namespace gadehold::net {

class PushConnection;

// One message for one subscription, its body already encrypted (encrypt_push_message).
struct PushMessage {
  std::string endpoint;  // https only; its path identifies the phone and is never logged
  std::string body;      // aes128gcm
  std::uint32_t ttl_s = 60;
  Urgency urgency = Urgency::normal;
  std::string topic;            // empty: none; else at most 32 base64url characters
  std::string kind;             // a small fixed set ("sos", "reminder"): logs and metrics
  std::string subscription_id;  // opaque, handed back to the callbacks
};

// How one message ended, for the owner's callbacks.
struct PushReport {
  std::string subscription_id;
  std::string kind;
  PushResult result = PushResult::dropped;
  unsigned status = 0;  // the last HTTP status; 0 when none was read
  unsigned retries = 0;
  std::chrono::milliseconds latency{0};  // from send() to the end
};

struct PushClientOptions {
  std::string contact;              // the VAPID sub: mailto: or https: (push-contact)
  std::string ca_file;              // trusted besides the system store (push-ca-file); may be empty
  std::size_t queue_limit = 10000;  // messages accepted and not yet settled
  std::size_t max_connections_per_origin = 8;
  std::size_t max_idle_per_origin = 2;
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds connect_timeout{10000};  // resolve, connect and TLS handshake
  std::chrono::milliseconds io_timeout{15000};       // the write, then the read of the answer
  BackoffPolicy backoff;
  std::int64_t vapid_lifetime_s = kVapidDefaultLifetimeS;  // at most 12 h
  // Endpoints come from phones: unless this is set (push-allow-private-endpoints, for a
  // distributor on the operator's own network, and the tests), a host that resolves only
  // to loopback, private or link-local addresses is refused, never connected to.
  bool allow_private_addresses = false;
  // Runs on the push thread: post elsewhere for anything that may wait.
  std::function<void(const std::string& subscription_id)> on_gone;
  std::function<void(const PushReport&)> on_settled;  // every message, whatever its end
  // Asked on the push thread before each retry; false drops the message (its device was
  // revoked since). Unset: every retry goes ahead.
  std::function<bool(const std::string& subscription_id)> still_wanted;
};

class PushClient {
 public:
  // Throws std::invalid_argument for a contact that is not mailto:/https: or a lifetime
  // outside (0, 12 h], std::runtime_error for an unreadable CA file. Starts the thread.
  PushClient(VapidKey key, PushClientOptions options);
  ~PushClient();  // stop()
  PushClient(const PushClient&) = delete;
  PushClient& operator=(const PushClient&) = delete;

  // Queues `message` and returns at once. False when it was dropped: a full queue, a
  // stopped client, or a message that is not well formed (not https, a bad Topic).
  bool send(PushMessage message);
  // Cancels timers, closes connections and joins the thread; what was still pending
  // counts as dropped. Idempotent.
  void stop();

  // Messages accepted and not yet settled.
  std::size_t pending() const { return pending_.load(); }

 private:
  struct Job;
  struct Origin;

  void enqueue(std::shared_ptr<Job> job);
  void pump(Origin& origin);
  asio::awaitable<void> attempt(Origin& origin, std::shared_ptr<Job> job);
  void after_answer(std::shared_ptr<Job> job, unsigned status,
                    std::optional<std::chrono::milliseconds> retry_after);
  void retry_later(std::shared_ptr<Job> job, std::optional<std::chrono::milliseconds> wait);
  void settle(Job& job, PushResult result);
  const std::string& authorization(Origin& origin);
  void sweep_idle();
  void drop_on_send(const std::string& kind, PushResult result, const char* why);
  // Logs `line` unless `key` was logged within `window` (nullopt: ever).
  void log_limited(const std::string& key, std::optional<std::chrono::steady_clock::duration> window,
                   const std::string& line);

  VapidKey key_;
  PushClientOptions options_;
  std::shared_ptr<ssl::context> tls_;
  asio::io_context ioc_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  asio::steady_timer sweep_timer_;
  std::thread thread_;
  std::atomic<std::size_t> pending_{0};
  std::atomic<bool> stopping_{false};
  std::mutex stop_mutex_;

  // Push thread only.
  bool stopped_ = false;
  std::map<std::string, std::unique_ptr<Origin>> origins_;
  std::set<std::shared_ptr<asio::steady_timer>> retry_timers_;
  std::map<std::string, std::chrono::steady_clock::time_point> logged_;
  std::mt19937_64 rng_;

  std::mutex send_log_mutex_;  // send()'s callers: one line per kind and reason a minute
  std::map<std::string, std::chrono::steady_clock::time_point> send_logged_;
};

}  // namespace gadehold::net
