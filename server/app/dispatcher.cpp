#include "server/app/dispatcher.hpp"

#include <chrono>

#include <spdlog/spdlog.h>

#include "server/core/metrics.hpp"
#include "server/store/engine/database.hpp"
#include "server/store/identity.hpp"
#include "server/store/engine/migrations.hpp"

namespace gadehold::app {

v1::ServerMessage make_error(std::uint64_t request_id, const core::Status& status) {
  v1::ServerMessage msg;
  msg.set_request_id(request_id);
  auto* error = msg.mutable_error();
  error->set_code(static_cast<v1::ErrorCode>(status.code));
  error->set_message(status.message);
  error->set_field(status.field);
  return msg;
}

void Request::reply(v1::ServerMessage msg) {
  msg.set_request_id(message.request_id());
  Outcome outcome;
  outcome.reply = std::move(msg);
  respond(std::move(outcome));
}

void Request::fail(const core::Status& status) {
  Outcome outcome;
  outcome.reply = make_error(message.request_id(), status);
  respond(std::move(outcome));
}

void Request::fail(core::Code code, std::string text, std::string field) {
  fail(core::Status{code, std::move(text), std::move(field)});
}

void Request::ack(const std::string& id, bool duplicate) {
  v1::ServerMessage msg;
  msg.mutable_ack()->set_id(id);
  msg.mutable_ack()->set_duplicate(duplicate);
  reply(std::move(msg));
}

namespace {

// Counts errors by code and records the request-to-reply time.
Respond instrument(Respond respond) {
  return [respond = std::move(respond), started = std::chrono::steady_clock::now()](Outcome outcome) {
    if (outcome.reply.has_error()) {
      core::metrics()
          .errors.with(std::string(core::code_name(static_cast<core::Code>(outcome.reply.error().code()))))
          .inc();
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
    core::metrics().request_seconds.observe(elapsed.count());
    respond(std::move(outcome));
  };
}

std::string body_name(const v1::ClientMessage& msg) {
  const auto* field = v1::ClientMessage::descriptor()->FindFieldByNumber(msg.body_case());
  return field != nullptr ? field->name() : "unknown";
}

bool is_session_start(v1::ClientMessage::BodyCase body) {
  return body == v1::ClientMessage::kHello || body == v1::ClientMessage::kRedeemInvite;
}

}  // namespace

Principal to_principal(const store::Identity& id) {
  return Principal{id.volunteer_id, id.device_id, id.handle, static_cast<v1::Role>(id.role), id.team_ids,
                   id.lead_team_ids};
}

Dispatcher::Dispatcher(store::Database& db, const core::Clock& clock, Hub& hub, const core::Config& config)
    : db_(db),
      clock_(clock),
      hub_(hub),
      config_(config),
      device_requests_(config.rate_limit_per_s, config.rate_limit_burst),
      address_auth_failures_(config.auth_failures_per_ip_per_min / 60.0, config.auth_failures_per_ip_per_min),
      revocations_seen_until_ms_(clock.now_ms()) {
  using B = v1::ClientMessage;
  route(B::kHello, [this](RequestPtr r) { hello(std::move(r)); });
  route(B::kRedeemInvite, [this](RequestPtr r) { redeem_invite(std::move(r)); });
  route(B::kCreateInvite, [this](RequestPtr r) { create_invite(std::move(r)); });
  route(B::kCreateTeam, [this](RequestPtr r) { create_team(std::move(r)); });
  route(B::kCreateArea, [this](RequestPtr r) { create_area(std::move(r)); });
  route(B::kSetMembership, [this](RequestPtr r) { set_membership(std::move(r)); });
  route(B::kRevokeDevice, [this](RequestPtr r) { revoke_device(std::move(r)); });
  route(B::kRevokeVolunteer, [this](RequestPtr r) { revoke_volunteer(std::move(r)); });
  route(B::kListTeams, [this](RequestPtr r) { list_teams(std::move(r)); });
  route(B::kListAreas, [this](RequestPtr r) { list_areas(std::move(r)); });
  route(B::kListDevices, [this](RequestPtr r) { list_devices(std::move(r)); });
  route(B::kListAudit, [this](RequestPtr r) { list_audit(std::move(r)); });
  route(B::kStartPatrol, [this](RequestPtr r) { start_patrol(std::move(r)); });
  route(B::kCheckIn, [this](RequestPtr r) { check_in(std::move(r)); });
  route(B::kEndPatrol, [this](RequestPtr r) { end_patrol(std::move(r)); });
  route(B::kSubmitNote, [this](RequestPtr r) { submit_note(std::move(r)); });
  route(B::kRaiseSos, [this](RequestPtr r) { raise_sos(std::move(r)); });
  route(B::kAcknowledgeAlert, [this](RequestPtr r) { acknowledge(std::move(r)); });
  route(B::kSync, [this](RequestPtr r) { sync(std::move(r)); });
  route(B::kListActivePatrols, [this](RequestPtr r) { list_active_patrols(std::move(r)); });
  route(B::kCreateShift, [this](RequestPtr r) { create_shift(std::move(r)); });
  route(B::kUpdateShift, [this](RequestPtr r) { update_shift(std::move(r)); });
  route(B::kCancelShift, [this](RequestPtr r) { cancel_shift(std::move(r)); });
  route(B::kSignUp, [this](RequestPtr r) { sign_up(std::move(r)); });
  route(B::kWithdraw, [this](RequestPtr r) { withdraw(std::move(r)); });
  route(B::kAssignShift, [this](RequestPtr r) { assign_shift(std::move(r)); });
  route(B::kUnassignShift, [this](RequestPtr r) { unassign_shift(std::move(r)); });
  route(B::kListShifts, [this](RequestPtr r) { list_shifts(std::move(r)); });
  route(B::kGetCalendarFeed, [this](RequestPtr r) { get_calendar_feed(std::move(r)); });
  route(B::kRevokeCalendarFeed, [this](RequestPtr r) { revoke_calendar_feed(std::move(r)); });
  route(B::kGetStats, [this](RequestPtr r) { get_stats(std::move(r)); });
  route(B::kExportStats, [this](RequestPtr r) { export_stats(std::move(r)); });
}

void Dispatcher::route(v1::ClientMessage::BodyCase body, Handler handler) {
  handlers_[static_cast<int>(body)] = std::move(handler);
}

bool Dispatcher::dispatch(const SessionState& session, std::string_view frame, Respond respond) {
  auto request = std::make_shared<Request>(Request{session, {}, {}, instrument(std::move(respond))});
  if (!request->message.ParseFromArray(frame.data(), static_cast<int>(frame.size()))) {
    core::metrics().messages_received.with("invalid").inc();
    request->message.Clear();
    request->fail(core::Code::invalid_argument, "frame is not a valid ClientMessage");
    return false;
  }
  const auto body = request->message.body_case();
  auto handler = handlers_.find(static_cast<int>(body));
  if (handler == handlers_.end()) {
    core::metrics().messages_received.with("unknown").inc();
    request->fail(core::Code::invalid_argument, "unknown or missing request body", "body");
    return false;
  }
  core::metrics().messages_received.with(body_name(request->message)).inc();
  const bool session_start = is_session_start(body);
  if (!session_start && !session.principal) {
    request->fail(core::Code::unauthenticated, "send Hello or RedeemInvite first");
    return false;
  }
  if (session_start && session.principal) {
    request->fail(core::Code::failed_precondition, "this connection is already authenticated");
    return false;
  }
  try {
    if (session_start) {
      handler->second(request);
    } else {
      handle_authenticated(request, handler->second);
    }
  } catch (const core::Refusal& refusal) {
    request->fail(refusal.status());
  } catch (const store::SqliteError& e) {
    spdlog::error("{} failed in storage: {}", body_name(request->message), e.what());
    request->fail(core::Code::unavailable, "storage is unavailable; retry later");
  } catch (const std::exception& e) {
    spdlog::error("{} failed: {}", body_name(request->message), e.what());
    request->fail(core::Code::internal, "the request failed on the server");
  }
  return session_start;
}

void Dispatcher::handle_authenticated(RequestPtr request, const Handler& handler) {
  const auto& device_id = request->session.principal->device_id;
  if (!device_requests_.take(device_id)) {
    request->fail(core::Code::resource_exhausted, "too many requests; slow down");
    return;
  }
  {
    auto reader = db_.readers().acquire();
    // The identity as it is now: a revocation or membership change made since the
    // Hello applies to the very next request.
    auto identity = store::load_identity(*reader, device_id);
    if (!identity) {
      Outcome outcome;
      outcome.reply = make_error(request->message.request_id(),
                                 {core::Code::unauthenticated, "this device has been revoked", ""});
      outcome.close = CloseRequest{1008, "revoked"};
      request->respond(std::move(outcome));
      return;
    }
    request->caller = to_principal(*identity);
    auto verdict = authorize(request->caller, request->message, *reader);
    if (!verdict.ok()) {
      request->fail(verdict);
      return;
    }
  }
  handler(std::move(request));
}

Health Dispatcher::health() {
  Health h;
  try {
    auto reader = db_.readers().acquire();
    h.schema_version = store::schema_version(*reader);
    h.database_ok = true;
    h.writes_ok = !db_.writer().failing();
  } catch (const store::SqliteError& e) {
    spdlog::warn("health check: database ping failed: {}", e.what());
  }
  return h;
}

void Dispatcher::poll_revocations() {
  // Revocations by another process carry that process's clock; look back a little so
  // one written just before our last poll is not missed.
  const auto now = clock_.now_ms();
  std::vector<std::string> revoked;
  try {
    auto reader = db_.readers().acquire();
    revoked = store::devices_revoked_since(*reader, revocations_seen_until_ms_ - 5000);
  } catch (const store::SqliteError& e) {
    spdlog::warn("revocation poll failed: {}", e.what());
    return;
  }
  revocations_seen_until_ms_ = now;
  for (const auto& device : revoked) hub_.close_device(device, 1008, "revoked");
}

}  // namespace gadehold::app
