// Reason codes: every refusal names its rule (Error.reason) with the values an app needs
// (Error.params), from the one list in proto/gadehold/v1/reasons.tsv; server-raised alerts
// carry their sentence's values in Alert.params, kept across a restart. Every Error any
// test receives is also checked against the list (support/error_contract.hpp).
#include <doctest/doctest.h>

#include "support/programme.hpp"

using namespace gadehold;
using test::Programme;
using test::uuid;

namespace {

void check_reason(const v1::ServerMessage& reply, const std::string& reason, const std::string& field,
                  const std::map<std::string, std::string>& params = {}) {
  REQUIRE(reply.has_error());
  CHECK(reply.error().reason() == reason);
  CHECK(reply.error().field() == field);
  CHECK_FALSE(reply.error().message().empty());  // the English fallback stays
  CHECK(static_cast<std::size_t>(reply.error().params().size()) == params.size());
  for (const auto& kv : params) {
    REQUIRE(reply.error().params().count(kv.first) == 1);
    CHECK(reply.error().params().at(kv.first) == kv.second);
  }
}

}  // namespace

TEST_CASE("the reason list: names, codes and params come from reasons.tsv") {
  CHECK(core::reason_name(core::Reason::SHIFT_FULL) == "SHIFT_FULL");
  CHECK(core::reason_code(core::Reason::SHIFT_FULL) == core::Code::failed_precondition);
  CHECK(core::reason_params(core::Reason::SHIFT_FULL) == "max_volunteers");
  CHECK(core::reason_code(core::Reason::NOT_FOUND) == core::Code::not_found);
  CHECK(core::reason_params(core::Reason::OUT_OF_RANGE) == "min,max");
  const core::Refusal refusal(core::Reason::PATROL_ENDED, "the patrol has ended", "patrol_id");
  CHECK(refusal.status().code == core::Code::failed_precondition);
  CHECK(refusal.status().reason == core::Reason::PATROL_ENDED);
}

TEST_CASE("the test clients' contract check refuses an Error that breaks the list") {
  v1::ServerMessage msg;
  msg.mutable_error()->set_code(v1::ERROR_CODE_FAILED_PRECONDITION);
  msg.mutable_error()->set_reason("SHIFT_FULL");
  (*msg.mutable_error()->mutable_params())["max_volunteers"] = "4";
  CHECK_NOTHROW(test::check_error_contract(msg));
  (*msg.mutable_error()->mutable_params())["min_volunteers"] = "2";  // not listed for SHIFT_FULL
  CHECK_THROWS(test::check_error_contract(msg));
  msg.mutable_error()->clear_params();
  msg.mutable_error()->set_code(v1::ERROR_CODE_INVALID_ARGUMENT);  // not SHIFT_FULL's code
  CHECK_THROWS(test::check_error_contract(msg));
  msg.mutable_error()->set_reason("");
  CHECK_THROWS(test::check_error_contract(msg));
  msg.mutable_error()->set_reason("NO_SUCH_REASON");
  CHECK_THROWS(test::check_error_contract(msg));
}

TEST_CASE("patrol refusals name their rule") {
  Programme p;
  const auto patrol = p.start_patrol(1);
  check_reason(p.app.call(p.walker.session, p.start(2)), "ALREADY_ON_PATROL", "patrol_id");
  check_reason(p.app.call(p.south_walker.session, p.check_in(3, patrol)), "NOT_FOUND", "patrol_id");
  auto bad_interval = p.start(4, {}, 5);
  check_reason(p.app.call(p.south_walker.session, bad_interval), "OUT_OF_RANGE", "checkin_interval_s",
               {{"min", "60"}, {"max", "7200"}});
  p.app.ok(p.walker, p.end(5, patrol));
  check_reason(p.app.call(p.walker.session, p.check_in(6, patrol)), "PATROL_ENDED", "patrol_id");
  auto reused = p.end(5, patrol);
  reused.mutable_end_patrol()->set_ended_at_ms(reused.end_patrol().ended_at_ms() + 1);
  check_reason(p.app.call(p.walker.session, reused), "CLIENT_ID_REUSED", "client_id");
}

TEST_CASE("shift refusals carry the values of their sentence") {
  Programme p;
  const auto shift = p.shift(1, 2 * Programme::kHour, 4 * Programme::kHour, 1, 1);
  REQUIRE(p.sign_up(p.walker, shift).has_ack());
  check_reason(p.sign_up(p.partner, shift), "SHIFT_FULL", "max_volunteers", {{"max_volunteers", "1"}});
  check_reason(p.sign_up(p.south_walker, shift), "NOT_FOUND", "shift_id");
  const auto later = p.shift(2, 3 * Programme::kHour);
  check_reason(p.sign_up(p.walker, later), "SHIFT_OVERLAP", "overlap");
  check_reason(
      p.app.call(p.lead.session, p.create_shift(3, p.north, 2 * Programme::kHour, 13 * Programme::kHour)),
      "SHIFT_TOO_LONG", "ends_at_ms", {{"max_hours", "12"}});
  const auto far = p.shift(4, 90 * Programme::kDay);
  check_reason(p.sign_up(p.partner, far), "SIGN_UP_NOT_OPEN", "starts_at_ms", {{"horizon_days", "60"}});
  check_reason(p.cancel_shift(p.walker, shift), "ROLE_FORBIDDEN", "");
}

TEST_CASE("session and input refusals") {
  Programme p;
  v1::ClientMessage hello;
  hello.set_request_id(1);
  hello.mutable_hello()->set_protocol_version(99);
  app::SessionState fresh;
  fresh.connection_id = 777;
  fresh.client_address = "127.0.0.2";
  check_reason(p.app.call(fresh, hello), "PROTOCOL_VERSION_UNSUPPORTED", "protocol_version",
               {{"min", "1"}, {"max", "1"}});
  hello.mutable_hello()->set_protocol_version(1);
  hello.mutable_hello()->set_device_token("not a token");
  check_reason(p.app.call(fresh, hello), "AUTHENTICATION_FAILED", "");

  v1::ClientMessage redeem;
  redeem.set_request_id(2);
  redeem.mutable_redeem_invite()->set_invite_code(p.app.invite(p.lead, v1::ROLE_VOLUNTEER, p.north));
  redeem.mutable_redeem_invite()->set_handle("x");
  check_reason(p.app.call(fresh, redeem), "HANDLE_LENGTH", "handle",
               {{"min_chars", "2"}, {"max_chars", "32"}});
  redeem.mutable_redeem_invite()->set_handle("call 12345678");
  check_reason(p.app.call(fresh, redeem), "HANDLE_LOOKS_LIKE_PHONE", "handle");

  auto check_in = p.check_in(9, "ptrl_missing", 91.0, 0.0);
  check_reason(p.app.call(p.walker.session, check_in), "LATITUDE_INVALID", "location");
  auto note = p.note(10, "ptrl_missing", std::string(2001, 'a'));
  check_reason(p.app.call(p.walker.session, note), "TEXT_TOO_LONG", "text", {{"max_chars", "2000"}});
}

TEST_CASE("server-raised alerts carry their sentence's values, across a restart") {
  Programme p;
  p.app.config().min_patrol_size = 3;
  const auto patrol = p.start_patrol(1);
  auto list = [&]() {
    v1::ClientMessage m;
    m.set_request_id(40);
    m.mutable_list_alerts();
    return p.app.ok(p.lead, m).alert_list();
  };
  REQUIRE(list().alerts_size() == 1);
  CHECK(list().alerts(0).kind() == v1::ALERT_KIND_SMALL_PATROL);
  CHECK(list().alerts(0).params().at("volunteers") == "2");
  CHECK(list().alerts(0).params().at("min_patrol_size") == "3");
  const auto started = p.app.clock().now_ms();
  p.app.clock().advance_ms(16 * 60 * 1000);  // past the 10 min interval and the grace period
  p.app.tick();
  p.app.restart();
  const auto alerts = list();
  REQUIRE(alerts.alerts_size() == 2);
  CHECK(alerts.alerts(0).kind() == v1::ALERT_KIND_OVERDUE);
  CHECK(alerts.alerts(0).patrol_id() == patrol);
  CHECK(alerts.alerts(0).params().at("last_activity_ms") == std::to_string(started));
  CHECK(alerts.alerts(1).params().size() == 2);
}

TEST_CASE("the server says why it resolved an alert, across a restart") {
  Programme p;
  p.app.config().min_patrol_size = 3;
  const auto patrol = p.start_patrol(1);
  p.app.ok(p.walker, p.check_in(2, patrol, 55.6761, 12.5683, v1::CHECK_IN_STATUS_NEED_SUPPORT));
  p.app.ok(p.partner, p.check_in(3, patrol));  // resolves NEED_SUPPORT
  p.app.ok(p.walker, p.end(4, patrol));        // resolves SMALL_PATROL
  p.app.restart();
  v1::ClientMessage m;
  m.set_request_id(41);
  m.mutable_list_alerts()->set_include_resolved_since_ms(1);
  const auto list = p.app.ok(p.lead, m).alert_list();
  std::map<int, v1::Alert> by_kind;
  for (const auto& a : list.alerts()) by_kind[a.kind()] = a;
  REQUIRE(by_kind.count(v1::ALERT_KIND_NEED_SUPPORT) == 1);
  REQUIRE(by_kind.count(v1::ALERT_KIND_SMALL_PATROL) == 1);
  CHECK(by_kind[v1::ALERT_KIND_NEED_SUPPORT].resolve_reason() == "RESOLVED_CHECKED_IN_OK");
  CHECK(by_kind[v1::ALERT_KIND_NEED_SUPPORT].resolve_note() == "the patrol checked in OK");  // the fallback
  CHECK(by_kind[v1::ALERT_KIND_SMALL_PATROL].resolve_reason() == "RESOLVED_PATROL_ENDED");
  CHECK(by_kind[v1::ALERT_KIND_SMALL_PATROL].resolved_by().empty());
}

TEST_CASE("refusals found by the outside review name the right rule and field") {
  Programme p;
  // A coordinator is in no team: nothing to patrol for.
  check_reason(p.app.call(p.coordinator.session, p.start(1)), "NO_TEAM", "");
  // Which member is busy.
  p.app.ok(p.partner, p.start(2));
  auto with_partner = p.start(3, {p.partner.volunteer_id()});
  check_reason(p.app.call(p.walker.session, with_partner), "MEMBER_ON_PATROL", "member_ids",
               {{"volunteer_id", p.partner.volunteer_id()}});
  // An unknown enum number is not "required".
  const auto patrol = p.app.ok(p.walker, p.start(4)).ack().id();
  auto note = p.note(5, patrol);
  note.mutable_submit_note()->set_outcome(static_cast<v1::NoteOutcome>(99));
  check_reason(p.app.call(p.walker.session, note), "NOT_ALLOWED_VALUE", "outcome");
  note.mutable_submit_note()->set_outcome(v1::NOTE_OUTCOME_UNSPECIFIED);
  check_reason(p.app.call(p.walker.session, note), "REQUIRED", "outcome");
  // A phone whose clock is behind ends the patrol "before" it started: recorded as the start.
  const auto started = p.app.clock().now_ms();
  p.app.clock().advance_ms(60'000);
  auto early = p.end(6, patrol);
  early.mutable_end_patrol()->set_ended_at_ms(started - 2 * Programme::kHour);
  CHECK_FALSE(p.app.ok(p.walker, early).ack().duplicate());
  CHECK(p.count("SELECT ended_at_ms - started_at_ms FROM patrols WHERE id = '" + patrol + "'") == 0);
  // Times out of range are TIME_INVALID on the field at fault, before the order of the two.
  v1::ClientMessage stats;
  stats.set_request_id(7);
  stats.mutable_get_stats()->set_period(v1::STATS_PERIOD_WEEK);
  stats.mutable_get_stats()->set_from_ms(p.app.clock().now_ms());
  stats.mutable_get_stats()->set_to_ms(7'300'000'000'000);
  check_reason(p.app.call(p.lead.session, stats), "TIME_INVALID", "to_ms");
  stats.mutable_get_stats()->set_from_ms(-1);
  check_reason(p.app.call(p.lead.session, stats), "TIME_INVALID", "from_ms");
  v1::ClientMessage export_request;
  export_request.set_request_id(8);
  auto* e = export_request.mutable_export_stats();
  e->set_period(v1::STATS_PERIOD_MONTH);
  e->set_from_ms(p.app.clock().now_ms() - Programme::kDay);
  e->set_to_ms(p.app.clock().now_ms());
  e->set_city("Aarhus");
  e->set_format(static_cast<v1::ExportFormat>(7));
  check_reason(p.app.call(p.coordinator.session, export_request), "NOT_ALLOWED_VALUE", "format",
               {{"allowed", "EXPORT_FORMAT_CSV,EXPORT_FORMAT_JSON"}});
}

TEST_CASE("shift refusals name what the planner did first") {
  Programme p;
  const auto shift = p.shift(1, 2 * Programme::kHour, 3 * Programme::kHour);
  const auto start = p.find_shift(p.lead, shift).starts_at_ms();
  // Only the start moved into the past: that, not the length it now has.
  check_reason(p.update_shift(p.lead, shift, [&](v1::UpdateShift& u) { u.set_starts_at_ms(start - 4 * Programme::kHour); }),
               "SHIFT_START_IN_PAST", "starts_at_ms");
  // A finished shift is over, not just started.
  p.app.clock().advance_ms(6 * Programme::kHour);
  check_reason(p.sign_up(p.walker, shift), "SHIFT_OVER", "ends_at_ms");
}
