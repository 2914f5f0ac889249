// Which committed events go to locked phones, and the payload a phone decrypts
// (app/push/plan): no database, no sockets.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "server/app/push/plan.hpp"

using namespace gadehold;
using app::Audience;
using app::PendingEvent;
using app::push::push_plan;
using app::push::PushUrgency;

namespace {

constexpr std::int64_t kNow = 1'800'000'000'000;
const std::string kAlert = "alrt_abcdefghijklmnopqrstuvwxyz";  // as core::new_id makes them
const std::string kPatrol = "ptrl_abcdefghijklmnopqrstuvwxyz";

v1::Alert alert(v1::AlertKind kind) {
  v1::Alert a;
  a.set_alert_id(kAlert);
  a.set_kind(kind);
  a.set_team_id("team_n");
  a.set_patrol_id(kPatrol);
  a.set_area_id("area_c");
  a.set_raised_at_ms(kNow - 5000);
  a.set_message("kim is hurt by the kiosk on Jagtvej");  // never in a push
  a.set_raised_by("vol_raiser");
  a.mutable_location()->set_lat(55.6761);
  a.mutable_location()->set_lon(12.5683);
  return a;
}

PendingEvent pending(v1::Event e, Audience audience = Audience::team_leads("team_n")) {
  e.set_seq(77);
  e.set_at_ms(kNow);
  return PendingEvent{std::move(e), std::move(audience), std::nullopt};
}

PendingEvent raised(v1::AlertKind kind) {
  v1::Event e;
  *e.mutable_alert_raised() = alert(kind);
  return pending(std::move(e));
}

boost::json::object payload(const app::push::PushPlan& plan, const std::string& area = "Centre") {
  return boost::json::parse(app::push::payload_json(plan, area)).as_object();
}

}  // namespace

TEST_CASE("push plan: SOS, NEED_SUPPORT and OVERDUE are pushed urgently, planning alerts are not") {
  struct Case {
    v1::AlertKind kind;
    const char* name;
    std::uint32_t ttl_s;
  };
  for (const auto& c :
       {Case{v1::ALERT_KIND_SOS, "sos", 3600}, Case{v1::ALERT_KIND_NEED_SUPPORT, "need_support", 3600},
        Case{v1::ALERT_KIND_OVERDUE, "overdue", 1800}}) {
    CAPTURE(c.name);
    const auto plan = push_plan(raised(c.kind), kNow);
    REQUIRE(plan);
    CHECK(plan->kind == "alert_raised");
    CHECK(plan->alert_kind == c.name);
    CHECK(plan->urgency == PushUrgency::high);
    CHECK(plan->ttl_s == c.ttl_s);
    CHECK(plan->topic == "aabcdefghijklmnopqrstuvwxyz");
    CHECK(plan->topic.size() <= 32);
    CHECK(plan->alert_id == kAlert);
    CHECK(plan->at_ms == kNow - 5000);
    CHECK(plan->seq == 77);
  }
  for (auto kind : {v1::ALERT_KIND_UNDERSTAFFED, v1::ALERT_KIND_SMALL_PATROL, v1::ALERT_KIND_AUTO_CLOSED}) {
    CAPTURE(kind);
    CHECK_FALSE(push_plan(raised(kind), kNow));
  }
}

TEST_CASE(
    "push plan: answers to an alert share its topic; an answer to an SOS is urgent, to an overdue not") {
  v1::Event ack;
  *ack.mutable_alert_acknowledged()->mutable_alert() = alert(v1::ALERT_KIND_SOS);
  ack.mutable_alert_acknowledged()->set_at_ms(kNow);
  ack.mutable_alert_acknowledged()->set_note("on my way");
  const auto a = push_plan(pending(ack, Audience::volunteer("vol_raiser")), kNow);
  REQUIRE(a);
  CHECK(a->kind == "alert_acknowledged");
  CHECK(a->urgency == PushUrgency::high);
  CHECK(a->topic == push_plan(raised(v1::ALERT_KIND_SOS), kNow)->topic);
  CHECK(a->at_ms == kNow);

  v1::Event resolved;
  *resolved.mutable_alert_resolved()->mutable_alert() = alert(v1::ALERT_KIND_OVERDUE);
  resolved.mutable_alert_resolved()->set_at_ms(kNow);
  const auto r = push_plan(pending(resolved), kNow);
  REQUIRE(r);
  CHECK(r->kind == "alert_resolved");
  CHECK(r->alert_kind == "overdue");
  CHECK(r->urgency == PushUrgency::normal);

  v1::Event planning;
  *planning.mutable_alert_acknowledged()->mutable_alert() = alert(v1::ALERT_KIND_UNDERSTAFFED);
  CHECK_FALSE(push_plan(pending(planning), kNow));
}

TEST_CASE("push plan: check_in_due lives until the check-in is due, within 1 to 10 minutes") {
  auto due_in = [](std::int64_t ms) {
    v1::Event e;
    e.mutable_check_in_due()->set_patrol_id(kPatrol);
    e.mutable_check_in_due()->set_due_at_ms(kNow + ms);
    return push_plan(pending(e, Audience::volunteer("vol_a")), kNow);
  };
  const auto two_minutes = due_in(120'000);
  REQUIRE(two_minutes);
  CHECK(two_minutes->kind == "check_in_due");
  CHECK(two_minutes->ttl_s == 120);
  CHECK(two_minutes->urgency == PushUrgency::normal);
  CHECK(two_minutes->topic == "dueabcdefghijklmnopqrstuvwxyz");
  CHECK(due_in(5'000)->ttl_s == 60);
  CHECK(due_in(3'600'000)->ttl_s == 600);
}

TEST_CASE("push plan: patrol messages go to the members only, without their text") {
  v1::Event e;
  auto* m = e.mutable_patrol_message();
  m->set_message_id("pmsg_1");
  m->set_patrol_id(kPatrol);
  m->set_text("come back to base now");
  m->set_from_handle("lead-kim");
  m->set_sent_at_ms(kNow);
  CHECK_FALSE(push_plan(pending(e, Audience::team_leads("team_n")), kNow));
  const auto plan = push_plan(pending(e, Audience::volunteer("vol_a")), kNow);
  REQUIRE(plan);
  CHECK(plan->urgency == PushUrgency::high);
  CHECK(plan->topic.empty());  // each message counts: none replaces another
  const auto json = app::push::payload_json(*plan, "");
  CHECK(json.find("base") == std::string::npos);
  CHECK(json.find("lead-kim") == std::string::npos);
  CHECK(payload(*plan, "").at("message_id").as_string() == "pmsg_1");
}

TEST_CASE("push plan: shift reminders carry the shift and its area; other events are not pushed") {
  v1::Event e;
  auto* s = e.mutable_shift_reminder()->mutable_shift();
  s->set_shift_id("shft_abc");
  s->set_area_id("area_c");
  s->set_starts_at_ms(kNow + 3'600'000);
  s->set_title("Friday night");
  const auto plan = push_plan(pending(e, Audience::volunteer("vol_a")), kNow);
  REQUIRE(plan);
  CHECK(plan->kind == "shift_reminder");
  CHECK(plan->ttl_s == 900);
  CHECK(plan->at_ms == kNow + 3'600'000);
  CHECK(app::push::payload_json(*plan, "Centre").find("Friday") == std::string::npos);

  v1::Event check_in;
  check_in.mutable_check_in_recorded()->set_patrol_id(kPatrol);
  CHECK_FALSE(push_plan(pending(check_in), kNow));
  v1::Event note;
  note.mutable_note_recorded()->set_text("scrubbed");
  CHECK_FALSE(push_plan(pending(note), kNow));
  v1::Event started;
  started.mutable_patrol_started()->set_patrol_id(kPatrol);
  CHECK_FALSE(push_plan(pending(started), kNow));
}

TEST_CASE("push payload: the kind, the ids, the area's name and the time; no text, place or person") {
  const auto plan = push_plan(raised(v1::ALERT_KIND_SOS), kNow);
  REQUIRE(plan);
  const auto json = app::push::payload_json(*plan, "Nørrebro \"Nord\"");
  const auto o = boost::json::parse(json).as_object();
  CHECK(o.at("v").as_int64() == 1);
  CHECK(o.at("kind").as_string() == "alert_raised");
  CHECK(o.at("alert_kind").as_string() == "sos");
  CHECK(o.at("alert_id").as_string() == kAlert);
  CHECK(o.at("patrol_id").as_string() == kPatrol);
  CHECK(o.at("area_id").as_string() == "area_c");
  CHECK(o.at("area").as_string() == "Nørrebro \"Nord\"");
  CHECK(o.at("at_ms").as_int64() == kNow - 5000);
  CHECK(o.at("seq").as_int64() == 77);
  CHECK_FALSE(o.contains("escalated"));
  for (const char* leak : {"kim", "Jagtvej", "55.67", "12.56", "vol_raiser", "team_n"}) {
    CAPTURE(leak);
    CHECK(json.find(leak) == std::string::npos);
  }
  CHECK(json.size() < 400);
  // No area known: no "area" key, rather than an empty one.
  CHECK_FALSE(payload(*plan, "").contains("area"));
}

TEST_CASE("push topic: one per device and alert, opaque, at most 32 base64url characters") {
  const auto plan = push_plan(raised(v1::ALERT_KIND_SOS), kNow);
  REQUIRE(plan);
  const std::string phone_a = "BTBZMqHH6r4Tts7J_aSIgg", phone_b = "Qm9iJ3MgYXV0aCBzZWNyZXQ";
  const auto a = app::push::device_topic(plan->topic, phone_a);
  CHECK(a.size() == 32);
  CHECK(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
        std::string::npos);
  CHECK(a == app::push::device_topic(plan->topic, phone_a));         // the answer's push replaces the alert's
  CHECK(a != app::push::device_topic(plan->topic, phone_b));         // phones cannot be grouped by it
  CHECK(a.find("abcdefghijklmnopqrstuvwxyz") == std::string::npos);  // the alert id does not show
  CHECK(app::push::device_topic("", phone_a).empty());
}
