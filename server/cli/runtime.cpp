#include "server/cli/runtime.hpp"

#include <spdlog/spdlog.h>

#include <csignal>

#include "server/cli/push_key.hpp"
#include "server/core/allocator.hpp"
#include "server/core/logging.hpp"
#include "server/core/thread_name.hpp"
#include "server/net/tls.hpp"

namespace gadehold::cli {

Runtime::Runtime(core::Config config) : Runtime(std::move(config), std::make_shared<core::SystemClock>()) {}

Runtime::Runtime(core::Config config, std::shared_ptr<const core::Clock> clock)
    : config_(std::move(config)),
      clock_(std::move(clock)),
      ioc_(static_cast<int>(config_.effective_threads())),
      control_(net::asio::make_strand(ioc_)),
      signals_(control_),
      drain_timer_(control_),
      revocation_timer_(control_) {
  config_.validate();
  if (config_.tls_enabled()) tls_ = net::make_tls_context(config_.tls_cert, config_.tls_key);
  db_ = std::make_unique<store::Database>(
      store::Database::Options{config_.db, static_cast<int>(config_.busy_timeout_ms),
                               config_.reader_pool_size, config_.wal_autocheckpoint_pages});
  start_push(ensure_push_key(*db_, clock_->now_ms()));
  sessions_.limit_per_device(config_.max_connections_per_device);
  dispatcher_ = std::make_unique<app::Dispatcher>(*db_, *clock_, hub(), config_);
  watchdog_ = std::make_unique<app::Watchdog>(dispatcher_->services());
  shared_ = std::make_unique<net::SharedState>(config_, *dispatcher_, sessions_);
  const auto address = config_.listen_address();
  listener_ = std::make_shared<net::Listener>(
      ioc_, net::tcp::endpoint(net::asio::ip::make_address(address.host), address.port), *shared_,
      tls_.get());
  endpoint_ = listener_->local_endpoint();
  if (const auto metrics = config_.metrics_listen_address()) {
    metrics_listener_ = std::make_shared<net::Listener>(
        ioc_, net::tcp::endpoint(net::asio::ip::make_address(metrics->host), metrics->port), *shared_,
        nullptr, net::Surface::metrics);
    metrics_endpoint_ = metrics_listener_->local_endpoint();
  }
}

void Runtime::start_push(std::optional<net::VapidKey> key) {
  if (config_.push_contact.empty()) {
    spdlog::info("Web Push is off (no push-contact): alerts reach connected screens only");
    return;
  }
  if (!key) return;  // ensure_push_key said why
  net::PushClientOptions options;
  options.contact = config_.push_contact;
  options.ca_file = config_.push_ca_file;
  options.allow_private_addresses = config_.push_allow_private_endpoints;
  try {
    push_ = std::make_unique<net::PushFanout>(*db_, *clock_, std::move(*key), std::move(options));
  } catch (const std::runtime_error& e) {
    // A push-ca-file that is there but holds no certificate: a setting to fix (exit 2).
    throw core::UsageError(e.what());
  }
  pushing_hub_ = std::make_unique<net::PushingHub>(sessions_, *push_);
  spdlog::info("Web Push is on{}",
               config_.push_allow_private_endpoints ? " (private endpoints allowed)" : "");
}

app::Hub& Runtime::hub() {
  if (pushing_hub_) return *pushing_hub_;
  return sessions_;
}

Runtime::~Runtime() {
  shutdown();
  wait();
}

void Runtime::run(bool handle_signals) {
  if (handle_signals) {
    // A file-size limit (ulimit -f, systemd's LimitFSIZE) must fail the write that
    // passes it, so that the writer answers UNAVAILABLE, not kill the whole server.
    std::signal(SIGXFSZ, SIG_IGN);
    signals_.add(SIGINT);
    signals_.add(SIGTERM);
    signals_.add(SIGHUP);
    handling_signals_ = true;
    wait_for_signal();
  }
  start_serving();
  const unsigned n = config_.effective_threads();
  start_network_threads(n - 1);
  run_network_thread();
  wait();
}

void Runtime::wait_for_signal() {
  signals_.async_wait([this](boost::system::error_code ec, int signal) {
    if (ec) return;
    if (signal == SIGHUP) {
      apply_reload();
      wait_for_signal();
      return;
    }
    spdlog::info("received signal {}; shutting down", signal);
    begin_shutdown();
  });
}

void Runtime::enable_reload(core::OptionValues current, ConfigSource source) {
  applied_ = std::move(current);
  reload_source_ = std::move(source);
}

void Runtime::reload() {
  net::asio::post(control_, [this] { apply_reload(); });
}

void Runtime::apply_reload() {
  if (!reload_source_) {
    spdlog::info("reload: reopening the log");
    if (!core::reopen_log())
      spdlog::error("reload: cannot reopen the log file; still writing to the old one");
    return;
  }
  core::OptionValues values;
  core::Config next;
  try {
    next = reload_source_(values);
    next.validate();
  } catch (const std::exception& e) {
    if (!core::reopen_log())
      spdlog::error("reload: cannot reopen the log file; still writing to the old one");
    spdlog::error("reload failed; the running configuration stays: {}", e.what());
    return;
  }
  std::vector<std::string> changed;
  std::vector<std::string> need_restart;
  auto compare = [&](const std::string& key) {
    auto a = applied_.find(key);
    auto b = values.find(key);
    const bool same =
        (a == applied_.end()) == (b == values.end()) && (a == applied_.end() || a->second == b->second);
    if (same) return;
    (core::reloadable(key) ? changed : need_restart).push_back(key);
  };
  for (const auto& [key, _] : applied_) compare(key);
  for (const auto& [key, _] : values) {
    if (!applied_.contains(key)) compare(key);
  }
  // Switching TLS on or off needs another listener.
  if (next.tls_enabled() != (tls_ != nullptr)) {
    std::erase_if(changed, [](const std::string& k) { return k == "tls-cert" || k == "tls-key"; });
    need_restart.push_back("tls-cert");
  }
  auto apply = [&](const std::string& key) {
    if (auto it = values.find(key); it != values.end()) {
      applied_[key] = it->second;
    } else {
      applied_.erase(key);
    }
  };
  try {
    core::setup_logging(core::LogOptions{next.log_level, next.log_file, next.log_json});
    for (const char* key : {"log-level", "log-file", "log-json"}) apply(key);
  } catch (const core::UsageError& e) {
    spdlog::error("reload: {}; logging stays as it was", e.what());
    std::erase_if(changed, [](const std::string& k) { return k.starts_with("log-"); });
  }
  if (tls_ != nullptr && next.tls_enabled() && !reload_tls(next)) {
    std::erase_if(changed, [](const std::string& k) { return k.starts_with("tls-"); });
  }
  for (const auto& key : changed) spdlog::info("reload: {} changed", key);
  for (const auto& key : need_restart)
    spdlog::warn("reload: {} changed; it takes effect after a restart", key);
  spdlog::info("reloaded: {} keys applied, {} wait for a restart", changed.size(), need_restart.size());
}

// The same files again, or others: certbot renews in place, so every SIGHUP reads
// them. A bad file keeps the certificate in use.
bool Runtime::reload_tls(const core::Config& next) {
  try {
    auto context = net::make_tls_context(next.tls_cert, next.tls_key);
    listener_->use_tls(context.get());
    renewed_tls_.push_back(std::move(context));
    applied_["tls-cert"] = next.tls_cert;
    applied_["tls-key"] = next.tls_key;
    spdlog::info("reload: TLS certificate loaded");
    return true;
  } catch (const std::exception& e) {
    spdlog::error("reload: {}; the certificate in use stays", e.what());
    return false;
  }
}

void Runtime::start_serving() {
  // Logged before the app port's line, so that whoever waits for "listening on" has
  // this one already.
  if (metrics_listener_) {
    metrics_listener_->run();
    const auto address = metrics_endpoint_.address();
    spdlog::info("serving metrics on {}:{} (http)", address.to_string(), metrics_endpoint_.port());
    if (!address.is_loopback()) {
      spdlog::warn(
          "metrics-listen {} is not a loopback address: /metrics and the full /healthz have no "
          "authentication; allow only the scraper to reach it",
          address.to_string());
    }
  } else {
    spdlog::info("no metrics listener (metrics-listen is empty)");
  }
  listener_->run();
  net::asio::post(control_, [this] { poll_revocations(); });
  shared_->lifecycle = net::Lifecycle::serving;
  spdlog::info("listening on {}:{} ({})", endpoint_.address().to_string(), endpoint_.port(),
               tls_ ? "wss" : "ws");
}

// Once a second: revocations made by `gadehold revoke` in another process reach live
// connections, and the watchdog raises overdue alerts; once an hour, retention runs.
// Every 30 s, memory that was freed (handshakes, bursts of traffic) goes back to the
// system: the allocator keeps free pages otherwise, and a server holding
// many idle connections would carry the peak of its last burst (docs/performance.md).
void Runtime::poll_revocations() {
  revocation_timer_.expires_after(std::chrono::seconds(1));
  revocation_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || shared_->lifecycle.load() == net::Lifecycle::draining) return;
    try {
      watchdog_->poll_revocations();
      watchdog_->tick();
      if (++ticks_ % 3600 == 1) watchdog_->purge();
      if (ticks_ % 30 == 0) core::release_free_memory();
    } catch (const std::exception& e) {
      // A busy or failing database must not stop the watchdog: try again next second.
      spdlog::error("watchdog tick failed: {}", e.what());
    }
    poll_revocations();
  });
}

void Runtime::start() {
  start_serving();
  const unsigned n = config_.effective_threads();
  start_network_threads(n);
}

void Runtime::start_network_threads(unsigned count) {
  for (unsigned i = 0; i < count; ++i) {
    core::name_thread(threads_.emplace_back([this] { run_network_thread(); }), "gadehold-net");
  }
}

void Runtime::run_network_thread() {
  for (;;) {
    try {
      ioc_.run();
      return;
    } catch (const std::exception& e) {
      // One connection's bug must not take the others down.
      spdlog::error("unhandled exception on a network thread: {}", e.what());
    }
  }
}

void Runtime::shutdown() {
  net::asio::post(control_, [this] { begin_shutdown(); });
}

void Runtime::begin_shutdown() {
  if (shared_->lifecycle.exchange(net::Lifecycle::draining) == net::Lifecycle::draining) return;
  boost::system::error_code ignored;
  // A second signal now gets the default action: an operator can force the exit.
  signals_.clear(ignored);
  // Except SIGHUP: a log rotation during the drain must not kill the server.
  if (handling_signals_) std::signal(SIGHUP, SIG_IGN);
  revocation_timer_.cancel();
  listener_->stop();
  if (metrics_listener_) metrics_listener_->stop();
  auto sessions = shared_->sessions.snapshot();
  spdlog::info("draining {} connections", sessions.size());
  for (auto& session : sessions) session->close(1001, "server shutting down");
  wait_for_sessions(std::chrono::steady_clock::now() + std::chrono::seconds(config_.shutdown_grace_s));
}

void Runtime::wait_for_sessions(std::chrono::steady_clock::time_point deadline) {
  if (shared_->sessions.size() == 0 || std::chrono::steady_clock::now() >= deadline) {
    ioc_.stop();
    return;
  }
  drain_timer_.expires_after(std::chrono::milliseconds(20));
  drain_timer_.async_wait([this, deadline](boost::system::error_code ec) {
    if (!ec) wait_for_sessions(deadline);
  });
}

void Runtime::wait() {
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
  if (!stopped_) {
    stopped_ = true;
    if (push_) push_->stop();  // what is still queued is dropped (and counted)
    db_->stop();
    spdlog::info("writer drained and checkpointed");
  }
}

}  // namespace gadehold::cli
