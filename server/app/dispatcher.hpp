#pragma once
// Maps each ClientMessage body to its policy and handler. Protobuf in, Outcome out; no
// sockets. Every authenticated request is authorised here, against the caller's
// identity as the database holds it now, before its handler runs.
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "server/app/events.hpp"
#include "server/app/hub.hpp"
#include "server/app/writes.hpp"
#include "server/app/rate_limit.hpp"
#include "server/app/session_state.hpp"
#include "server/core/clock.hpp"
#include "server/core/config.hpp"
#include "server/core/status.hpp"
#include "server/store/retention.hpp"
#include "server/store/sqlite/connection.hpp"

namespace gadehold::store {
class Database;
struct Identity;
}

namespace gadehold::app {

// Called exactly once per request, possibly on the writer thread: post back to the
// session's strand before touching the session.
using Respond = std::function<void(Outcome)>;

// One request in flight. It owns copies of everything it needs, so handlers may
// finish it after the session has moved on.
struct Request {
  SessionState session;
  Principal caller;  // fresh from the database; empty for session-start requests
  v1::ClientMessage message;
  Respond respond;

  void reply(v1::ServerMessage msg);
  void fail(const core::Status& status);
  void fail(core::Code code, std::string message, std::string field = {});
  void ack(const std::string& id, bool duplicate = false);
};
using RequestPtr = std::shared_ptr<Request>;

struct Health {
  bool database_ok = false;  // a reader answers
  bool writes_ok = false;    // the last write batch committed (or none has run)
  int schema_version = 0;
};

// Protocol versions this server speaks.
inline constexpr std::uint32_t kMinProtocolVersion = 1;
inline constexpr std::uint32_t kMaxProtocolVersion = 1;
// Failed Hello/RedeemInvite attempts after which the connection is closed.
inline constexpr unsigned kMaxFailedAuthAttempts = 5;

// Function-level and object-level authorization of one request, before its handler.
// OK, PERMISSION_DENIED (the role may never do this) or NOT_FOUND (the object is
// missing or out of reach). Reads through `db`.
core::Status authorize(const Principal& caller, const v1::ClientMessage& message, store::Connection& db);

class Dispatcher {
 public:
  Dispatcher(store::Database& db, const core::Clock& clock, Hub& hub, const core::Config& config);

  // Parses one binary frame and handles it; `respond` runs exactly once. Returns true
  // when the session must hold further frames until `respond` ran, which is the case
  // for session-start requests, so a pipelined request sees the new identity.
  bool dispatch(const SessionState& session, std::string_view frame, Respond respond);

  Health health();

  // Closes the live connections of devices revoked by another process, such as
  // `gadehold revoke`. The server calls it every second.
  void poll_revocations();

  // Raises due overdue alerts, escalates unacknowledged ones, and closes patrols that
  // have been silent too long. The server calls it every second; tests call it after
  // moving the fake clock. Returns how many changes it started.
  std::size_t tick();
  // Applies retention (store/retention.hpp) in bounded batches on the writer until
  // nothing is left; `done` gets the counts. The server calls it every hour.
  void purge(std::function<void(const store::PurgeCounts&)> done = {});

  // The calendar feed behind a secret path token: nullopt when there is no live feed
  // (unknown, revoked, or its owner lost access). Throws store::SqliteError.
  struct CalendarDocument {
    std::string body;  // text/calendar
    std::string etag;  // quoted, strong
  };
  std::optional<CalendarDocument> calendar(std::string_view token);

 private:
  using Handler = std::function<void(RequestPtr)>;
  void route(v1::ClientMessage::BodyCase body, Handler handler);
  void handle_authenticated(RequestPtr request, const Handler& handler);

  // Session start (session_start.cpp).
  void hello(RequestPtr request);
  void redeem_invite(RequestPtr request);
  void refuse_authentication(RequestPtr request);

  // Identity (identity_handlers.cpp).
  void create_invite(RequestPtr request);
  void create_team(RequestPtr request);
  void create_area(RequestPtr request);
  void set_membership(RequestPtr request);
  using RevokeFn = std::vector<std::string> (*)(store::Connection&, const std::string&, std::string_view,
                                                std::int64_t);
  void revoke(RequestPtr request, const std::string& id, RevokeFn revoke_fn, bool drop_sign_ups);
  void revoke_device(RequestPtr request);
  void revoke_volunteer(RequestPtr request);
  void list_teams(RequestPtr request);
  void list_areas(RequestPtr request);
  void list_devices(RequestPtr request);
  void list_audit(RequestPtr request);

  // Patrols (patrol_handlers.cpp, patrol_reads.cpp).
  void idempotent_write(RequestPtr request, const std::string& kind, const std::string& client_id,
                        const std::string& hash, std::function<WriteResult(store::Connection&)> apply);
  void publish(const std::vector<PendingEvent>& events);
  void start_patrol(RequestPtr request);
  void check_in(RequestPtr request);
  void end_patrol(RequestPtr request);
  void submit_note(RequestPtr request);
  void raise_sos(RequestPtr request);
  void acknowledge(RequestPtr request);
  void list_active_patrols(RequestPtr request);
  void sync(RequestPtr request);

  // Shifts (shift_handlers.cpp, shift_reads.cpp, shift_watch.cpp).
  void state_write(RequestPtr request, std::function<WriteResult(store::Connection&)> apply);
  void create_shift(RequestPtr request);
  void update_shift(RequestPtr request);
  void cancel_shift(RequestPtr request);
  void sign_up(RequestPtr request);
  void withdraw(RequestPtr request);
  void assign_shift(RequestPtr request);
  void unassign_shift(RequestPtr request);
  void list_shifts(RequestPtr request);
  void get_calendar_feed(RequestPtr request);
  void revoke_calendar_feed(RequestPtr request);
  std::size_t tick_shifts(std::int64_t now_ms);

  // Statistics (stats_handlers.cpp).
  void get_stats(RequestPtr request);
  void export_stats(RequestPtr request);

  // The watchdog (watchdog.cpp).
  void watch_write(std::function<std::vector<PendingEvent>(store::Connection&)> apply);

  store::Database& db_;
  const core::Clock& clock_;
  Hub& hub_;
  const core::Config& config_;
  TokenBuckets device_requests_;
  TokenBuckets address_auth_failures_;
  std::unordered_map<int, Handler> handlers_;
  std::int64_t revocations_seen_until_ms_;
};

Principal to_principal(const store::Identity& identity);

// The retention limits the config sets.
store::RetentionLimits retention_limits(const core::Config& config);

// Builds an Error reply for `request_id`.
v1::ServerMessage make_error(std::uint64_t request_id, const core::Status& status);

}  // namespace gadehold::app
