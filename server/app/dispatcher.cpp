#include "server/app/dispatcher.hpp"

#include <chrono>

#include <spdlog/spdlog.h>

#include "server/core/metrics.hpp"
#include "server/store/database.hpp"
#include "server/store/migrations.hpp"

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

namespace {

// Counts errors by code and records the request-to-reply time.
Respond instrument(Respond respond) {
  return [respond = std::move(respond), started = std::chrono::steady_clock::now()](
             Outcome outcome) {
    if (outcome.reply.has_error()) {
      core::metrics()
          .errors.with(std::string(core::code_name(
              static_cast<core::Code>(outcome.reply.error().code()))))
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

Dispatcher::Dispatcher(store::Database& db, const core::Clock& clock) : db_(db), clock_(clock) {
  handlers_[v1::ClientMessage::kHello] = [this](Request& r) { handle_hello(r); };
  handlers_[v1::ClientMessage::kRedeemInvite] = [this](Request& r) { handle_redeem_invite(r); };
}

bool Dispatcher::dispatch(const SessionState& session, std::string_view frame, Respond respond) {
  Request request{session, {}, instrument(std::move(respond))};
  if (!request.message.ParseFromArray(frame.data(), static_cast<int>(frame.size()))) {
    core::metrics().messages_received.with("invalid").inc();
    request.message.Clear();
    request.fail(core::Code::invalid_argument, "frame is not a valid ClientMessage");
    return false;
  }
  const auto body = request.message.body_case();
  auto handler = handlers_.find(body);
  if (handler == handlers_.end()) {
    core::metrics().messages_received.with("unknown").inc();
    request.fail(core::Code::invalid_argument, "unknown or missing request body", "body");
    return false;
  }
  core::metrics().messages_received.with(body_name(request.message)).inc();
  if (!is_session_start(body) && !session.principal) {
    request.fail(core::Code::unauthenticated, "send Hello or RedeemInvite first");
    return false;
  }
  if (is_session_start(body) && session.principal) {
    request.fail(core::Code::failed_precondition, "this connection is already authenticated");
    return false;
  }
  try {
    handler->second(request);
  } catch (const core::Refusal& refusal) {
    request.fail(refusal.status());
  } catch (const store::SqliteError& e) {
    spdlog::error("request {} failed in storage: {}", body_name(request.message), e.what());
    request.fail(core::Code::unavailable, "storage is unavailable; retry later");
  }
  return is_session_start(body);
}

Health Dispatcher::health() {
  Health h;
  try {
    auto reader = db_.readers().acquire();
    h.schema_version = store::schema_version(*reader);
    h.database_ok = true;
  } catch (const store::SqliteError& e) {
    spdlog::warn("health check: database ping failed: {}", e.what());
  }
  return h;
}

}  // namespace gadehold::app
