// The live-session registry's audience indexes: an event reaches exactly the sessions
// Audience::includes() admits, after identity changes, removal and device closes. The
// indexes replace a scan of every connection per event (docs/performance.md), so each
// case compares delivery with what a scan would have chosen.
#include <doctest/doctest.h>

#include <map>
#include <memory>

#include "server/net/shared_state.hpp"

using namespace gadehold;

namespace {

struct FakeSession : net::LiveSession {
  int pushes = 0;
  int closes = 0;
  void close(std::uint16_t, std::string) override { ++closes; }
  void push(std::shared_ptr<const std::string>) override { ++pushes; }
};

app::Principal person(const std::string& id, v1::Role role, std::vector<std::string> teams,
                      std::vector<std::string> leads = {}) {
  app::Principal p;
  p.volunteer_id = id;
  p.device_id = "dev_" + id;
  p.role = role;
  p.team_ids = std::move(teams);
  p.lead_team_ids = std::move(leads);
  return p;
}

struct World {
  net::SessionRegistry registry;
  std::map<std::uint64_t, std::shared_ptr<FakeSession>> sessions;
  std::map<std::uint64_t, app::Principal> who;

  void connect(std::uint64_t id, const app::Principal& p) {
    auto s = std::make_shared<FakeSession>();
    sessions[id] = s;
    registry.add(id, s);
    registry.set_identity(id, p);
    who[id] = p;
  }

  // Publishes and checks every session got the event exactly when includes() says so.
  void publish_and_check(const app::Audience& audience) {
    std::map<std::uint64_t, int> before;
    for (auto& [id, s] : sessions) before[id] = s->pushes;
    const auto reached = registry.publish(std::make_shared<const std::string>("e"), audience);
    std::size_t expected = 0;
    for (auto& entry : sessions) {
      // Not a structured binding: clang 14 (the sanitizer build) cannot capture one.
      const auto& id = entry.first;
      const auto& s = entry.second;
      const bool live = who.count(id) > 0;
      const bool should = live && audience.includes(who[id]);
      expected += should ? 1 : 0;
      CAPTURE(id);
      CHECK(s->pushes - before[id] == (should ? 1 : 0));
    }
    CHECK(reached == expected);
  }
};

}  // namespace

TEST_CASE("each audience reaches exactly the sessions it includes") {
  World w;
  w.connect(1, person("a", v1::ROLE_VOLUNTEER, {"t1"}));
  w.connect(2, person("a", v1::ROLE_VOLUNTEER, {"t1"}));  // a's second phone
  w.connect(3, person("b", v1::ROLE_VOLUNTEER, {"t2"}));
  w.connect(4, person("l", v1::ROLE_LEAD, {"t1", "t2"}, {"t1"}));
  w.connect(5, person("c", v1::ROLE_COORDINATOR, {}));
  w.connect(6, person("d", v1::ROLE_VOLUNTEER, {"t1", "t3"}));
  for (const auto& audience :
       {app::Audience::team("t1"), app::Audience::team("t2"), app::Audience::team("t9"),
        app::Audience::team_leads("t1"), app::Audience::team_leads("t2"), app::Audience::leads_only("t1"),
        app::Audience::coordinators(), app::Audience::volunteer("a"), app::Audience::volunteer("c"),
        app::Audience::volunteer_and_leads("t1", "b"), app::Audience::volunteer_and_leads("t2", "d")}) {
    CAPTURE(static_cast<int>(audience.kind));
    w.publish_and_check(audience);
  }
}

TEST_CASE("identity changes, removal and a closed device move the indexes with them") {
  World w;
  w.connect(1, person("a", v1::ROLE_VOLUNTEER, {"t1"}));
  w.connect(2, person("b", v1::ROLE_VOLUNTEER, {"t1"}));
  w.connect(3, person("a", v1::ROLE_VOLUNTEER, {"t1"}));

  // a moves from t1 to t2 and becomes its lead.
  w.registry.update_volunteer("a", v1::ROLE_LEAD, {"t2"}, {"t2"});
  w.who[1] = w.who[3] = person("a", v1::ROLE_LEAD, {"t2"}, {"t2"});
  w.publish_and_check(app::Audience::team("t1"));
  w.publish_and_check(app::Audience::team_leads("t2"));

  // b's connection ends.
  w.registry.remove(2);
  w.who.erase(2);
  w.publish_and_check(app::Audience::team("t1"));

  // a's device is revoked: both its connections are closed and get nothing more.
  w.registry.close_device("dev_a", 1008, "revoked");
  CHECK(w.sessions[1]->closes == 1);
  CHECK(w.sessions[3]->closes == 1);
  w.who.erase(1);
  w.who.erase(3);
  w.publish_and_check(app::Audience::team("t2"));
  w.publish_and_check(app::Audience::volunteer("a"));

  // Promoted to coordinator: reached by events of teams it is not in.
  w.connect(7, person("e", v1::ROLE_VOLUNTEER, {"t1"}));
  w.registry.update_volunteer("e", v1::ROLE_COORDINATOR, {}, {});
  w.who[7] = person("e", v1::ROLE_COORDINATOR, {});
  w.publish_and_check(app::Audience::team("t5"));
  w.publish_and_check(app::Audience::coordinators());
}
