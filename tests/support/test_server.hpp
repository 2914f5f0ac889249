#pragma once
// Starts the real server in-process on 127.0.0.1 with port 0 and a temporary database.
#include <memory>

#include "server/cli/commands.hpp"
#include "server/cli/runtime.hpp"
#include "server/store/engine/database.hpp"
#include "support/temp_dir.hpp"

namespace gadehold::test {

inline core::Config test_config(const TempDir& dir) {
  core::Config cfg;
  cfg.listen = "127.0.0.1:0";
  cfg.metrics_listen = "127.0.0.1:0";  // tests run side by side: never the fixed 9464
  cfg.db = dir.file("gadehold.db");
  cfg.threads = 2;
  cfg.log_level = "warn";
  return cfg;
}

class TestServer {
 public:
  explicit TestServer(core::Config cfg) { start(std::move(cfg)); }
  TestServer() : dir_(std::make_unique<TempDir>()) { start(test_config(*dir_)); }
  ~TestServer() { stop(); }

  unsigned short port() const { return runtime_->endpoint().port(); }
  // The metrics listener's port (/metrics, the full /healthz); 0 when it is off.
  unsigned short metrics_port() const { return runtime_->metrics_endpoint().port(); }
  const std::string& db_path() const { return runtime_->config().db; }
  // A fresh invite, made the way `gadehold invite` makes one.
  std::string invite(int role = 3, const std::string& team_name = {}) {
    auto conn = store::open_existing(db_path(), 5000);
    return cli::issue_invite(conn, role, team_name, 72, core::SystemClock().now_ms());
  }
  cli::Runtime& runtime() { return *runtime_; }
  void stop() {
    if (runtime_) {
      runtime_->shutdown();
      runtime_->wait();
    }
  }

 private:
  void start(core::Config cfg) {
    store::create_database(cfg.db, 5000);
    runtime_ = std::make_unique<cli::Runtime>(std::move(cfg));
    runtime_->start();
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<cli::Runtime> runtime_;
};

}  // namespace gadehold::test
