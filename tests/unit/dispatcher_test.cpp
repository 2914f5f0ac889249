// The route table's rules, as a client sees them: request_id 0 is refused; authorisation
// comes before a request's values are checked, for writes as for reads; and a session's
// writes commit in the order they were sent, even when they are pipelined.
#include <doctest/doctest.h>

#include <future>

#include "support/programme.hpp"

using namespace gadehold;
using test::Programme;
using test::uuid;

TEST_CASE("a request with request_id 0 is refused on field request_id, before and after sign-in") {
  Programme p;
  v1::ClientMessage m;
  m.set_request_id(0);
  m.mutable_list_teams();
  const auto refused = p.app.call(p.walker.session, m);
  REQUIRE(refused.has_error());
  CHECK(refused.request_id() == 0);
  CHECK(refused.error().code() == v1::ERROR_CODE_INVALID_ARGUMENT);
  CHECK(refused.error().field() == "request_id");

  // A write with request_id 0 changes nothing.
  auto start = p.start(1, {p.partner.volunteer_id()});
  start.set_request_id(0);
  CHECK(p.app.call(p.walker.session, start).error().field() == "request_id");
  CHECK(p.count("SELECT count(*) FROM patrols") == 0);

  app::SessionState fresh;
  v1::ClientMessage hello;
  hello.mutable_hello()->set_protocol_version(1);
  hello.mutable_hello()->set_device_token(p.walker.token);
  CHECK(p.app.call(fresh, hello).error().field() == "request_id");
  CHECK_FALSE(fresh.principal.has_value());
  hello.set_request_id(7);
  CHECK(p.app.call(fresh, hello).has_welcome());
}

TEST_CASE("a write its caller may not make is refused for that, whatever its values") {
  Programme p;
  const auto shift = p.shift(1, 2 * Programme::kDay);

  // A volunteer may not plan shifts: PERMISSION_DENIED, not the missing title.
  auto create = p.create_shift(2, p.north, Programme::kDay, 4 * Programme::kHour);
  create.mutable_create_shift()->set_title("");
  const auto denied = p.app.call(p.walker.session, create);
  CHECK(denied.error().code() == v1::ERROR_CODE_PERMISSION_DENIED);
  // A lead of another team: the shift is NOT_FOUND, however bad the new title is.
  const auto other_team = p.update_shift(p.south_lead, shift, [](v1::UpdateShift& u) { u.set_title("   "); });
  CHECK(other_team.error().code() == v1::ERROR_CODE_NOT_FOUND);
  CHECK(other_team.error().field() == "shift_id");
  // Its own lead gets the value's refusal.
  const auto own = p.update_shift(p.lead, shift, [](v1::UpdateShift& u) { u.set_title("   "); });
  CHECK(own.error().code() == v1::ERROR_CODE_INVALID_ARGUMENT);
  CHECK(own.error().field() == "title");

  // A revoked device's bad write closes the connection as revoked, like any request.
  auto check_in = p.check_in(3, "pat_does_not_matter", 200.0, 0.0);
  v1::ClientMessage revoke;
  revoke.set_request_id(30);
  revoke.mutable_revoke_device()->set_device_id(p.walker.device_id());
  REQUIRE(p.app.ok(p.lead, revoke).has_ack());
  const auto revoked = p.app.call(p.walker.session, check_in);
  CHECK(revoked.error().code() == v1::ERROR_CODE_UNAUTHENTICATED);
  REQUIRE(p.app.last_close().has_value());
  CHECK(p.app.last_close()->code == 1008);
}

TEST_CASE("a session's pipelined writes commit in the order they were sent") {
  Programme p;
  const auto shift = p.shift(1, 2 * Programme::kDay);
  // Sign up, withdraw, sign up again, withdraw again: sent at once, answered later.
  std::vector<std::future<app::Outcome>> replies;
  std::vector<std::promise<app::Outcome>> promises(4);
  for (int i = 0; i < 4; ++i) {
    v1::ClientMessage m;
    m.set_request_id(100 + static_cast<std::uint64_t>(i));
    if (i % 2 == 0) {
      m.mutable_sign_up()->set_shift_id(shift);
      m.mutable_sign_up()->set_client_id(uuid(200 + i));
    } else {
      m.mutable_withdraw()->set_shift_id(shift);
      m.mutable_withdraw()->set_client_id(uuid(200 + i));
    }
    replies.push_back(promises[i].get_future());
    p.app.dispatcher().dispatch(p.walker.session, m.SerializeAsString(),
                                [&promises, i](app::Outcome o) { promises[i].set_value(std::move(o)); });
  }
  for (auto& r : replies) {
    REQUIRE(r.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    const auto outcome = r.get();
    CHECK(outcome.reply.has_ack());
    CHECK_FALSE(outcome.reply.ack().duplicate());  // each one changed the sign-up
  }
  CHECK(p.find_shift(p.lead, shift).sign_ups_size() == 0);
  CHECK(p.count("SELECT count(*) FROM shift_withdrawals") == 2);
}
