// The check-in reminder: the patrol's members get check_in_due a set time before their
// check-in is due (the last activity plus the interval, before the grace period), once
// per stretch between check-ins, and never twice across a restart.
#include <doctest/doctest.h>

#include "support/programme.hpp"

using namespace gadehold;
using test::Programme;

namespace {

std::vector<std::pair<v1::Event, app::Audience>> reminders_since(Programme& p, std::size_t from) {
  std::vector<std::pair<v1::Event, app::Audience>> out;
  for (auto& e : p.published_since(from)) {
    if (e.first.has_check_in_due()) out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

TEST_CASE("check_in_due reaches the patrol's members 2 minutes before the check-in is due, once") {
  Programme p;
  const auto start = p.app.clock().now_ms();
  const auto patrol = p.start_patrol(1, 600);  // due 10 min after the start, overdue 5 min later
  auto before = p.app.hub().published().size();
  p.app.clock().advance_ms(480'000 - 1);
  p.app.tick();
  CHECK(reminders_since(p, before).empty());
  p.app.clock().advance_ms(1);
  CHECK(p.app.tick() == 1);
  auto sent = reminders_since(p, before);
  REQUIRE(sent.size() == 2);  // the walker and the partner, each their own
  for (const auto& [event, audience] : sent) {
    CHECK(event.check_in_due().patrol_id() == patrol);
    CHECK(event.check_in_due().due_at_ms() == start + 600'000);
    CHECK(audience.kind == app::Audience::Kind::volunteer);
    CHECK_FALSE(audience.includes(*p.lead.session.principal));
  }
  CHECK((sent[0].second.includes(*p.walker.session.principal) ||
         sent[1].second.includes(*p.walker.session.principal)));
  CHECK((sent[0].second.includes(*p.partner.session.principal) ||
         sent[1].second.includes(*p.partner.session.principal)));
  // In the members' own log too, for a phone that was asleep.
  bool logged = false;
  for (const auto& e : p.sync(p.partner)) logged |= e.has_check_in_due();
  CHECK(logged);

  // Once per stretch, across a restart too.
  before = p.app.hub().published().size();
  p.app.restart();
  p.app.clock().advance_ms(60'000);
  p.app.tick();
  CHECK(reminders_since(p, before).empty());

  // A check-in starts a new stretch: one more reminder 2 minutes before the next due.
  const auto checked_in = p.app.clock().now_ms();
  p.app.ok(p.walker, p.check_in(2, patrol));
  p.app.clock().advance_ms(480'000);
  p.app.tick();
  sent = reminders_since(p, before);
  REQUIRE(sent.size() == 2);
  CHECK(sent[0].first.check_in_due().due_at_ms() == checked_in + 600'000);

  // Overdue: no reminder, the alert instead.
  before = p.app.hub().published().size();
  p.app.clock().advance_ms(600'000);
  p.app.tick();
  CHECK(reminders_since(p, before).empty());
  CHECK(p.count("SELECT count(*) FROM alerts WHERE kind = 1") == 1);
}

TEST_CASE("check-in-due-notice-s = 0 sends no reminders") {
  Programme p;
  p.app.config().check_in_due_notice_s = 0;
  p.start_patrol(1, 600);
  const auto before = p.app.hub().published().size();
  for (int i = 0; i < 14; ++i) {
    p.app.clock().advance_ms(60'000);
    p.app.tick();
  }
  CHECK(reminders_since(p, before).empty());
}
