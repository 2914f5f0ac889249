// Hello and RedeemInvite: the two requests a connection may start with.
#include <spdlog/spdlog.h>

#include "server/app/alert_log.hpp"
#include "server/app/commit.hpp"
#include "server/app/identity/identity.hpp"
#include "server/app/policy.hpp"
#include "server/core/tokens.hpp"
#include "server/privacy/device_name.hpp"
#include "server/privacy/handle_rules.hpp"
#include "server/store/alerts.hpp"
#include "server/store/events.hpp"
#include "server/store/push.hpp"
#include "server/store/shifts.hpp"

namespace gadehold::app::identity {

namespace {

constexpr std::size_t kDeviceNameMaxBytes = 64;

v1::ServerMessage welcome(const store::Identity& id, std::int64_t now_ms, std::uint64_t latest_seq,
                          const std::string& vapid_public_key) {
  v1::ServerMessage msg;
  auto* w = msg.mutable_welcome();
  w->set_volunteer_id(id.volunteer_id);
  w->set_device_id(id.device_id);
  w->set_handle(id.handle);
  w->set_role(static_cast<v1::Role>(id.role));
  for (const auto& t : id.team_ids) w->add_team_ids(t);
  w->set_server_time_ms(now_ms);
  w->set_latest_seq(latest_seq);
  w->set_vapid_public_key(vapid_public_key);
  return msg;
}

// Open alerts to see on connecting, as events with seq 0: a reminder of the current
// state, not a new entry in the log. Most urgent first (SOS, NEED_SUPPORT, OVERDUE, then
// the planning kinds), so that no number of other alerts can push an SOS out; at most
// kMaxAlertReminders, well inside the outbound queue's limit, so that a backlog cannot get
// the connection closed as a slow consumer. ListAlerts has the rest.
constexpr std::int64_t kMaxAlertReminders = 100;

std::vector<v1::ServerMessage> open_alert_reminders(store::Connection& conn, const store::Identity& id,
                                                    std::int64_t now_ms, const SosPositions& positions) {
  store::AlertQuery q;
  q.all_teams = id.role == store::kRoleCoordinator;
  // The teams they lead, and those they are on duty for by a running shift.
  q.team_ids = id.lead_team_ids;
  for (auto& t : store::duty_teams(conn, id.volunteer_id, now_ms)) q.team_ids.push_back(std::move(t));
  q.volunteer_id = id.volunteer_id;  // and the alerts they raised or that are about their patrol
  q.limit = kMaxAlertReminders;
  std::vector<v1::ServerMessage> out;
  for (const auto& alert : store::list_alerts(conn, q)) {
    v1::ServerMessage msg;
    auto* e = msg.mutable_event();
    e->set_at_ms(alert.raised_at_ms);
    *e->mutable_alert_raised() = alert_view(alert);
    // A lead or coordinator who connects while an SOS is open gets its position too.
    if (id.role != store::kRoleVolunteer) positions.attach(*e->mutable_alert_raised());
    out.push_back(std::move(msg));
  }
  return out;
}

void authenticated(Request& request, const store::Identity& id, v1::ServerMessage reply,
                   std::vector<v1::ServerMessage> followups) {
  reply.set_request_id(request.message.request_id());
  Outcome outcome;
  outcome.reply = std::move(reply);
  outcome.authenticated = to_principal(id);
  outcome.followups = std::move(followups);
  request.respond(std::move(outcome));
}

// A failed session start: a bad token or code (`refusal` is AUTHENTICATION_FAILED, the
// same answer whatever went wrong, so a caller learns nothing about which tokens or codes
// exist), or a taken handle behind a good invite. Each one counts against the
// connection (kMaxFailedAuthAttempts, then 1008) and against the client address's
// budget; once that is spent, the failure is answered TOO_MANY_FAILED_AUTHENTICATIONS
// and closes the connection. Only failures are counted: a good token or invite is
// checked first and never refused for the address's failures.
void refuse_session_start(TokenBuckets& auth_failures, Request& request, core::Status refusal) {
  Outcome outcome;
  outcome.failed_auth = true;
  if (!auth_failures.take(request.session.client_address)) {
    outcome.reply = make_error(request.message.request_id(),
                               core::Status(core::Reason::TOO_MANY_FAILED_AUTHENTICATIONS,
                                            "too many failed authentications; wait a minute"));
    outcome.close = CloseRequest{1008, "too many failed authentications"};
  } else {
    outcome.reply = make_error(request.message.request_id(), std::move(refusal));
    if (request.session.failed_auth_attempts + 1 >= kMaxFailedAuthAttempts) {
      outcome.close = CloseRequest{1008, "too many failed authentications"};
    }
  }
  spdlog::info("connection {} failed to start a session ({} so far)", request.session.connection_id,
               request.session.failed_auth_attempts + 1);
  request.respond(std::move(outcome));
}

void refuse_authentication(TokenBuckets& auth_failures, Request& request) {
  refuse_session_start(auth_failures, request,
                       core::Status(core::Reason::AUTHENTICATION_FAILED, "authentication failed"));
}

}  // namespace

bool admit_hello(Request& request) {
  const auto& hello = request.message.hello();
  if (hello.protocol_version() < kMinProtocolVersion || hello.protocol_version() > kMaxProtocolVersion) {
    request.fail(
        core::Reason::PROTOCOL_VERSION_UNSUPPORTED,
        "unsupported protocol_version; this server supports " + std::to_string(kMinProtocolVersion) + " to " +
            std::to_string(kMaxProtocolVersion),
        "protocol_version",
        {{"min", std::to_string(kMinProtocolVersion)}, {"max", std::to_string(kMaxProtocolVersion)}});
    return false;
  }
  return true;
}

void hello(const Services& s, TokenBuckets& auth_failures, RequestPtr request, store::Connection& reader) {
  const auto identity = store::find_by_token(reader, request->message.hello().device_token());
  if (!identity) return refuse_authentication(auth_failures, *request);
  const auto now = s.clock.now_ms();
  const auto latest = store::latest_event_seq(reader);
  auto reminders = open_alert_reminders(reader, *identity, now, s.sos_positions);
  // Last-seen is bookkeeping for the "your devices" list; nobody waits for it.
  s.db.writer().submit(
      [device = identity->device_id, now](store::Connection& c) { store::touch_device(c, device, now); },
      [](const core::Status&) {});
  authenticated(*request, *identity, welcome(*identity, now, latest, store::vapid_public_key(reader)),
                std::move(reminders));
}

void redeem_invite(const Services& s, TokenBuckets& auth_failures, RequestPtr request) {
  const auto& redeem = request->message.redeem_invite();
  auto code = core::normalize_invite_code(redeem.invite_code());
  if (!code) return refuse_authentication(auth_failures, *request);
  if (auto verdict = privacy::check_handle(redeem.handle()); !verdict.ok()) return request->fail(verdict);
  if (redeem.device_name().size() > kDeviceNameMaxBytes || privacy::utf8_length(redeem.device_name()) < 0) {
    return request->fail(core::Reason::TEXT_TOO_LONG_BYTES, "device_name has at most 64 bytes of UTF-8",
                         "device_name", {{"max_bytes", std::to_string(kDeviceNameMaxBytes)}});
  }
  const auto now = s.clock.now_ms();
  struct Redeemed {
    store::Redemption redemption;
    std::uint64_t latest_seq = 0;
    std::string vapid_public_key;
    std::vector<v1::ServerMessage> reminders;
  };
  auto result = std::make_shared<Redeemed>();
  s.db.writer().submit(
      [result, code = *code, handle = redeem.handle(),
       name = privacy::device_name_to_store(redeem.device_name()), now,
       &positions = s.sos_positions](store::Connection& c) {
        // What the Welcome needs is read here, on the writer's own connection: the
        // completion below runs on the writer thread and must not wait for a reader.
        result->redemption = store::redeem_invite(c, code, handle, name, now);
        if (result->redemption.handle_taken) return;
        result->latest_seq = store::latest_event_seq(c);
        result->vapid_public_key = store::vapid_public_key(c);
        result->reminders =
            open_alert_reminders(c, result->redemption.identity, now, positions);  // a new lead sees them
      },
      [request, result, now, &auth_failures](const core::Status& status) {
        if (status.code == core::Code::unauthenticated) return refuse_authentication(auth_failures, *request);
        if (!status.ok()) return request->fail(status);
        if (result->redemption.handle_taken) {
          // Counted, so that one invite cannot test handle after handle (probing who
          // is a volunteer): against the invite in the store, and here.
          return refuse_session_start(
              auth_failures, *request,
              core::Status(core::Reason::NAME_TAKEN, "this handle is taken", "handle"));
        }
        spdlog::info("connection {} onboarded a new device", request->session.connection_id);
        const auto& identity = result->redemption.identity;
        auto reply = welcome(identity, now, result->latest_seq, result->vapid_public_key);
        reply.mutable_welcome()->set_device_token(result->redemption.device_token);
        authenticated(*request, identity, std::move(reply), std::move(result->reminders));
      });
}

}  // namespace gadehold::app::identity
