#include "server/app/push/fanout.hpp"

#include <spdlog/spdlog.h>

#include <map>
#include <memory>
#include <set>

namespace gadehold::app::push {

namespace {

struct Planned {
  PushPlan plan;
  Audience audience;
};

// The kind in logs and metrics: a small fixed set.
std::string metric_kind(const PushPlan& plan) {
  if (plan.kind == "alert_raised") return plan.alert_kind;
  if (plan.kind == "alert_acknowledged") return "acknowledged";
  if (plan.kind == "alert_resolved") return "resolved";
  return plan.kind;
}

// What a phone gets once, however many of its audiences an event reached (an SOS goes to
// the leads of each of the raiser's teams; a lead of two of them gets it once).
std::string once_key(const std::string& device_id, const PushPlan& plan) {
  return device_id + '\n' + plan.kind + '\n' + plan.alert_id + plan.patrol_id + plan.shift_id +
         plan.message_id;
}

void resolve(store::Connection& reader, const std::vector<Planned>& planned, const Send& send) {
  std::map<std::string, std::string> area_names;
  std::set<std::string> sent;
  for (const auto& [plan, audience] : planned) {
    auto subscriptions =
        store::push_subscriptions_for(reader, audience.kind, audience.team_id, audience.volunteer_id);
    if (subscriptions.empty()) continue;
    std::string area;
    if (!plan.area_id.empty()) {
      auto [it, fresh] = area_names.try_emplace(plan.area_id);
      if (fresh) it->second = store::area_name(reader, plan.area_id);
      area = it->second;
    }
    Delivery d;
    d.plan = &plan;
    d.kind = metric_kind(plan);
    d.payload = payload_json(plan, area);
    for (auto& sub : subscriptions) {
      if (!sent.insert(once_key(sub.device_id, plan)).second) continue;
      d.subscription = std::move(sub);
      send(d);
    }
  }
}

}  // namespace

bool fan_out(store::Database& db, const core::Clock& clock, const std::vector<PendingEvent>& events,
             Send send) {
  std::vector<Planned> planned;
  const auto now = clock.now_ms();
  for (const auto& pending : events) {
    if (auto plan = push_plan(pending, now)) planned.push_back({std::move(*plan), pending.audience});
  }
  if (planned.empty()) return false;
  // A server read: it goes before the clients' statistics, so a busy dashboard does not
  // hold an SOS back.
  const bool queued = db.readers().submit([planned = std::move(planned), send = std::move(send)](
                                              store::Connection& reader) { resolve(reader, planned, send); },
                                          store::ReaderPool::Priority::server);
  if (!queued) spdlog::warn("push: not sent, the server is stopping");
  return queued;
}

void forget_gone(store::Database& db, const std::string& device_id, const std::string& endpoint) {
  auto deleted = std::make_shared<bool>(false);
  db.writer().submit(
      [device_id, endpoint, deleted](store::Connection& conn) {
        *deleted = store::delete_gone_push_subscription(conn, device_id, endpoint);
      },
      [deleted](const core::Status& status) {
        if (!status.ok()) {
          spdlog::warn("push: could not delete a subscription its push service called gone: {}",
                       status.message);
        } else if (*deleted) {
          spdlog::info("push: deleted a subscription its push service called gone (404 or 410)");
        }
      });
}

}  // namespace gadehold::app::push
