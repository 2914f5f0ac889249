// Shift planning and sign-ups through the dispatcher on a real database with a fake
// clock: every rule and the field it names, idempotency, late withdrawals, who gets
// which event, and what ListShifts shows.
#include <doctest/doctest.h>

#include "server/app/shifts/shift_rules.hpp"
#include "support/programme.hpp"

using namespace gadehold;
using test::Programme;
using test::User;
using test::uuid;

namespace {

constexpr auto kHour = Programme::kHour;
constexpr auto kDay = Programme::kDay;

void check_refused(const v1::ServerMessage& reply, v1::ErrorCode code, const std::string& field) {
  REQUIRE(reply.has_error());
  CHECK(reply.error().code() == code);
  CHECK(reply.error().field() == field);
}

void check_rule(const v1::ServerMessage& reply, const std::string& field) {
  check_refused(reply, v1::ERROR_CODE_FAILED_PRECONDITION, field);
}

// The ShiftChanged events published since `from`.
std::vector<std::pair<v1::ShiftChanged, app::Audience>> changes(Programme& p, std::size_t from) {
  std::vector<std::pair<v1::ShiftChanged, app::Audience>> out;
  for (auto& [event, audience] : p.published_since(from)) {
    if (event.has_shift_changed()) out.emplace_back(event.shift_changed(), audience);
  }
  return out;
}

}  // namespace

TEST_CASE("busiest_day_ms: the most shift time in any 24 hours") {
  using store::TimeSpan;
  CHECK(app::shifts::busiest_day_ms({}) == 0);
  CHECK(app::shifts::busiest_day_ms({{"a", 0, 4 * kHour}}) == 4 * kHour);
  // Two evenings in a row never share a 24-hour window for more than one shift.
  CHECK(app::shifts::busiest_day_ms({{"a", 18 * kHour, 23 * kHour}, {"b", 42 * kHour, 47 * kHour}}) == 5 * kHour);
  // An evening and the next afternoon do.
  CHECK(app::shifts::busiest_day_ms({{"a", 18 * kHour, 23 * kHour}, {"b", 38 * kHour, 42 * kHour}}) == 9 * kHour);
  // Back to back.
  CHECK(app::shifts::busiest_day_ms({{"a", 0, 4 * kHour}, {"b", 4 * kHour, 9 * kHour}}) == 9 * kHour);
}

TEST_CASE("CreateShift: times, numbers and text rules name their field") {
  Programme p;
  using v1::ERROR_CODE_INVALID_ARGUMENT;
  check_rule(p.app.call(p.lead.session, p.create_shift(1, p.north, kDay, -kHour)), "ends_at_ms");
  check_rule(p.app.call(p.lead.session, p.create_shift(2, p.north, kDay, 0)), "ends_at_ms");
  check_rule(p.app.call(p.lead.session, p.create_shift(3, p.north, kDay, 12 * kHour + 1)), "ends_at_ms");
  check_rule(p.app.call(p.lead.session, p.create_shift(4, p.north, -kHour, 4 * kHour)), "starts_at_ms");
  check_rule(p.app.call(p.lead.session, p.create_shift(5, p.north, 400 * kDay, 4 * kHour)), "starts_at_ms");
  check_rule(p.app.call(p.lead.session, p.create_shift(6, p.north, kDay, 4 * kHour, 5, 4)), "min_volunteers");
  check_refused(p.app.call(p.lead.session, p.create_shift(7, p.north, kDay, 4 * kHour, 0, 0)),
                ERROR_CODE_INVALID_ARGUMENT, "max_volunteers");
  check_refused(p.app.call(p.lead.session, p.create_shift(8, p.north, kDay, 4 * kHour, 0, 51)),
                ERROR_CODE_INVALID_ARGUMENT, "max_volunteers");
  auto blank = p.create_shift(9, p.north, kDay, 4 * kHour);
  blank.mutable_create_shift()->set_title("   ");
  check_refused(p.app.call(p.lead.session, blank), ERROR_CODE_INVALID_ARGUMENT, "title");
  auto bad_id = p.create_shift(10, p.north, kDay, 4 * kHour);
  bad_id.mutable_create_shift()->set_client_id("not-a-uuid");
  check_refused(p.app.call(p.lead.session, bad_id), ERROR_CODE_INVALID_ARGUMENT, "client_id");
  auto bad_area = p.create_shift(11, p.north, kDay, 4 * kHour);
  bad_area.mutable_create_shift()->set_area_id("area_missing");
  check_refused(p.app.call(p.lead.session, bad_area), v1::ERROR_CODE_NOT_FOUND, "area_id");
  // Longer than a volunteer may hold in a day (8 h by default): nobody could take it.
  const auto too_long = p.app.call(p.lead.session, p.create_shift(13, p.north, kDay, 8 * kHour + 1));
  check_rule(too_long, "ends_at_ms");
  CHECK(too_long.error().message().find("8 hours") != std::string::npos);
  CHECK(p.count("SELECT COUNT(*) FROM shifts") == 0);
  CHECK(p.app.call(p.lead.session, p.create_shift(14, p.north, kDay, 8 * kHour)).has_ack());
  // With a 12-hour daily limit, exactly 12 hours is allowed, and can be taken.
  p.app.config().max_shift_hours_per_day = 12;
  const auto long_shift = p.app.call(p.lead.session, p.create_shift(12, p.north, 3 * kDay, 12 * kHour));
  REQUIRE(long_shift.has_ack());
  CHECK(p.sign_up(p.walker, long_shift.ack().id()).has_ack());
}

TEST_CASE("CreateShift is idempotent by client_id and scrubs its text") {
  Programme p;
  auto msg = p.create_shift(1, p.north, kDay, 4 * kHour);
  msg.mutable_create_shift()->set_notes("Meet at the station, call 07700 900123 if late");
  const auto first = p.app.ok(p.lead, msg).ack();
  CHECK(first.scrub_report().phone() == 1);
  const auto again = p.app.ok(p.lead, msg).ack();
  CHECK(again.duplicate());
  CHECK(again.id() == first.id());
  CHECK(p.count("SELECT COUNT(*) FROM shifts") == 1);
  CHECK(p.count("SELECT COUNT(*) FROM shifts WHERE notes LIKE '%07700%'") == 0);
  CHECK(p.find_shift(p.walker, first.id()).notes().find("[PHONE]") != std::string::npos);
  msg.mutable_create_shift()->set_max_volunteers(6);
  check_refused(p.app.call(p.lead.session, msg), v1::ERROR_CODE_CONFLICT, "client_id");
}

TEST_CASE("SignUp: capacity, overlap, daily hours, start, horizon and cancellation") {
  Programme p;
  p.app.config().max_shift_hours_per_day = 8;
  p.app.config().sign_up_horizon_days = 60;
  const auto small = p.shift(1, 2 * kDay, 4 * kHour, 1, 1);
  CHECK(p.sign_up(p.walker, small).has_ack());
  check_rule(p.sign_up(p.partner, small), "max_volunteers");

  SUBCASE("a second sign-up is a duplicate, not a second place") {
    const auto again = p.sign_up(p.walker, small);
    REQUIRE(again.has_ack());
    CHECK(again.ack().duplicate());
    CHECK(p.count("SELECT COUNT(*) FROM shift_signups") == 1);
  }
  SUBCASE("overlapping shifts") {
    const auto overlapping = p.shift(2, 2 * kDay + 3 * kHour, 2 * kHour);
    check_rule(p.sign_up(p.walker, overlapping), "overlap");
    // Back to back is not an overlap.
    const auto next = p.shift(3, 2 * kDay + 4 * kHour, 2 * kHour);
    CHECK(p.sign_up(p.walker, next).has_ack());
    // But 4 + 2 + 3 hours within 24 hours is past the daily limit of 8.
    const auto later = p.shift(4, 2 * kDay + 10 * kHour, 3 * kHour);
    check_rule(p.sign_up(p.walker, later), "daily_hours");
    // The next evening is fine.
    const auto tomorrow = p.shift(5, 3 * kDay, 4 * kHour);
    CHECK(p.sign_up(p.walker, tomorrow).has_ack());
  }
  SUBCASE("a shift that has started") {
    const auto soon = p.shift(6, kHour, 2 * kHour);
    p.app.clock().advance_ms(kHour);
    check_rule(p.sign_up(p.partner, soon), "starts_at_ms");
  }
  SUBCASE("beyond the sign-up horizon") {
    const auto far = p.shift(7, 61 * kDay, 2 * kHour);
    const auto reply = p.sign_up(p.partner, far);
    check_rule(reply, "starts_at_ms");
    CHECK(reply.error().message().find("60 days") != std::string::npos);
    p.app.clock().advance_ms(2 * kDay);
    CHECK(p.sign_up(p.partner, far).has_ack());
  }
  SUBCASE("a cancelled shift") {
    const auto doomed = p.shift(8, 5 * kDay, 2 * kHour);
    REQUIRE(p.cancel_shift(p.lead, doomed).has_ack());
    check_rule(p.sign_up(p.partner, doomed), "cancelled");
  }
  SUBCASE("another team's shift is not found") {
    check_refused(p.sign_up(p.south_walker, small), v1::ERROR_CODE_NOT_FOUND, "shift_id");
  }
}

TEST_CASE("Withdraw: early is quiet, late is flagged to the leads") {
  Programme p;
  p.app.config().late_withdrawal_h = 24;
  const auto shift = p.shift(1, 3 * kDay, 4 * kHour);
  REQUIRE(p.sign_up(p.walker, shift).has_ack());
  REQUIRE(p.sign_up(p.partner, shift).has_ack());

  auto mark = p.app.hub().published().size();
  REQUIRE(p.withdraw(p.walker, shift, "exam week").has_ack());
  auto early = changes(p, mark);
  REQUIRE(early.size() == 1);
  CHECK(early[0].first.change() == v1::SHIFT_CHANGE_KIND_WITHDRAWN);
  CHECK_FALSE(early[0].first.late());
  CHECK(early[0].first.reason() == "exam week");

  p.app.clock().advance_ms(2 * kDay + kHour);  // 23 hours before the start
  mark = p.app.hub().published().size();
  REQUIRE(p.withdraw(p.partner, shift, "ill").has_ack());
  auto late = changes(p, mark);
  REQUIRE(late.size() == 1);
  CHECK(late[0].first.late());
  CHECK(late[0].first.volunteer_id() == p.partner.volunteer_id());
  CHECK(late[0].second.includes(*p.lead.session.principal));
  CHECK(late[0].second.includes(*p.partner.session.principal));
  CHECK(late[0].second.includes(*p.coordinator.session.principal));
  CHECK_FALSE(late[0].second.includes(*p.walker.session.principal));
  CHECK_FALSE(late[0].second.includes(*p.south_lead.session.principal));
  CHECK(p.count("SELECT COUNT(*) FROM shift_withdrawals WHERE late = 1") == 1);
  CHECK(p.count("SELECT COUNT(*) FROM shift_withdrawals WHERE late = 0") == 1);
  // Withdrawing again changes nothing.
  const auto again = p.withdraw(p.partner, shift);
  REQUIRE(again.has_ack());
  CHECK(again.ack().duplicate());
  CHECK(p.count("SELECT COUNT(*) FROM shift_withdrawals") == 2);
}

TEST_CASE("Assign and unassign: leads place their own team's volunteers") {
  Programme p;
  const auto shift = p.shift(1, 2 * kDay, 4 * kHour, 1, 2);
  check_refused(p.assign(p.lead, shift, p.south_walker.volunteer_id()), v1::ERROR_CODE_NOT_FOUND, "volunteer_id");
  REQUIRE(p.assign(p.lead, shift, p.walker.volunteer_id()).has_ack());
  REQUIRE(p.sign_up(p.partner, shift).has_ack());
  check_rule(p.assign(p.lead, shift, p.lead.volunteer_id()), "max_volunteers");
  auto listed = p.find_shift(p.lead, shift);
  REQUIRE(listed.sign_ups_size() == 2);
  // By handle: partner signed up, walker was assigned.
  CHECK(listed.sign_ups(0).handle() == "partner");
  CHECK_FALSE(listed.sign_ups(0).assigned());
  CHECK(listed.sign_ups(1).handle() == "walker");
  CHECK(listed.sign_ups(1).assigned());
  CHECK(listed.staffing() == v1::STAFFING_STATE_FULL);
  REQUIRE(p.assign(p.lead, shift, p.walker.volunteer_id(), false).has_ack());
  CHECK(p.find_shift(p.lead, shift).staffing() == v1::STAFFING_STATE_STAFFED);
  CHECK(p.count("SELECT COUNT(*) FROM shift_withdrawals WHERE unassigned_by IS NOT NULL") == 1);
}

TEST_CASE("UpdateShift: SEQUENCE grows per change; the rules hold for the new values") {
  Programme p;
  const auto shift = p.shift(1, 2 * kDay, 4 * kHour, 1, 3);
  const auto other = p.shift(2, 2 * kDay + 6 * kHour, 2 * kHour);
  REQUIRE(p.sign_up(p.walker, shift).has_ack());
  REQUIRE(p.sign_up(p.partner, shift).has_ack());
  REQUIRE(p.sign_up(p.walker, other).has_ack());
  auto update = [&](auto&& set) { return p.update_shift(p.lead, shift, set); };
  const auto t0 = p.find_shift(p.lead, shift);
  CHECK(t0.sequence() == 0);
  REQUIRE(update([](v1::UpdateShift& u) { u.set_title("Harbour walk"); }).has_ack());
  CHECK(p.find_shift(p.lead, shift).sequence() == 1);
  // The same values again: nothing changes, no new SEQUENCE.
  const auto same = update([](v1::UpdateShift& u) { u.set_title("Harbour walk"); });
  REQUIRE(same.has_ack());
  CHECK(same.ack().duplicate());
  CHECK(p.find_shift(p.lead, shift).sequence() == 1);
  check_rule(update([](v1::UpdateShift& u) { u.set_max_volunteers(1); }), "max_volunteers");
  // Moving it later would overlap the walker's other shift.
  check_rule(update([&](v1::UpdateShift& u) { u.set_starts_at_ms(t0.starts_at_ms() + 4 * kHour);
                                               u.set_ends_at_ms(t0.ends_at_ms() + 4 * kHour); }),
             "overlap");
  check_rule(update([&](v1::UpdateShift& u) { u.set_ends_at_ms(t0.starts_at_ms() + 13 * kHour); }), "ends_at_ms");
  const auto moved = update([&](v1::UpdateShift& u) { u.set_starts_at_ms(t0.starts_at_ms() - kHour); });
  REQUIRE(moved.has_ack());
  const auto t1 = p.find_shift(p.lead, shift);
  CHECK(t1.sequence() == 2);
  CHECK(t1.starts_at_ms() == t0.starts_at_ms() - kHour);
  CHECK(t1.sign_ups_size() == 2);
}

TEST_CASE("events: plan changes reach the team, sign-up changes the volunteer and the leads") {
  Programme p;
  auto mark = p.app.hub().published().size();
  const auto shift = p.shift(1, 2 * kDay);
  auto created = changes(p, mark);
  REQUIRE(created.size() == 1);
  CHECK(created[0].first.change() == v1::SHIFT_CHANGE_KIND_CREATED);
  CHECK(created[0].first.shift().shift_id() == shift);
  for (auto* u : {&p.lead, &p.walker, &p.partner, &p.coordinator}) {
    CHECK(created[0].second.includes(*u->session.principal));
  }
  CHECK_FALSE(created[0].second.includes(*p.south_walker.session.principal));
  CHECK_FALSE(created[0].second.includes(*p.south_lead.session.principal));

  mark = p.app.hub().published().size();
  REQUIRE(p.sign_up(p.walker, shift).has_ack());
  auto signed_up = changes(p, mark);
  REQUIRE(signed_up.size() == 1);
  CHECK(signed_up[0].first.change() == v1::SHIFT_CHANGE_KIND_SIGNED_UP);
  CHECK(signed_up[0].first.shift().sign_ups_size() == 1);
  CHECK(signed_up[0].second.includes(*p.walker.session.principal));
  CHECK(signed_up[0].second.includes(*p.lead.session.principal));
  CHECK_FALSE(signed_up[0].second.includes(*p.partner.session.principal));
  CHECK_FALSE(signed_up[0].second.includes(*p.south_lead.session.principal));

  // Sync replays them by the same rule.
  auto kinds = [&](User& u) {
    std::vector<int> out;
    for (auto& e : p.sync(u)) {
      if (e.has_shift_changed()) out.push_back(e.shift_changed().change());
    }
    return out;
  };
  CHECK(kinds(p.walker) == std::vector<int>{v1::SHIFT_CHANGE_KIND_CREATED, v1::SHIFT_CHANGE_KIND_SIGNED_UP});
  CHECK(kinds(p.partner) == std::vector<int>{v1::SHIFT_CHANGE_KIND_CREATED});
  CHECK(kinds(p.lead) == std::vector<int>{v1::SHIFT_CHANGE_KIND_CREATED, v1::SHIFT_CHANGE_KIND_SIGNED_UP});
  CHECK(kinds(p.south_walker).empty());
}

TEST_CASE("ListShifts: by team, only mine, and out of reach") {
  Programme p;
  const auto north = p.shift(1, 2 * kDay);
  const auto south = p.app.ok(p.south_lead, p.create_shift(2, p.south, 2 * kDay, 3 * kHour)).ack().id();
  REQUIRE(p.sign_up(p.walker, north).has_ack());
  CHECK(p.list_shifts(p.walker).size() == 1);
  CHECK(p.list_shifts(p.coordinator).size() == 2);
  CHECK(p.list_shifts(p.coordinator, p.south).size() == 1);
  CHECK(p.list_shifts(p.walker, {}, true).size() == 1);
  CHECK(p.list_shifts(p.partner, {}, true).empty());
  auto shown = p.find_shift(p.partner, north);
  CHECK(shown.staffing() == v1::STAFFING_STATE_UNDERSTAFFED);
  CHECK(shown.area_name() == "Centre");
  REQUIRE(shown.sign_ups_size() == 1);
  CHECK(shown.sign_ups(0).handle() == "walker");
  v1::ClientMessage m;
  m.set_request_id(1);
  m.mutable_list_shifts()->set_from_ms(p.app.clock().now_ms());
  m.mutable_list_shifts()->set_to_ms(p.app.clock().now_ms() + kDay);
  m.mutable_list_shifts()->set_team_id(p.south);
  check_refused(p.app.call(p.walker.session, m), v1::ERROR_CODE_NOT_FOUND, "team_id");
  m.mutable_list_shifts()->clear_team_id();
  m.mutable_list_shifts()->set_to_ms(p.app.clock().now_ms() + 101 * kDay);
  check_refused(p.app.call(p.walker.session, m), v1::ERROR_CODE_INVALID_ARGUMENT, "to_ms");
  // A range whose width overflows is refused, not wrapped around the 100-day cap.
  m.mutable_list_shifts()->set_from_ms(-9'000'000'000'000'000'000);
  m.mutable_list_shifts()->set_to_ms(9'000'000'000'000'000'000);
  check_refused(p.app.call(p.coordinator.session, m), v1::ERROR_CODE_INVALID_ARGUMENT, "from_ms");
  (void)south;
}

TEST_CASE("leaving a team or being revoked drops future sign-ups, as withdrawals with events") {
  Programme p;
  const auto tomorrow = p.shift(1, 20 * kHour);
  const auto next_week = p.shift(2, 7 * kDay);
  REQUIRE(p.sign_up(p.walker, tomorrow).has_ack());
  REQUIRE(p.sign_up(p.walker, next_week).has_ack());
  REQUIRE(p.sign_up(p.partner, next_week).has_ack());
  auto mark = p.app.hub().published().size();
  v1::ClientMessage m;
  m.set_request_id(1);
  m.mutable_set_membership()->set_volunteer_id(p.walker.volunteer_id());
  m.mutable_set_membership()->set_team_id(p.north);
  m.mutable_set_membership()->set_membership(v1::MEMBERSHIP_NONE);
  p.app.ok(p.coordinator, m);
  CHECK(p.find_shift(p.lead, tomorrow).sign_ups_size() == 0);
  CHECK(p.find_shift(p.lead, next_week).sign_ups_size() == 1);
  auto dropped = changes(p, mark);
  REQUIRE(dropped.size() == 2);
  for (auto& [change, audience] : dropped) {
    CHECK(change.change() == v1::SHIFT_CHANGE_KIND_UNASSIGNED);
    CHECK(change.volunteer_id() == p.walker.volunteer_id());
    CHECK(change.by() == p.coordinator.volunteer_id());
    CHECK(audience.includes(*p.lead.session.principal));
  }
  CHECK(dropped[0].first.late());  // 20 hours before the start
  CHECK_FALSE(dropped[1].first.late());
  CHECK(p.count("SELECT COUNT(*) FROM shift_withdrawals WHERE late = 1") == 1);

  mark = p.app.hub().published().size();
  v1::ClientMessage revoke;
  revoke.set_request_id(2);
  revoke.mutable_revoke_volunteer()->set_volunteer_id(p.partner.volunteer_id());
  p.app.ok(p.lead, revoke);
  CHECK(p.find_shift(p.lead, next_week).sign_ups_size() == 0);
  REQUIRE(changes(p, mark).size() == 1);
}

TEST_CASE("a replayed UpdateShift does not undo a later change") {
  Programme p;
  const auto shift = p.shift(1, 2 * kDay);
  const auto t0 = p.find_shift(p.lead, shift);
  v1::ClientMessage first;
  first.set_request_id(1);
  first.mutable_update_shift()->set_shift_id(shift);
  first.mutable_update_shift()->set_client_id(uuid(500));
  first.mutable_update_shift()->set_starts_at_ms(t0.starts_at_ms() + kHour);
  REQUIRE(p.app.call(p.lead.session, first).has_ack());  // its Ack was lost on the way
  REQUIRE(p.update_shift(p.coordinator, shift, [&](v1::UpdateShift& u) {
             u.set_starts_at_ms(t0.starts_at_ms() + 2 * kHour);
           }).has_ack());
  const auto replay = p.app.call(p.lead.session, first);  // the outbox sends it again
  REQUIRE(replay.has_ack());
  CHECK(replay.ack().duplicate());
  const auto now = p.find_shift(p.lead, shift);
  CHECK(now.starts_at_ms() == t0.starts_at_ms() + 2 * kHour);
  CHECK(now.sequence() == 2);
}
