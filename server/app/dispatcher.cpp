#include "server/app/dispatcher.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "server/app/alerts/alerts.hpp"
#include "server/app/commit.hpp"
#include "server/app/identity/identity.hpp"
#include "server/app/patrols/patrols.hpp"
#include "server/app/push/push.hpp"
#include "server/app/shifts/shifts.hpp"
#include "server/app/stats/stats.hpp"
#include "server/app/sync/sync.hpp"
#include "server/core/metrics.hpp"

namespace gadehold::app {

namespace {

using B = v1::ClientMessage;

// Every authenticated request: its policy, then its handler, a read or a write. A
// request type missing here is refused as an unknown body.
std::unordered_map<int, Dispatcher::Route> route_table() {
  namespace p = policy;
  return {
      {B::kCreateInvite, {p::create_invite, nullptr, identity::create_invite}},
      {B::kCreateTeam, {p::coordinators_only, nullptr, identity::create_team}},
      {B::kCreateArea, {p::coordinators_only, nullptr, identity::create_area}},
      {B::kSetMembership, {p::coordinators_only, nullptr, identity::set_membership}},
      {B::kRevokeDevice, {p::revoke_device, nullptr, identity::revoke_device}},
      {B::kRevokeVolunteer, {p::revoke_volunteer, nullptr, identity::revoke_volunteer}},
      {B::kListTeams, {p::signed_in, identity::list_teams, nullptr}},
      {B::kListAreas, {p::signed_in, identity::list_areas, nullptr}},
      {B::kListDevices, {p::signed_in, identity::list_devices, nullptr}},
      {B::kListAudit, {p::coordinators_only, identity::list_audit, nullptr}},
      {B::kStartPatrol, {p::signed_in, nullptr, patrols::start_patrol}},
      {B::kCheckIn, {p::signed_in, nullptr, patrols::check_in}},
      {B::kEndPatrol, {p::signed_in, nullptr, patrols::end_patrol}},
      {B::kSubmitNote, {p::signed_in, nullptr, patrols::submit_note}},
      {B::kSendPatrolMessage, {p::leads_and_coordinators, nullptr, patrols::send_patrol_message}},
      {B::kListActivePatrols, {p::signed_in, patrols::list_active_patrols, nullptr}},
      {B::kScrubPreview, {p::signed_in, patrols::scrub_preview, nullptr}},
      {B::kRaiseSos, {p::signed_in, nullptr, alerts::raise_sos}},
      {B::kAcknowledgeAlert, {p::leads_and_coordinators, nullptr, alerts::acknowledge_alert}},
      // Leads and coordinators resolve; a volunteer only an SOS they raised ("I am safe").
      {B::kResolveAlert, {p::signed_in, nullptr, alerts::resolve_alert}},
      {B::kListAlerts, {p::signed_in, alerts::list_alerts, nullptr}},
      {B::kCreateShift, {p::create_shift, nullptr, shifts::create_shift}},
      {B::kUpdateShift, {p::plan_shift, nullptr, shifts::update_shift}},
      {B::kCancelShift, {p::plan_shift, nullptr, shifts::cancel_shift}},
      {B::kAssignShift, {p::plan_shift, nullptr, shifts::assign_shift}},
      {B::kUnassignShift, {p::plan_shift, nullptr, shifts::unassign_shift}},
      {B::kSignUp, {p::see_shift, nullptr, shifts::sign_up}},
      {B::kWithdraw, {p::see_shift, nullptr, shifts::withdraw}},
      {B::kListShifts, {p::list_shifts, shifts::list_shifts, nullptr}},
      {B::kGetCalendarFeed, {p::get_calendar_feed, nullptr, shifts::get_calendar_feed}},
      {B::kRevokeCalendarFeed, {p::revoke_calendar_feed, nullptr, shifts::revoke_calendar_feed}},
      {B::kSync, {p::signed_in, sync::sync, nullptr}},
      // Push: the caller's own device only, so any signed-in caller.
      {B::kRegisterPush, {p::signed_in, nullptr, push::register_push}},
      {B::kUnregisterPush, {p::signed_in, nullptr, push::unregister_push}},
      // Statistics: coordinators see every area; leads their own teams' activity.
      {B::kGetStats, {p::leads_and_coordinators, stats::get_stats, nullptr}},
      {B::kExportStats, {p::coordinators_only, stats::export_stats, nullptr}},
  };
}

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
  return body == B::kHello || body == B::kRedeemInvite;
}

// Runs `work` for `request`, answering whatever it throws: a refusal as its Error, a
// storage failure as UNAVAILABLE, anything else as INTERNAL.
void guarded(Request& request, const std::function<void()>& work) {
  try {
    work();
  } catch (const core::Refusal& refusal) {
    request.fail(refusal.status());
  } catch (const store::SqliteError& e) {
    spdlog::error("{} failed in storage: {}", body_name(request.message), e.what());
    request.fail(core::Reason::STORAGE_UNAVAILABLE, "storage is unavailable; retry later");
  } catch (const std::exception& e) {
    spdlog::error("{} failed: {}", body_name(request.message), e.what());
    request.fail(core::Reason::SERVER_ERROR, "the request failed on the server");
  }
}

}  // namespace

Dispatcher::Dispatcher(store::Database& db, const core::Clock& clock, Hub& hub, const core::Config& config)
    : planning_alerts_(config.planning_alerts_per_team_per_min),
      services_{db, clock, hub, config, sos_positions_, planning_alerts_},
      device_requests_(config.rate_limit_per_s, config.rate_limit_burst),
      address_auth_failures_(config.auth_failures_per_ip_per_min / 60.0, config.auth_failures_per_ip_per_min),
      routes_(route_table()) {
  for (const auto& [body, route] : routes_) {
    if (route.policy == nullptr || (route.read == nullptr) == (route.write == nullptr)) {
      throw std::logic_error("route " + std::to_string(body) + " needs a policy and one handler");
    }
  }
}

bool Dispatcher::dispatch(const SessionState& session, std::string_view frame, Respond respond) {
  auto request = std::make_shared<Request>(Request{session, {}, {}, instrument(std::move(respond))});
  if (!request->message.ParseFromArray(frame.data(), static_cast<int>(frame.size()))) {
    core::metrics().messages_received.with("invalid").inc();
    request->message.Clear();
    request->fail(core::Reason::MALFORMED_FRAME, "frame is not a valid ClientMessage");
    return false;
  }
  // A reply with request_id 0 could not be told apart from a pushed event.
  if (request->message.request_id() == 0) {
    core::metrics().messages_received.with("invalid").inc();
    request->fail(core::Reason::REQUEST_ID_MISSING, "request_id must not be 0", "request_id");
    return false;
  }
  const auto body = request->message.body_case();
  const bool session_start = is_session_start(body);
  const auto route = routes_.find(static_cast<int>(body));
  if (!session_start && route == routes_.end()) {
    core::metrics().messages_received.with("unknown").inc();
    request->fail(core::Reason::UNKNOWN_REQUEST, "unknown or missing request body", "body");
    return false;
  }
  core::metrics().messages_received.with(body_name(request->message)).inc();
  if (!session_start && !session.principal) {
    request->fail(core::Reason::NOT_SIGNED_IN, "send Hello or RedeemInvite first");
    return false;
  }
  if (session_start && session.principal) {
    request->fail(core::Reason::ALREADY_SIGNED_IN, "this connection is already authenticated");
    return false;
  }
  if (session_start) {
    start_session(request);
    return true;
  }
  if (!device_requests_.take(session.principal->device_id)) {
    request->fail(core::Reason::RATE_LIMITED, "too many requests; slow down");
    return false;
  }
  request->policy = route->second.policy;
  request->caller = *session.principal;
  if (route->second.read != nullptr) {
    read(request, route->second.read);
    // One read in flight per connection: its next frame is read once this one is
    // answered, so one connection cannot fill the readers' queue.
    return true;
  }
  write(request, route->second.write);
  return false;
}

void Dispatcher::write(const RequestPtr& request, WriteHandler handler) {
  guarded(*request, [&] {
    try {
      handler(services_, request);
    } catch (const core::Refusal& refusal) {
      // As for every request, authorisation comes first: a request its caller may not
      // make is refused for that, whatever its values. So a refused value is answered
      // only from the writer, once the caller is authorised there.
      refuse_after_authorization(services_, request, refusal.status());
    }
  });
}

void Dispatcher::start_session(const RequestPtr& request) {
  guarded(*request, [&] {
    if (request->message.has_redeem_invite()) {
      identity::redeem_invite(services_, address_auth_failures_, request);
      return;
    }
    if (!identity::admit_hello(*request)) return;
    // Signing in goes before the clients' waiting reads, like the server's own.
    on_reader(
        request,
        [this, request](store::Connection& reader) {
          identity::hello(services_, address_auth_failures_, request, reader);
        },
        store::ReaderPool::Priority::server);
  });
}

void Dispatcher::read(const RequestPtr& request, ReadHandler handler) {
  on_reader(request, [this, request, handler](store::Connection& reader) {
    try {
      request->caller = authorize(reader, *request);
    } catch (const core::Refusal& refusal) {
      if (refusal.status().code == core::Code::unauthenticated) return request->revoked();
      throw;
    }
    handler(services_, request, reader);
  });
}

void Dispatcher::on_reader(const RequestPtr& request, std::function<void(store::Connection&)> work,
                           store::ReaderPool::Priority priority) {
  const bool queued = services_.db.readers().submit(
      [request, work = std::move(work)](store::Connection& reader) {
        guarded(*request, [&] { work(reader); });
      },
      priority);
  if (!queued) request->fail(core::Reason::SHUTTING_DOWN, "server is shutting down; retry later");
}

}  // namespace gadehold::app
