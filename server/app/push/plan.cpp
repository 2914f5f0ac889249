#include "server/app/push/plan.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "server/core/p256.hpp"
#include "server/core/tokens.hpp"

namespace gadehold::app::push {

namespace {

// How long a push service keeps a message for a phone that is off or out of signal.
constexpr std::uint32_t kAlertTtlS = 3600;         // an SOS is worth delivering for an hour
constexpr std::uint32_t kOverdueTtlS = 1800;       // the watchdog escalates it within that
constexpr std::uint32_t kAnswerTtlS = 3600;        // "someone heard you" matters as long
constexpr std::uint32_t kMessageTtlS = 1800;       // "come back to base"
constexpr std::uint32_t kShiftReminderTtlS = 900;  // shortly before the shift
constexpr std::uint32_t kCheckInDueMinTtlS = 60;   // a reminder is worth minutes
constexpr std::uint32_t kCheckInDueMaxTtlS = 600;

// The alert kinds that reach locked phones: someone may be in danger.
const char* urgent_kind_name(int kind) {
  switch (kind) {
    case v1::ALERT_KIND_SOS:
      return "sos";
    case v1::ALERT_KIND_NEED_SUPPORT:
      return "need_support";
    case v1::ALERT_KIND_OVERDUE:
      return "overdue";
    default:
      return nullptr;
  }
}

// A Topic (RFC 8030 section 5.4: at most 32 base64url characters) from an id such as
// "alrt_" + 26 base32 characters: a short tag of what it is about, then the id's random part.
std::string topic_for(std::string_view tag, const std::string& id) {
  const auto underscore = id.find('_');
  std::string out(tag);
  out += underscore == std::string::npos ? id : id.substr(underscore + 1);
  out.resize(std::min<std::size_t>(out.size(), 32));
  const bool ok = std::all_of(out.begin(), out.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
  return ok ? out : std::string();
}

std::optional<PushPlan> alert_plan(const char* event_kind, const v1::Alert& alert, std::int64_t at_ms,
                                   bool answer) {
  const char* name = urgent_kind_name(alert.kind());
  if (name == nullptr) return std::nullopt;
  PushPlan plan;
  plan.kind = event_kind;
  plan.alert_kind = name;
  plan.alert_id = alert.alert_id();
  plan.patrol_id = alert.patrol_id();
  plan.area_id = alert.area_id();
  plan.escalated = alert.escalated();
  plan.at_ms = at_ms;
  // An answer to an SOS or a call for support tells someone in trouble that help is
  // coming: as urgent as the alert. An answer to an overdue alert is not.
  const bool danger = alert.kind() != v1::ALERT_KIND_OVERDUE;
  plan.urgency = !answer || danger ? PushUrgency::high : PushUrgency::normal;
  plan.ttl_s = answer ? kAnswerTtlS : alert.kind() == v1::ALERT_KIND_OVERDUE ? kOverdueTtlS : kAlertTtlS;
  // One topic per alert: an acknowledgement replaces the alert's push that a phone has
  // not fetched yet, and the app shows the alert as it is now.
  plan.topic = topic_for("a", alert.alert_id());
  return plan;
}

}  // namespace

std::optional<PushPlan> push_plan(const PendingEvent& pending, std::int64_t now_ms) {
  const auto& e = pending.event;
  std::optional<PushPlan> plan;
  switch (e.kind_case()) {
    case v1::Event::kAlertRaised:
      plan = alert_plan("alert_raised", e.alert_raised(), e.alert_raised().raised_at_ms(), false);
      break;
    case v1::Event::kAlertAcknowledged:
      plan = alert_plan("alert_acknowledged", e.alert_acknowledged().alert(), e.alert_acknowledged().at_ms(),
                        true);
      break;
    case v1::Event::kAlertResolved:
      plan = alert_plan("alert_resolved", e.alert_resolved().alert(), e.alert_resolved().at_ms(), true);
      break;
    case v1::Event::kCheckInDue: {
      plan.emplace();
      plan->kind = "check_in_due";
      plan->patrol_id = e.check_in_due().patrol_id();
      plan->at_ms = e.check_in_due().due_at_ms();
      const auto left_s = (e.check_in_due().due_at_ms() - now_ms) / 1000;
      plan->ttl_s = static_cast<std::uint32_t>(
          std::clamp<std::int64_t>(left_s, kCheckInDueMinTtlS, kCheckInDueMaxTtlS));
      plan->topic = topic_for("due", e.check_in_due().patrol_id());
      break;
    }
    case v1::Event::kShiftReminder: {
      const auto& shift = e.shift_reminder().shift();
      plan.emplace();
      plan->kind = "shift_reminder";
      plan->shift_id = shift.shift_id();
      plan->area_id = shift.area_id();
      plan->at_ms = shift.starts_at_ms();
      plan->ttl_s = kShiftReminderTtlS;
      plan->topic = topic_for("sh", shift.shift_id());
      break;
    }
    case v1::Event::kPatrolMessage: {
      // The patrol's members get it by name (a volunteer audience); the leads sent it or
      // watch the patrol on a screen.
      if (pending.audience.kind != Audience::Kind::volunteer) return std::nullopt;
      const auto& m = e.patrol_message();
      plan.emplace();
      plan->kind = "patrol_message";
      plan->message_id = m.message_id();
      plan->patrol_id = m.patrol_id();
      plan->at_ms = m.sent_at_ms();
      plan->urgency = PushUrgency::high;  // a lead calling the patrol back
      plan->ttl_s = kMessageTtlS;
      break;  // no topic: every message counts
    }
    default:
      return std::nullopt;
  }
  if (plan) plan->seq = e.seq();
  return plan;
}

std::string device_topic(const std::string& topic, const std::string& auth) {
  if (topic.empty()) return {};
  auto topic_id = core::base64url(core::hmac_sha256(auth, "gadehold push topic\n" + topic).bytes());
  topic_id.resize(32);  // 192 bits of the MAC
  return topic_id;
}

std::string payload_json(const PushPlan& plan, const std::string& area_name) {
  boost::json::object o;
  o["v"] = 1;
  o["kind"] = plan.kind;
  if (!plan.alert_kind.empty()) o["alert_kind"] = plan.alert_kind;
  if (!plan.alert_id.empty()) o["alert_id"] = plan.alert_id;
  if (!plan.patrol_id.empty()) o["patrol_id"] = plan.patrol_id;
  if (!plan.shift_id.empty()) o["shift_id"] = plan.shift_id;
  if (!plan.message_id.empty()) o["message_id"] = plan.message_id;
  if (!plan.area_id.empty()) o["area_id"] = plan.area_id;
  if (!area_name.empty()) o["area"] = area_name;
  if (plan.escalated) o["escalated"] = true;
  o["at_ms"] = plan.at_ms;
  o["seq"] = plan.seq;
  return boost::json::serialize(o);
}

}  // namespace gadehold::app::push
