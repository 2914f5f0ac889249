// SubmitNote: structured fields first, free text scrubbed before it is stored or sent.
#include "server/app/commit.hpp"
#include "server/app/free_text.hpp"
#include "server/app/patrols/patrol_rules.hpp"
#include "server/app/patrols/patrols.hpp"
#include "server/app/writes.hpp"
#include "server/core/tokens.hpp"

namespace gadehold::app::patrols {

namespace {

// A required enum: 0 is missing (REQUIRED), a number this server does not know is
// NOT_ALLOWED_VALUE (a newer app, or a bug).
void check_enum(int value, bool known, const char* field) {
  if (value == 0) throw core::Refusal(core::Reason::REQUIRED, std::string(field) + " is required", field);
  if (!known) {
    throw core::Refusal(core::Reason::NOT_ALLOWED_VALUE,
                        std::string(field) + " is not a value this server knows", field);
  }
}

void check_note_fields(const v1::SubmitNote& req) {
  check_enum(req.category(), v1::NoteCategory_IsValid(req.category()), "category");
  check_enum(req.outcome(), v1::NoteOutcome_IsValid(req.outcome()), "outcome");
  check_enum(req.age_band(), v1::AgeBand_IsValid(req.age_band()), "age_band");
  if (req.group_size() < 1 || req.group_size() > 50) {
    throw core::Refusal(core::Reason::OUT_OF_RANGE, "group_size is 1 to 50", "group_size",
                        {{"min", "1"}, {"max", "50"}});
  }
  if (req.has_location()) check_position_early(req.location());
}

v1::Event note_recorded(const store::NoteRow& note) {
  v1::Event e;
  auto* n = e.mutable_note_recorded();
  n->set_note_id(note.id);
  n->set_patrol_id(note.patrol_id);
  n->set_team_id(note.team_id);
  n->set_volunteer_id(note.volunteer_id);
  n->set_at_ms(note.at_ms);
  n->set_category(static_cast<v1::NoteCategory>(note.category));
  n->set_outcome(static_cast<v1::NoteOutcome>(note.outcome));
  n->set_age_band(static_cast<v1::AgeBand>(note.age_band));
  n->set_group_size(static_cast<std::uint32_t>(note.group_size));
  n->set_cell(note.cell);
  n->set_area_id(note.area_id);
  n->set_text(note.text);
  return e;
}

}  // namespace

void submit_note(const Services& s, RequestPtr request) {
  const auto req = request->message.submit_note();
  const auto now = s.clock.now_ms();
  check_client_time(req.at_ms(), now, "at_ms");
  check_note_fields(req);
  const auto scrubbed = scrub_text(req.text(), kNoteMaxChars, "text");
  const auto grace_ms = static_cast<std::int64_t>(s.config.overdue_grace_s) * 1000;
  const auto precision = s.config.geohash_precision;
  auto stored = req;
  stored.set_text(scrubbed.text);
  stored.clear_location();
  const auto cell = cell_of(req.has_location() ? &req.location() : nullptr, precision);
  idempotent_write(s, request, "note", req.client_id(), content_hash(stored, cell),
                   [=](store::Connection& conn, const Principal& caller) {
                     auto patrol = member_patrol(conn, req.patrol_id(), caller);
                     Place where;
                     if (req.has_location()) where = place_of(conn, req.location(), precision);
                     if (where.area_id.empty()) where.area_id = patrol.area_id;
                     store::NoteRow note;
                     note.id = core::new_id("note");
                     note.patrol_id = patrol.id;
                     note.team_id = patrol.team_id;
                     note.volunteer_id = caller.volunteer_id;
                     note.at_ms = req.at_ms();
                     note.received_at_ms = now;
                     note.cell = where.cell;
                     note.area_id = where.area_id;
                     note.category = static_cast<int>(req.category());
                     note.outcome = static_cast<int>(req.outcome());
                     note.age_band = static_cast<int>(req.age_band());
                     note.group_size = static_cast<int>(req.group_size());
                     note.text = scrubbed.text;
                     store::insert_note(conn, note);
                     WriteResult result;
                     result.id = note.id;
                     heard_from(conn, patrol, now, grace_ms, result.events);
                     // Note text goes to the team's leads and the coordinators, never to volunteers.
                     result.events.push_back(
                         append_event(conn, note_recorded(note), Audience::team_leads(patrol.team_id), now));
                     result.scrub_report = to_proto(scrubbed.report);
                     return result;
                   });
}

void scrub_preview(const Services&, RequestPtr request, store::Connection&) {
  auto scrubbed = scrub_text(request->message.scrub_preview().text(), kNoteMaxChars, "text");
  v1::ServerMessage msg;
  auto* result = msg.mutable_scrub_preview_result();
  result->set_text(std::move(scrubbed.text));
  *result->mutable_scrub_report() = to_proto(scrubbed.report);
  request->reply(std::move(msg));
}

}  // namespace gadehold::app::patrols
