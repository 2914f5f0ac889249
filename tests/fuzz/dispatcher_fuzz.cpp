// Fuzz target: one binary WebSocket frame, raw bytes, through the whole dispatcher as
// WsSession hands it over: on the walker's authenticated session, on the lead's, then
// on a new connection that has not said Hello. Placeholders in the bytes name the
// fixture's ids and secrets (fuzz_app.hpp).
//
// Invariants: exactly one reply, with the request's id; it serializes and reads back (so
// every string in it is valid UTF-8); no INTERNAL or UNAVAILABLE on a healthy database;
// authentication changes only through Hello or RedeemInvite on a new connection; no
// error and no log line carries a secret, or free text (checked by sending the request
// again with canaries in its free text).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_app.hpp"
#include "fuzz/fuzz_check.hpp"
#include "server/privacy/handle_rules.hpp"
#include "support/error_contract.hpp"

using namespace gadehold;
using fuzz::FuzzApp;

namespace {

bool is_session_start(const v1::ClientMessage& m) {
  return m.body_case() == v1::ClientMessage::kHello || m.body_case() == v1::ClientMessage::kRedeemInvite;
}

// The reads (docs/architecture.md): a connection reads no further frame until each is
// answered.
bool is_read(const v1::ClientMessage& m) {
  using B = v1::ClientMessage;
  switch (m.body_case()) {
    case B::kListTeams:
    case B::kListAreas:
    case B::kListDevices:
    case B::kListAudit:
    case B::kListActivePatrols:
    case B::kScrubPreview:
    case B::kListAlerts:
    case B::kListShifts:
    case B::kSync:
    case B::kGetStats:
    case B::kExportStats:
      return true;
    default:
      return false;
  }
}

// The free text and typed secrets of a request: note text, an SOS message, reasons, shift
// titles and notes, text to preview, a device token, an invite code, a push subscription.
std::vector<std::string*> private_fields(v1::ClientMessage& m) {
  using B = v1::ClientMessage;
  switch (m.body_case()) {
    case B::kSubmitNote:
      return {m.mutable_submit_note()->mutable_text()};
    case B::kRaiseSos:
      return {m.mutable_raise_sos()->mutable_message()};
    case B::kSendPatrolMessage:
      return {m.mutable_send_patrol_message()->mutable_text()};
    case B::kAcknowledgeAlert:
      return {m.mutable_acknowledge_alert()->mutable_note()};
    case B::kResolveAlert:
      return {m.mutable_resolve_alert()->mutable_note()};
    case B::kWithdraw:
      return {m.mutable_withdraw()->mutable_reason()};
    case B::kCancelShift:
      return {m.mutable_cancel_shift()->mutable_reason()};
    case B::kCreateShift:
      return {m.mutable_create_shift()->mutable_title(), m.mutable_create_shift()->mutable_notes()};
    // Its reply holds the text, scrubbed, by design; its errors and the log must not.
    case B::kScrubPreview:
      return {m.mutable_scrub_preview()->mutable_text()};
    // The endpoint identifies the phone; the keys are its own.
    case B::kRegisterPush: {
      auto* r = m.mutable_register_push();
      return {r->mutable_endpoint(), r->mutable_p256dh(), r->mutable_auth()};
    }
    case B::kHello:
      return {m.mutable_hello()->mutable_device_token()};
    case B::kRedeemInvite:
      return {m.mutable_redeem_invite()->mutable_invite_code()};
    default:
      return {};
  }
}

// The request with each private field replaced by a canary of as many characters, or
// nullopt when it has none set. Whether the fuzzed text itself shows up in a reply or a
// log line proves nothing: libFuzzer learns the server's fixed messages from the very
// search for it and writes them into notes. A canary is text no server message holds.
std::optional<v1::ClientMessage> with_canaries(const v1::ClientMessage& m,
                                               std::vector<std::string>& canaries) {
  auto copy = m;
  for (std::string* field : private_fields(copy)) {
    if (field->empty()) continue;
    std::string canary;
    for (auto n = privacy::utf8_length(*field); n > 0; --n) canary += "\xc2\xa7";  // §
    *field = canary;
    canaries.push_back(std::move(canary));
  }
  if (canaries.empty()) return std::nullopt;
  return copy;
}

// GADEHOLD_FUZZ_VERBOSE=1: one line per reply, to see what the seeds reach.
void describe(const char* who, const v1::ServerMessage& reply) {
  static const bool verbose = std::getenv("GADEHOLD_FUZZ_VERBOSE") != nullptr;
  if (!verbose) return;
  const auto* field = v1::ServerMessage::descriptor()->FindFieldByNumber(reply.body_case());
  std::fprintf(stderr, "  %s: %s", who, field != nullptr ? field->name().c_str() : "(none)");
  if (reply.has_error()) {
    std::fprintf(stderr, " %s on '%s'", v1::ErrorCode_Name(reply.error().code()).c_str(),
                 reply.error().field().c_str());
  }
  std::fprintf(stderr, "\n");
}

void check_serializes(const v1::ServerMessage& msg) {
  std::string bytes;
  FUZZ_CHECK(msg.SerializeToString(&bytes));
  v1::ServerMessage back;
  FUZZ_CHECK(back.ParseFromString(bytes));  // fails on invalid UTF-8 in a string field
  FUZZ_CHECK(back.body_case() == msg.body_case());
}

void check_reply(const app::Outcome& outcome, bool parses, const v1::ClientMessage& request,
                 const std::vector<std::string>& hidden) {
  const auto& reply = outcome.reply;
  FUZZ_CHECK(reply.body_case() != v1::ServerMessage::BODY_NOT_SET);
  FUZZ_CHECK(!reply.has_event());  // events are pushed, never a reply
  FUZZ_CHECK(reply.request_id() == (parses ? request.request_id() : 0));
  if (!parses) FUZZ_CHECK(reply.error().code() == v1::ERROR_CODE_INVALID_ARGUMENT);
  if (reply.has_error()) {
    const auto code = reply.error().code();
    FUZZ_CHECK(code != v1::ERROR_CODE_UNSPECIFIED);
    FUZZ_CHECK(code != v1::ERROR_CODE_INTERNAL);     // an exception that is a bug
    FUZZ_CHECK(code != v1::ERROR_CODE_UNAVAILABLE);  // a storage failure on a healthy database
    FUZZ_CHECK(!reply.error().message().empty());
    bool listed = true;  // a reason from reasons.tsv, with its code and its params
    try {
      test::check_error_contract(reply);
    } catch (const std::exception&) {
      listed = false;
    }
    FUZZ_CHECK(listed);
    for (const auto& text : hidden) FUZZ_CHECK(reply.error().message().find(text) == std::string::npos);
  }
  check_serializes(reply);
  for (const auto& followup : outcome.followups) {
    FUZZ_CHECK(reply.has_welcome());  // open alerts follow a Welcome only
    FUZZ_CHECK(followup.request_id() == 0);
    check_serializes(followup);
  }
  FUZZ_CHECK(outcome.authenticated.has_value() == reply.has_welcome());
  if (outcome.authenticated) {
    FUZZ_CHECK(reply.welcome().volunteer_id() == outcome.authenticated->volunteer_id);
    FUZZ_CHECK(reply.welcome().device_id() == outcome.authenticated->device_id);
    // Only a redeem hands out a token.
    FUZZ_CHECK(reply.welcome().device_token().empty() == request.has_hello());
  }
}

// Sends `frame` from the walker, from the lead and on a new connection, and checks the
// replies and the log lines. `hidden` must appear in neither.
void run(FuzzApp& app, const std::string& frame, bool parses, const v1::ClientMessage& request,
         const std::vector<std::string>& hidden) {
  // A request numbered 0 is refused before anything else: its reply could not be told
  // apart from a push.
  const bool numbered = parses && request.request_id() != 0;
  // The walker, a volunteer, reaches patrol writes; the lead reaches shift planning.
  // The lead goes second, so a frame that revokes the walker cannot spoil its turn.
  for (const auto* who : {"walker", "lead"}) {
    const auto& session = std::string_view(who) == "walker" ? app.walker() : app.lead();
    const auto signed_in = app.call(session, frame);
    describe(who, signed_in.outcome.reply);
    check_reply(signed_in.outcome, parses, request, hidden);
    FUZZ_CHECK(signed_in.held == (numbered && is_read(request)));
    FUZZ_CHECK(!signed_in.outcome.authenticated);
    if (parses && !numbered) {
      FUZZ_CHECK(signed_in.outcome.reply.error().code() == v1::ERROR_CODE_INVALID_ARGUMENT);
      FUZZ_CHECK(signed_in.outcome.reply.error().field() == "request_id");
    } else if (parses && is_session_start(request)) {
      FUZZ_CHECK(signed_in.outcome.reply.error().code() == v1::ERROR_CODE_FAILED_PRECONDITION);
    }
    if (parses && request.body_case() == v1::ClientMessage::BODY_NOT_SET) {
      FUZZ_CHECK(signed_in.outcome.reply.error().code() == v1::ERROR_CODE_INVALID_ARGUMENT);
    }
  }

  const auto fresh = app.call(app.anonymous(), frame);
  describe("new connection", fresh.outcome.reply);
  check_reply(fresh.outcome, parses, request, hidden);
  const bool start = numbered && is_session_start(request);
  FUZZ_CHECK(fresh.held == start);
  if (parses && !numbered) {
    FUZZ_CHECK(fresh.outcome.reply.error().field() == "request_id");
  } else if (parses && !start) {
    const bool empty = request.body_case() == v1::ClientMessage::BODY_NOT_SET;
    FUZZ_CHECK(fresh.outcome.reply.error().code() ==
               (empty ? v1::ERROR_CODE_INVALID_ARGUMENT : v1::ERROR_CODE_UNAUTHENTICATED));
  }
  if (!start) FUZZ_CHECK(fresh.outcome.reply.has_error());

  for (const auto& line : app.logs().take()) {
    for (const auto& text : hidden) FUZZ_CHECK(line.find(text) == std::string::npos);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& app = FuzzApp::get();
  const auto frame = app.substitute({reinterpret_cast<const char*>(data), size});
  // Larger frames close the connection with 1009 before they reach the dispatcher.
  if (frame.size() > app.config().max_message_bytes) return -1;
  v1::ClientMessage request;
  const bool parses = request.ParseFromString(frame);
  run(app, frame, parses, request, app.secrets());
  if (parses) {
    // Once more with canaries in the free text: the same checks, and no canary echoed.
    auto hidden = app.secrets();
    if (const auto canaried = with_canaries(request, hidden)) {
      run(app, canaried->SerializeAsString(), true, *canaried, hidden);
    }
  }
  app.heal();
  return 0;
}
