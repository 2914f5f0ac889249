#include "server/app/commit.hpp"

#include <spdlog/spdlog.h>

#include "server/app/writes.hpp"
#include "server/store/client_writes.hpp"

namespace gadehold::app {

void publish(Hub& hub, const std::vector<PendingEvent>& events) {
  for (const auto& pending : events) {
    hub.publish(push_frame(pending.live ? *pending.live : pending.event), pending.audience);
  }
  if (!events.empty()) hub.push_to_devices(events);
}

void fail_write(Request& request, const core::Status& status) {
  if (status.code == core::Code::unauthenticated) return request.revoked();
  request.fail(status);
}

void acked_write(const Services& services, RequestPtr request, ApplyWrite apply) {
  commit_then<WriteResult>(services, std::move(request), std::move(apply),
                           [&hub = services.hub](Request& r, WriteResult& result) {
                             publish(hub, result.events);
                             v1::ServerMessage msg;
                             auto* ack = msg.mutable_ack();
                             ack->set_id(result.id);
                             ack->set_duplicate(result.duplicate);
                             if (result.scrub_report) *ack->mutable_scrub_report() = *result.scrub_report;
                             r.reply(std::move(msg));
                           });
}

void idempotent_write(const Services& services, RequestPtr request, const std::string& kind,
                      const std::string& client_id, const std::string& hash, ApplyWrite apply) {
  check_client_id(client_id);
  const auto volunteer = request->caller.volunteer_id;
  const auto now = services.clock.now_ms();
  acked_write(services, std::move(request),
              [=, apply = std::move(apply)](store::Connection& conn, const Principal& caller) {
                if (auto original = store::find_client_write(conn, volunteer, client_id)) {
                  if (original->content_hash != hash) {
                    throw core::Refusal(core::Reason::CLIENT_ID_REUSED,
                                        "this client_id was used for a different write", "client_id");
                  }
                  WriteResult replay;
                  replay.id = original->object_id;
                  replay.duplicate = true;
                  return replay;
                }
                auto result = apply(conn, caller);
                store::insert_client_write(conn, volunteer, client_id, kind, hash, result.id, now);
                return result;
              });
}

void refuse_after_authorization(const Services& services, RequestPtr request, core::Status refusal) {
  services.db.writer().submit(
      [request, refusal](store::Connection& conn) {
        authorize(conn, *request);
        throw core::Refusal(refusal);
      },
      [request](const core::Status& status) { fail_write(*request, status); });
}

void background_write(const Services& services, ApplyEvents apply) {
  auto events = std::make_shared<std::vector<PendingEvent>>();
  services.db.writer().submit(
      [apply = std::move(apply), events](store::Connection& conn) { *events = apply(conn); },
      [&hub = services.hub, events](const core::Status& status) {
        if (!status.ok()) {
          spdlog::warn("watchdog write failed: {}", status.message);
          return;
        }
        publish(hub, *events);
      });
}

}  // namespace gadehold::app
