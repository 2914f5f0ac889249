// SendPatrolMessage: a lead's or coordinator's short message to an open patrol of their
// team, scrubbed, to the patrol's members and the team's leads, idempotent, and deleted
// with the note texts' retention.
#include <doctest/doctest.h>

#include "support/programme.hpp"

using namespace gadehold;
using test::Programme;
using test::User;
using test::uuid;

namespace {

v1::ClientMessage message_to(int client, const std::string& patrol, const std::string& text) {
  v1::ClientMessage m;
  m.set_request_id(30);
  auto* s = m.mutable_send_patrol_message();
  s->set_client_id(uuid(client));
  s->set_patrol_id(patrol);
  s->set_text(text);
  return m;
}

std::vector<std::pair<v1::Event, app::Audience>> messages_since(Programme& p, std::size_t from) {
  std::vector<std::pair<v1::Event, app::Audience>> out;
  for (auto& e : p.published_since(from)) {
    if (e.first.has_patrol_message()) out.push_back(std::move(e));
  }
  return out;
}

bool reaches(const std::vector<std::pair<v1::Event, app::Audience>>& sent, const User& user) {
  return std::any_of(sent.begin(), sent.end(),
                     [&](const auto& e) { return e.second.includes(*user.session.principal); });
}

}  // namespace

TEST_CASE("a lead's message reaches the patrol's members and the team's leads, scrubbed") {
  Programme p;
  const auto patrol = p.start_patrol(1);
  const auto before = p.app.hub().published().size();
  const auto ack = p.app.ok(p.lead, message_to(2, patrol, "come back to base, call 22 33 44 55")).ack();
  CHECK_FALSE(ack.duplicate());
  CHECK(ack.scrub_report().phone() == 1);
  const auto sent = messages_since(p, before);
  REQUIRE_FALSE(sent.empty());
  const auto& m = sent[0].first.patrol_message();
  CHECK(m.message_id() == ack.id());
  CHECK(m.patrol_id() == patrol);
  CHECK(m.team_id() == p.north);
  CHECK(m.from_volunteer_id() == p.lead.volunteer_id());
  CHECK(m.from_handle() == "lead");
  CHECK(m.sent_at_ms() == p.app.clock().now_ms());
  CHECK(m.text().find("come back to base") == 0);
  CHECK(m.text().find("22 33") == std::string::npos);
  CHECK(reaches(sent, p.walker));
  CHECK(reaches(sent, p.partner));
  CHECK(reaches(sent, p.lead));
  CHECK(reaches(sent, p.coordinator));
  CHECK_FALSE(reaches(sent, p.south_lead));
  CHECK_FALSE(reaches(sent, p.south_walker));
  // Stored scrubbed, and in the event log for members who were offline.
  CHECK(p.count("SELECT COUNT(*) FROM patrol_messages WHERE text LIKE '%22 33%'") == 0);
  CHECK(p.count("SELECT COUNT(*) FROM patrol_messages") == 1);
  const auto partner_sync = p.sync(p.partner);
  CHECK(std::count_if(partner_sync.begin(), partner_sync.end(),
                      [](const v1::Event& e) { return e.has_patrol_message(); }) == 1);
  const auto south_sync = p.sync(p.south_walker);
  CHECK(std::none_of(south_sync.begin(), south_sync.end(),
                     [](const v1::Event& e) { return e.has_patrol_message(); }));

  // The outbox re-sends: one message.
  const auto again = p.app.ok(p.lead, message_to(2, patrol, "come back to base, call 22 33 44 55")).ack();
  CHECK(again.duplicate());
  CHECK(again.id() == ack.id());
  CHECK(p.count("SELECT COUNT(*) FROM patrol_messages") == 1);
}

TEST_CASE("patrol messages: who may send, to which patrol, and what") {
  Programme p;
  const auto patrol = p.start_patrol(1);
  auto refused = [&](User& by, const v1::ClientMessage& m, const std::string& reason) {
    const auto reply = p.app.call(by.session, m);
    REQUIRE(reply.has_error());
    CHECK(reply.error().reason() == reason);
    return reply.error().field();
  };
  CHECK(refused(p.partner, message_to(2, patrol, "hi"), "ROLE_FORBIDDEN").empty());
  CHECK(refused(p.south_lead, message_to(3, patrol, "hi"), "NOT_FOUND") == "patrol_id");
  CHECK(refused(p.lead, message_to(4, patrol, ""), "REQUIRED") == "text");
  CHECK(refused(p.lead, message_to(5, patrol, std::string(501, 'a')), "TEXT_TOO_LONG") == "text");
  CHECK(refused(p.lead, message_to(9, patrol, "  \n\t "), "REQUIRED") == "text");
  CHECK(refused(p.lead, message_to(10, patrol, std::string("come\x07") + "back"), "CONTROL_CHARACTERS") == "text");
  CHECK(p.app.call(p.coordinator.session, message_to(6, patrol, std::string(500, 'a'))).has_ack());
  p.app.ok(p.walker, p.end(7, patrol));
  CHECK(refused(p.lead, message_to(8, patrol, "too late"), "PATROL_ENDED") == "patrol_id");
  CHECK(p.count("SELECT COUNT(*) FROM patrol_messages") == 1);
}

TEST_CASE("patrol messages are deleted at retention-patrol-message-days") {
  Programme p;
  p.app.config().retention_patrol_message_days = 2;
  const auto patrol = p.start_patrol(1);
  p.app.ok(p.lead, message_to(2, patrol, "come back to base"));
  p.app.clock().advance_ms(Programme::kDay);
  CHECK(p.app.purge().patrol_messages_deleted == 0);
  p.app.clock().advance_ms(Programme::kDay + 1);
  CHECK(p.app.purge().patrol_messages_deleted == 1);
  CHECK(p.count("SELECT COUNT(*) FROM patrol_messages") == 0);
}
