#pragma once
// The running server: database, dispatcher, listener and network threads wired
// together. `gadehold serve` and the integration tests both start the server this way.
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "server/app/dispatcher.hpp"
#include "server/app/watchdog.hpp"
#include "server/core/clock.hpp"
#include "server/core/config.hpp"
#include "server/net/beast.hpp"
#include "server/net/listener.hpp"
#include "server/net/push_fanout.hpp"
#include "server/net/shared_state.hpp"
#include "server/store/engine/database.hpp"

namespace gadehold::cli {

class Runtime {
 public:
  // Opens the database, loads TLS and binds the listening sockets. Throws
  // core::UsageError, store::DatabaseFileError, store::SchemaTooNew,
  // store::SqliteError or boost::system::system_error.
  explicit Runtime(core::Config config);
  Runtime(core::Config config, std::shared_ptr<const core::Clock> clock);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  net::tcp::endpoint endpoint() const { return endpoint_; }
  // The metrics listener's address; port 0 when `metrics-listen` is empty.
  net::tcp::endpoint metrics_endpoint() const { return metrics_endpoint_; }
  // Serves on the configured threads, this one included, until shutdown completes.
  // With `handle_signals`, SIGINT and SIGTERM start a graceful shutdown.
  void run(bool handle_signals);
  // Serves on background threads; for tests.
  void start();
  // Starts a graceful shutdown: stop accepting, close sessions with 1001, let the
  // writer finish and checkpoint. Thread-safe; returns at once.
  void shutdown();
  // Waits for the background threads and the writer after shutdown().
  void wait();

  // Lets SIGHUP reload the configuration: `source` parses it again (flags and file)
  // and fills in its option values; `current` are the values the server started with.
  using ConfigSource = std::function<core::Config(core::OptionValues&)>;
  void enable_reload(core::OptionValues current, ConfigSource source);
  // What SIGHUP does: reopen the log file, apply the reloadable keys, and name the
  // changed keys that need a restart. Runs on the control strand; thread-safe.
  void reload();

  store::Database& database() { return *db_; }
  const core::Config& config() const { return config_; }

 private:
  void begin_shutdown();
  void wait_for_sessions(std::chrono::steady_clock::time_point deadline);
  void start_network_threads(unsigned count);
  void run_network_thread();
  void start_serving();
  void poll_revocations();
  void wait_for_signal();
  void apply_reload();
  bool reload_tls(const core::Config& next);
  // Web Push when push-contact is set and the database has a key.
  void start_push(std::optional<net::VapidKey> key);
  app::Hub& hub();

  core::Config config_;
  std::shared_ptr<const core::Clock> clock_;
  std::unique_ptr<store::Database> db_;
  net::SessionRegistry sessions_;
  std::unique_ptr<net::PushFanout> push_;
  std::unique_ptr<net::PushingHub> pushing_hub_;
  std::unique_ptr<app::Dispatcher> dispatcher_;
  std::unique_ptr<app::Watchdog> watchdog_;
  std::unique_ptr<net::SharedState> shared_;
  std::unique_ptr<net::ssl::context> tls_;
  // Certificates loaded by reloads. Kept for the process's life: sessions accepted
  // under an older one may still be running, and there are a few a year.
  std::vector<std::unique_ptr<net::ssl::context>> renewed_tls_;
  core::OptionValues applied_;
  ConfigSource reload_source_;
  net::asio::io_context ioc_;
  // Signals, timers and shutdown run here, one at a time.
  net::asio::strand<net::asio::io_context::executor_type> control_;
  std::shared_ptr<net::Listener> listener_;
  std::shared_ptr<net::Listener> metrics_listener_;  // null when `metrics-listen` is empty
  net::asio::signal_set signals_;
  net::asio::steady_timer drain_timer_;
  net::asio::steady_timer revocation_timer_;
  net::tcp::endpoint endpoint_;
  net::tcp::endpoint metrics_endpoint_;
  std::vector<std::thread> threads_;
  bool stopped_ = false;
  bool handling_signals_ = false;
  std::uint64_t ticks_ = 0;
};

}  // namespace gadehold::cli
