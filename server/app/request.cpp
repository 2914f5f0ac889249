#include "server/app/request.hpp"

namespace gadehold::app {

v1::ServerMessage make_error(std::uint64_t request_id, const core::Status& status) {
  v1::ServerMessage msg;
  msg.set_request_id(request_id);
  auto* error = msg.mutable_error();
  error->set_code(static_cast<v1::ErrorCode>(status.code));
  error->set_message(status.message);
  error->set_field(status.field);
  error->set_reason(std::string(core::reason_name(status.reason)));
  for (const auto& [key, value] : status.params) (*error->mutable_params())[key] = value;
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

void Request::fail(core::Reason reason, std::string text, std::string field, core::Params params) {
  fail(core::Status(reason, std::move(text), std::move(field), std::move(params)));
}

void Request::ack(const std::string& id, bool duplicate) {
  v1::ServerMessage msg;
  msg.mutable_ack()->set_id(id);
  msg.mutable_ack()->set_duplicate(duplicate);
  reply(std::move(msg));
}

void Request::revoked() {
  Outcome outcome;
  outcome.reply = make_error(message.request_id(),
                             core::Status(core::Reason::DEVICE_REVOKED, "this device has been revoked"));
  outcome.close = CloseRequest{1008, "revoked"};
  respond(std::move(outcome));
}

}  // namespace gadehold::app
