#include "server/net/push_client.hpp"

#include <spdlog/spdlog.h>

#include <deque>
#include <stdexcept>
#include <utility>
#include <vector>

#include "server/core/metrics.hpp"
#include "server/core/thread_name.hpp"
#include "server/net/push_connection.hpp"

namespace gadehold::net {

namespace {
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::int64_t wall_ms() {
  return std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A connection the service closed while it sat idle fails at once: worth a second try.
bool closed_while_idle(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == ssl::error::stream_truncated;
}
}  // namespace

struct PushClient::Job {
  PushMessage message;
  PushTarget to;
  Clock::time_point sent_at;
  Clock::time_point deadline;  // no retry starts after it
  unsigned retries = 0;
  unsigned last_status = 0;
  std::string last_error;  // the last connection or TLS error, for the give-up line
  bool settled = false;
};

struct PushClient::Origin {
  std::deque<std::shared_ptr<Job>> waiting;
  std::vector<std::shared_ptr<PushConnection>> idle;
  std::set<std::shared_ptr<PushConnection>> active;
  std::size_t busy = 0;
  std::string name;  // the origin, the VAPID aud
  std::string authorization;
  std::int64_t renew_at_ms = 0;
};

PushClient::PushClient(VapidKey key, PushClientOptions options)
    : key_(std::move(key)),
      options_(std::move(options)),
      tls_(make_push_tls_context(options_.ca_file)),
      work_(ioc_.get_executor()),
      sweep_timer_(ioc_),
      rng_(std::random_device{}()) {
  if (!is_vapid_contact(options_.contact)) {
    throw std::invalid_argument("--push-contact: must be a mailto: or https: URI");
  }
  if (options_.vapid_lifetime_s <= 0 || options_.vapid_lifetime_s > kVapidDefaultLifetimeS) {
    throw std::invalid_argument("the VAPID token's lifetime must be within (0, 12 h]");
  }
  key_.token("https://example.invalid", options_.contact, wall_ms(),
             options_.vapid_lifetime_s);  // fail early
  asio::post(ioc_, [this] { sweep_idle(); });
  thread_ = std::thread([this] { ioc_.run(); });
  core::name_thread(thread_, "gadehold-push");
}

PushClient::~PushClient() { stop(); }

bool PushClient::send(PushMessage message) {
  auto to = parse_push_endpoint(message.endpoint);
  if (!to) {
    drop_on_send(message.kind, PushResult::rejected, "the endpoint is not an https URL");
    return false;
  }
  if (!message.topic.empty() && !is_push_topic(message.topic)) {
    drop_on_send(message.kind, PushResult::rejected, "the topic is not up to 32 base64url characters");
    return false;
  }
  auto job = std::make_shared<Job>();
  job->sent_at = Clock::now();
  job->deadline = job->sent_at +
                  std::min<milliseconds>(options_.backoff.give_up_after, std::chrono::seconds(message.ttl_s));
  job->to = std::move(*to);
  job->message = std::move(message);
  std::lock_guard lock(stop_mutex_);
  if (stopping_) {
    drop_on_send(job->message.kind, PushResult::dropped, "the push client has stopped");
    return false;
  }
  if (pending_.fetch_add(1) >= options_.queue_limit) {
    pending_.fetch_sub(1);
    drop_on_send(job->message.kind, PushResult::dropped, "the push queue is full");
    return false;
  }
  asio::post(ioc_, [this, job] {
    if (stopped_) return settle(*job, PushResult::dropped);
    enqueue(job);
  });
  return true;
}

void PushClient::stop() {
  {
    std::lock_guard lock(stop_mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  asio::post(ioc_, [this] {
    stopped_ = true;
    sweep_timer_.cancel();
    for (const auto& timer : retry_timers_) timer->cancel();
    for (auto& [name, origin] : origins_) {
      for (auto& job : origin->waiting) settle(*job, PushResult::dropped);
      origin->waiting.clear();
      for (auto& c : origin->idle) c->close();
      origin->idle.clear();
      for (const auto& c : origin->active) c->close();
    }
  });
  work_.reset();
  if (thread_.joinable()) thread_.join();
}

void PushClient::enqueue(std::shared_ptr<Job> job) {
  auto& slot = origins_[job->to.origin];
  if (!slot) {
    slot = std::make_unique<Origin>();
    slot->name = job->to.origin;
  }
  slot->waiting.push_back(std::move(job));
  pump(*slot);
}

void PushClient::pump(Origin& origin) {
  while (!stopped_ && origin.busy < options_.max_connections_per_origin && !origin.waiting.empty()) {
    auto job = std::move(origin.waiting.front());
    origin.waiting.pop_front();
    if (job->retries > 0 && Clock::now() >= job->deadline) {
      settle(*job, PushResult::expired);
      continue;
    }
    ++origin.busy;
    asio::co_spawn(ioc_, attempt(origin, job), [this, &origin, job](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        spdlog::error("push: delivery failed: {}", ex.what());
      }
      // attempt() gave its connection slot back as it unwound (BusySlot).
      settle(*job, PushResult::dropped);
      pump(origin);
    });
  }
}

asio::awaitable<void> PushClient::attempt(Origin& origin, std::shared_ptr<Job> job) {
  // The origin's count of attempts under way, given back once, also when this throws.
  struct BusySlot {
    std::size_t* busy;
    void release() {
      if (busy != nullptr) --*std::exchange(busy, nullptr);
    }
    ~BusySlot() { release(); }
  } slot{&origin.busy};
  std::shared_ptr<PushConnection> conn;
  while (!conn && !origin.idle.empty()) {
    conn = std::move(origin.idle.back());
    origin.idle.pop_back();
    if (Clock::now() - conn->idle_since() >= options_.idle_timeout) {
      conn->close();
      conn.reset();
    }
  }
  bool reused = conn != nullptr;
  beast::error_code ec;
  http::response<http::string_body> response;
  for (int round = 0; round < 2; ++round) {
    if (!conn) {
      conn = std::make_shared<PushConnection>(ioc_.get_executor(), *tls_);
      origin.active.insert(conn);
      reused = false;
      ec = co_await conn->open(job->to, options_.connect_timeout, options_.allow_private_addresses);
      if (ec) break;
    } else {
      origin.active.insert(conn);
    }
    const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - job->sent_at);
    const auto ttl = std::max<std::int64_t>(0, std::int64_t{job->message.ttl_s} - elapsed.count());
    http::request<http::string_body> request{http::verb::post, job->to.target, 11};
    request.set(http::field::host, origin.name.substr(std::string_view("https://").size()));
    request.set(http::field::content_type, "application/octet-stream");
    request.set(http::field::content_encoding, "aes128gcm");
    request.set("TTL", std::to_string(ttl));
    request.set("Urgency", std::string(urgency_name(job->message.urgency)));
    if (!job->message.topic.empty()) request.set("Topic", job->message.topic);
    request.set(http::field::authorization, authorization(origin));
    request.keep_alive(true);
    request.body() = job->message.body;
    request.prepare_payload();
    ec = co_await conn->exchange(request, response, options_.io_timeout);
    if (!ec || !reused || stopped_ || !closed_while_idle(ec)) break;
    origin.active.erase(conn);
    conn->close();
    conn.reset();
  }
  origin.active.erase(conn);
  if (!ec && !stopped_ && conn->reusable() && origin.idle.size() < options_.max_idle_per_origin) {
    origin.idle.push_back(conn);
  } else {
    conn->close();
  }
  slot.release();
  if (stopped_) {
    settle(*job, PushResult::dropped);
    co_return;
  }
  if (ec == boost::system::errc::permission_denied) {
    log_limited("private/" + job->message.kind + "/" + job->to.host, std::nullopt,
                fmt::format("push {} to {}: refused, the host has no public address (loopback, private or "
                            "link-local; see push-allow-private-endpoints); logged once per host",
                            job->message.kind, job->to.host));
    settle(*job, PushResult::rejected);
  } else if (ec) {
    spdlog::debug("push {} to {}: {}", job->message.kind, job->to.host, ec.message());
    job->last_status = 0;
    job->last_error = ec.message();
    retry_later(job, std::nullopt);
  } else {
    std::optional<milliseconds> retry_after;
    if (response.result_int() == 429) {
      if (auto it = response.find(http::field::retry_after); it != response.end()) {
        retry_after = parse_retry_after(it->value(), std::chrono::system_clock::now());
      }
    }
    after_answer(job, response.result_int(), retry_after);
  }
  pump(origin);
}

void PushClient::after_answer(std::shared_ptr<Job> job, unsigned status,
                              std::optional<milliseconds> retry_after) {
  job->last_status = status;
  switch (classify_push_status(status)) {
    case PushAnswer::delivered:
      core::metrics().push_delivery_seconds.observe(
          std::chrono::duration<double>(Clock::now() - job->sent_at).count());
      return settle(*job, PushResult::delivered);
    case PushAnswer::gone:
      if (options_.on_gone) {
        try {
          options_.on_gone(job->message.subscription_id);
        } catch (const std::exception& e) {
          spdlog::error("push: on_gone failed: {}", e.what());
        }
      }
      return settle(*job, PushResult::gone);
    case PushAnswer::retry:
      return retry_later(job, retry_after);
    case PushAnswer::rejected:
      log_limited(
          "rejected/" + job->message.kind + "/" + std::to_string(status), std::nullopt,
          fmt::format("push {} to {}: refused with HTTP {}; not retried (logged once per kind and status)",
                      job->message.kind, job->to.host, status));
      return settle(*job, PushResult::rejected);
  }
}

void PushClient::retry_later(std::shared_ptr<Job> job, std::optional<milliseconds> wait) {
  // Retry-After is a floor: a service that keeps answering "0" still meets the backoff.
  const auto backoff = backoff_delay(options_.backoff, job->retries + 1, rng_);
  const auto delay = wait ? std::max(*wait, backoff) : backoff;
  if (Clock::now() + delay >= job->deadline) {
    log_limited("expired/" + job->message.kind + "/" + job->to.host, std::chrono::minutes(10),
                fmt::format("push {} to {}: given up after {} retries ({}); such ends are logged once per "
                            "10 minutes",
                            job->message.kind, job->to.host, job->retries,
                            job->last_status != 0 ? fmt::format("last HTTP status {}", job->last_status)
                                                  : "last error: " + job->last_error));
    return settle(*job, PushResult::expired);
  }
  ++job->retries;
  core::metrics().push_retries.with(job->message.kind).inc();
  auto timer = std::make_shared<asio::steady_timer>(ioc_, delay);
  retry_timers_.insert(timer);
  timer->async_wait([this, timer, job](beast::error_code ec) {
    retry_timers_.erase(timer);
    if (ec || stopped_) return settle(*job, PushResult::dropped);
    // The subscription was withdrawn meanwhile (its device revoked): not tried again.
    if (options_.still_wanted && !options_.still_wanted(job->message.subscription_id)) {
      return settle(*job, PushResult::dropped);
    }
    enqueue(job);
  });
}

void PushClient::settle(Job& job, PushResult result) {
  if (job.settled) return;
  job.settled = true;
  core::metrics().push_total.with(job.message.kind, std::string(push_result_name(result))).inc();
  pending_.fetch_sub(1);
  if (!options_.on_settled) return;
  PushReport report{job.message.subscription_id,
                    job.message.kind,
                    result,
                    job.last_status,
                    job.retries,
                    std::chrono::duration_cast<milliseconds>(Clock::now() - job.sent_at)};
  try {
    options_.on_settled(report);
  } catch (const std::exception& e) {
    spdlog::error("push: on_settled failed: {}", e.what());
  }
}

const std::string& PushClient::authorization(Origin& origin) {
  const auto now = wall_ms();
  if (origin.authorization.empty() || now >= origin.renew_at_ms) {
    const auto lifetime_ms = options_.vapid_lifetime_s * 1000;
    origin.authorization = key_.authorization(origin.name, options_.contact, now, options_.vapid_lifetime_s);
    // Renewed well before it expires, so a token never arrives stale after a slow hop.
    origin.renew_at_ms = now + lifetime_ms - std::min<std::int64_t>(lifetime_ms / 2, 3600 * 1000);
  }
  return origin.authorization;
}

void PushClient::sweep_idle() {
  if (stopped_) return;
  const auto now = Clock::now();
  for (auto& [name, origin] : origins_) {
    std::erase_if(origin->idle, [&](const std::shared_ptr<PushConnection>& c) {
      if (now - c->idle_since() < options_.idle_timeout) return false;
      c->close();
      return true;
    });
  }
  sweep_timer_.expires_after(std::max<milliseconds>(options_.idle_timeout / 2, milliseconds(100)));
  sweep_timer_.async_wait([this](beast::error_code ec) {
    if (!ec) sweep_idle();
  });
}

void PushClient::drop_on_send(const std::string& kind, PushResult result, const char* why) {
  core::metrics().push_total.with(kind, std::string(push_result_name(result))).inc();
  std::lock_guard lock(send_log_mutex_);
  const auto now = Clock::now();
  auto [it, fresh] = send_logged_.try_emplace(kind + "/" + why, now);
  if (!fresh && now - it->second < std::chrono::minutes(1)) return;
  it->second = now;
  spdlog::warn("push {} not sent: {} (logged at most once a minute)", kind, why);
}

void PushClient::log_limited(const std::string& key, std::optional<Clock::duration> window,
                             const std::string& line) {
  const auto now = Clock::now();
  auto [it, fresh] = logged_.try_emplace(key, now);
  if (!fresh && (!window || now - it->second < *window)) return;
  it->second = now;
  spdlog::warn("{}", line);
}

}  // namespace gadehold::net
