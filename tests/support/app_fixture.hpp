#pragma once
// The app layer on a real temporary database, without sockets: a Dispatcher and a
// Watchdog, a fake clock, and a Hub that records which devices it was asked to
// disconnect.
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "server/app/dispatcher.hpp"
#include "server/app/events.hpp"
#include "server/app/shifts/shifts.hpp"
#include "server/app/watchdog.hpp"
#include "server/cli/commands.hpp"
#include "server/store/engine/database.hpp"
#include "server/store/identity.hpp"
#include "support/error_contract.hpp"
#include "support/reader.hpp"
#include "support/temp_dir.hpp"

namespace gadehold::test {

class RecordingHub final : public app::Hub {
 public:
  void close_device(const std::string& device_id, std::uint16_t, const std::string&) override {
    std::lock_guard lock(mutex_);
    closed_.push_back(device_id);
  }
  std::size_t publish(std::shared_ptr<const std::string> frame, const app::Audience& audience) override {
    v1::ServerMessage msg;
    msg.ParseFromString(*frame);
    std::lock_guard lock(mutex_);
    published_.push_back({msg.event(), audience});
    return 0;
  }
  void update_volunteer(const std::string& volunteer_id, int, const std::vector<std::string>&,
                        const std::vector<std::string>&) override {
    std::lock_guard lock(mutex_);
    updated_.push_back(volunteer_id);
  }
  std::vector<std::string> updated() const {
    std::lock_guard lock(mutex_);
    return updated_;
  }
  std::vector<std::pair<v1::Event, app::Audience>> published() const {
    std::lock_guard lock(mutex_);
    return published_;
  }
  std::vector<std::string> closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> closed_;
  std::vector<std::pair<v1::Event, app::Audience>> published_;
  std::vector<std::string> updated_;
};

// A signed-in test user: the session state a real connection would hold.
struct User {
  app::SessionState session;
  std::string token;
  std::string volunteer_id() const { return session.principal ? session.principal->volunteer_id : ""; }
  std::string device_id() const { return session.principal ? session.principal->device_id : ""; }
};

inline constexpr std::int64_t kStartMs = 1'800'000'000'000;  // 2027-01-15

class AppFixture {
 public:
  // A fresh database, or a copy of `template_db` when given.
  explicit AppFixture(const std::string& template_db = {}) : clock_(kStartMs) {
    config_.db = dir_.file("gadehold.db");
    if (template_db.empty()) {
      store::create_database(config_.db, 5000);
    } else {
      std::filesystem::copy_file(template_db, config_.db);
    }
    config_.reader_pool_size = 2;
    db_ = std::make_unique<store::Database>(store::Database::Options{config_.db, 5000, 2});
    dispatcher_ = std::make_unique<app::Dispatcher>(*db_, clock_, hub_, config_);
    watchdog_ = std::make_unique<app::Watchdog>(dispatcher_->services());
  }

  // The readers and the writer stop while the dispatcher their work may call back is alive.
  ~AppFixture() { db_->stop(); }

  // Simulates a server restart: the dispatcher and the store are rebuilt from the file.
  void restart() {
    db_->stop();
    watchdog_.reset();
    dispatcher_.reset();
    db_.reset();
    db_ = std::make_unique<store::Database>(store::Database::Options{config_.db, 5000, 2});
    dispatcher_ = std::make_unique<app::Dispatcher>(*db_, clock_, hub_, config_);
    watchdog_ = std::make_unique<app::Watchdog>(dispatcher_->services());
  }

  // Waits until every write submitted so far has committed (the writer is FIFO).
  void flush() {
    std::promise<void> done;
    db_->writer().submit([](store::Connection&) {}, [&](const core::Status&) { done.set_value(); });
    done.get_future().wait();
  }

  // Runs `apply` as a write of its own and waits for its commit.
  void write(std::function<void(store::Connection&)> apply) {
    std::promise<core::Status> done;
    db_->writer().submit(std::move(apply), [&](const core::Status& s) { done.set_value(s); });
    const auto status = done.get_future().get();
    if (!status.ok()) throw std::runtime_error("test write failed: " + status.message);
  }

  // Runs the watchdog and waits for what it started.
  std::size_t tick() {
    std::promise<std::size_t> started;
    watchdog_->tick([&started](std::size_t n) { started.set_value(n); });
    const auto n = started.get_future().get();
    flush();
    return n;
  }

  // Runs retention to the end and returns what it did.
  store::PurgeCounts purge() {
    std::promise<store::PurgeCounts> done;
    watchdog_->purge([&done](const store::PurgeCounts& c) { done.set_value(c); });
    return done.get_future().get();
  }

  // Sends `msg` on `session` and waits for the one reply; applies the outcome to the
  // session as the network layer would.
  v1::ServerMessage call(app::SessionState& session, const v1::ClientMessage& msg) {
    std::promise<app::Outcome> reply;
    auto future = reply.get_future();
    dispatcher_->dispatch(session, msg.SerializeAsString(),
                          [&reply](app::Outcome o) { reply.set_value(std::move(o)); });
    if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
      throw std::runtime_error("no reply within 10 s");
    }
    auto outcome = future.get();
    if (outcome.authenticated) session.principal = outcome.authenticated;
    if (outcome.failed_auth) ++session.failed_auth_attempts;
    last_close_ = outcome.close;
    last_followups_ = outcome.followups;
    check_error_contract(outcome.reply);
    return outcome.reply;
  }

  // The calendar feed behind a secret path token, as the HTTP route reads it.
  std::optional<app::shifts::CalendarDocument> calendar(std::string_view token) {
    std::promise<app::shifts::CalendarAnswer> answer;
    app::shifts::find_calendar(dispatcher_->services(), std::string(token),
                               [&answer](app::shifts::CalendarAnswer a) { answer.set_value(std::move(a)); });
    auto got = answer.get_future().get();
    if (got.unavailable) throw std::runtime_error("the calendar feed could not be read");
    return got.document;
  }

  // A coordinator invite made the way `gadehold init` makes it.
  std::string cli_invite(int role = store::kRoleCoordinator, const std::string& team_name = {}) {
    auto conn = store::open_existing(config_.db, 5000);
    return cli::issue_invite(conn, role, team_name, 72, clock_.now_ms());
  }

  User redeem(const std::string& code, const std::string& handle) {
    User user;
    user.session.connection_id = ++next_connection_;
    user.session.client_address = "127.0.0.1";
    v1::ClientMessage msg;
    msg.set_request_id(1);
    msg.mutable_redeem_invite()->set_invite_code(code);
    msg.mutable_redeem_invite()->set_handle(handle);
    msg.mutable_redeem_invite()->set_device_name("test phone");
    auto reply = call(user.session, msg);
    if (!reply.has_welcome()) throw std::runtime_error("redeem failed: " + reply.error().message());
    user.token = reply.welcome().device_token();
    return user;
  }

  // Sends a request that must succeed; returns its reply.
  v1::ServerMessage ok(User& user, const v1::ClientMessage& msg) {
    auto reply = call(user.session, msg);
    if (reply.has_error()) throw std::runtime_error("request failed: " + reply.error().message());
    return reply;
  }

  std::string create_team(User& coordinator, const std::string& name) {
    v1::ClientMessage msg;
    msg.set_request_id(2);
    msg.mutable_create_team()->set_name(name);
    return ok(coordinator, msg).ack().id();
  }

  std::string invite(User& by, v1::Role role, const std::string& team_id) {
    v1::ClientMessage msg;
    msg.set_request_id(3);
    msg.mutable_create_invite()->set_role(role);
    msg.mutable_create_invite()->set_team_id(team_id);
    return ok(by, msg).invite_created().invite_code();
  }

  // Every row of every table, as text: equal fingerprints mean an unchanged database.
  std::string fingerprint() {
    auto reader = test::open_reader(config_.db);
    std::vector<std::string> tables;
    {
      store::Statement st(*reader, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
      while (st.step()) tables.push_back(st.column_text(0));
    }
    std::string out;
    for (const auto& t : tables) {
      store::Statement st(*reader, "SELECT * FROM \"" + t + "\" ORDER BY 1");
      out += "[" + t + "]";
      while (st.step()) {
        for (int c = 0; c < st.column_count(); ++c) out += st.column_text(c) + "|";
        out += "\n";
      }
    }
    return out;
  }

  core::FakeClock& clock() { return clock_; }
  store::Database& db() { return *db_; }
  app::Dispatcher& dispatcher() { return *dispatcher_; }
  app::Watchdog& watchdog() { return *watchdog_; }
  RecordingHub& hub() { return hub_; }
  core::Config& config() { return config_; }
  const std::optional<app::CloseRequest>& last_close() const { return last_close_; }
  const TempDir& dir() const { return dir_; }
  const std::vector<v1::ServerMessage>& last_followups() const { return last_followups_; }

 private:
  TempDir dir_;
  core::Config config_;
  core::FakeClock clock_;
  RecordingHub hub_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<app::Dispatcher> dispatcher_;
  std::unique_ptr<app::Watchdog> watchdog_;
  std::optional<app::CloseRequest> last_close_;
  std::vector<v1::ServerMessage> last_followups_;
  std::uint64_t next_connection_ = 0;
};

}  // namespace gadehold::test
