#include "server/net/push_fanout.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

#include "server/app/push/fanout.hpp"
#include "server/net/webpush_crypto.hpp"

namespace gadehold::net {

namespace {

// The subscription id handed to the client and back to on_gone: the device and the
// endpoint it had, so that a phone that registered a new endpoint since keeps it. It
// stays in memory; it is never logged.
constexpr char kIdSeparator = '\n';
// How long a revoked device is remembered: past every retry of push-client (5 min).
constexpr auto kWithdrawnFor = std::chrono::minutes(15);

}  // namespace

PushFanout::PushFanout(store::Database& db, const core::Clock& clock, VapidKey key, PushClientOptions options)
    : db_(db), clock_(clock) {
  options.on_gone = [this](const std::string& subscription_id) {
    const auto cut = subscription_id.find(kIdSeparator);
    if (cut != std::string::npos) {
      app::push::forget_gone(db_, subscription_id.substr(0, cut), subscription_id.substr(cut + 1));
    }
  };
  options.still_wanted = [this](const std::string& subscription_id) { return still_wanted(subscription_id); };
  client_ = std::make_unique<PushClient>(std::move(key), std::move(options));
}

void PushFanout::withdraw(const std::string& device_id) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(withdrawn_mutex_);
  std::erase_if(withdrawn_, [now](const auto& entry) { return now - entry.second > kWithdrawnFor; });
  withdrawn_[device_id] = now;
}

bool PushFanout::still_wanted(const std::string& subscription_id) {
  const auto device_id = subscription_id.substr(0, subscription_id.find(kIdSeparator));
  std::lock_guard lock(withdrawn_mutex_);
  return !withdrawn_.contains(device_id);
}

PushFanout::~PushFanout() { stop(); }

void PushFanout::stop() {
  stopped_ = true;
  client_->stop();
}

void PushFanout::deliver(const std::vector<app::PendingEvent>& events) {
  if (stopped_) return;
  app::push::fan_out(db_, clock_, events, [this](const app::push::Delivery& d) { send(d); });
}

void PushFanout::send(const app::push::Delivery& d) {
  PushMessage m;
  const auto& sub = d.subscription;
  if (!still_wanted(sub.device_id)) return;  // revoked while this read ran
  try {
    // A fresh ephemeral key and salt for each phone (RFC 8291).
    m.body = encrypt_push_message(PushSubscriptionKeys{sub.p256dh, sub.auth}, d.payload);
  } catch (const std::invalid_argument&) {
    // Checked when it was registered; the message names neither key.
    spdlog::warn("push {}: a stored subscription's keys are not usable; skipped", d.kind);
    return;
  }
  m.endpoint = sub.endpoint;
  m.ttl_s = d.plan->ttl_s;
  m.urgency = d.plan->urgency == app::push::PushUrgency::high ? Urgency::high : Urgency::normal;
  m.topic = app::push::device_topic(d.plan->topic, sub.auth);
  m.kind = d.kind;
  m.subscription_id = sub.device_id + kIdSeparator + sub.endpoint;
  client_->send(std::move(m));  // a refusal is counted and logged by the client
}

}  // namespace gadehold::net
