// A lead's or coordinator's short message to a patrol ("come back to base").
#include <algorithm>

#include "server/app/commit.hpp"
#include "server/app/free_text.hpp"
#include "server/app/patrols/patrol_rules.hpp"
#include "server/app/patrols/patrols.hpp"
#include "server/app/writes.hpp"
#include "server/core/tokens.hpp"
#include "server/store/patrol_messages.hpp"

namespace gadehold::app::patrols {

namespace {

v1::Event patrol_message(const store::PatrolMessageRow& m, const std::string& from_handle) {
  v1::Event e;
  auto* out = e.mutable_patrol_message();
  out->set_message_id(m.id);
  out->set_patrol_id(m.patrol_id);
  out->set_team_id(m.team_id);
  out->set_from_volunteer_id(m.from_volunteer_id);
  out->set_from_handle(from_handle);
  out->set_text(m.text);
  out->set_sent_at_ms(m.sent_at_ms);
  return e;
}

}  // namespace

void send_patrol_message(const Services& s, RequestPtr request) {
  const auto req = request->message.send_patrol_message();
  if (req.text().find_first_not_of(" \t\r\n") == std::string::npos) {
    throw core::Refusal(core::Reason::REQUIRED, "text is required", "text");
  }
  if (std::any_of(req.text().begin(), req.text().end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\n' && c != '\t' && c != '\r') || u == 0x7f;
      })) {
    throw core::Refusal(core::Reason::CONTROL_CHARACTERS, "text has control characters", "text");
  }
  const auto scrubbed = scrub_text(req.text(), kPatrolMessageMaxChars, "text");
  const auto now = s.clock.now_ms();
  auto stored = req;
  stored.set_text(scrubbed.text);
  idempotent_write(
      s, request, "patrol_message", req.client_id(), content_hash(stored),
      [=](store::Connection& conn, const Principal& caller) {
        // The patrol's team's leads and the coordinators; to anyone else it does not exist.
        const auto patrol = store::find_patrol(conn, req.patrol_id());
        if (!patrol || !(caller.is_coordinator() || caller.leads(patrol->team_id))) {
          throw core::Refusal(core::Reason::NOT_FOUND, "not found", "patrol_id");
        }
        require_active(*patrol);
        store::PatrolMessageRow m;
        m.id = core::new_id("pmsg");
        m.patrol_id = patrol->id;
        m.team_id = patrol->team_id;
        m.from_volunteer_id = caller.volunteer_id;
        m.sent_at_ms = now;
        m.text = scrubbed.text;
        store::insert_patrol_message(conn, m);
        const auto event = patrol_message(m, caller.handle);
        WriteResult result;
        result.id = m.id;
        // Each member, whatever their role, and the team's leads and the coordinators.
        for (const auto& member : patrol->members) {
          result.events.push_back(append_event(conn, event, Audience::volunteer(member.first), now));
        }
        result.events.push_back(append_event(conn, event, Audience::team_leads(patrol->team_id), now));
        result.scrub_report = to_proto(scrubbed.report);
        return result;
      });
}

}  // namespace gadehold::app::patrols
