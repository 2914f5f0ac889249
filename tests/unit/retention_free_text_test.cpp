// Retention of every free-text class on the fake clock and a real database file: note
// text, SOS messages, acknowledgement and resolve notes, shift titles and notes, cancel
// and withdraw reasons, patrol messages. Each goes at its own key's limit and no
// earlier; the rows around it stay.
#include <doctest/doctest.h>

#include "support/alerts.hpp"
#include "support/programme.hpp"

using namespace gadehold;
using test::Programme;
using test::uuid;

namespace {

constexpr auto kDay = Programme::kDay;
constexpr auto kHour = Programme::kHour;

v1::ClientMessage patrol_message(int client, const std::string& patrol, const std::string& text) {
  v1::ClientMessage m;
  m.set_request_id(40);
  auto* s = m.mutable_send_patrol_message();
  s->set_client_id(uuid(client));
  s->set_patrol_id(patrol);
  s->set_text(text);
  return m;
}

// Every free-text field of the database written out, for checking that a text is gone
// from all of them (events included).
std::int64_t rows_holding(Programme& p, const std::string& word) {
  const auto like = " LIKE '%" + word + "%'";
  return p.count("SELECT (SELECT COUNT(*) FROM notes WHERE text" + like +
                 ") + (SELECT COUNT(*) FROM alerts WHERE message" + like + " OR ack_note" + like +
                 " OR resolve_note" + like + ") + (SELECT COUNT(*) FROM shifts WHERE title" + like +
                 " OR notes" + like + " OR cancel_reason" + like +
                 ") + (SELECT COUNT(*) FROM patrol_messages WHERE text" + like +
                 ") + (SELECT COUNT(*) FROM events WHERE CAST(payload AS TEXT)" + like + ")");
}

}  // namespace

TEST_CASE("retention: each free-text class goes at its own key's limit, and the rows stay") {
  Programme p;
  auto& cfg = p.app.config();
  cfg.retention_note_text_days = 10;
  cfg.retention_alert_message_days = 20;
  cfg.retention_alert_note_days = 30;
  cfg.retention_shift_text_days = 40;  // counted from the shift's end
  cfg.retention_shift_reason_days = 50;
  cfg.retention_patrol_message_days = 60;
  cfg.event_retention_days = 14;  // capped by the shortest free-text limit: 10

  const auto patrol = p.start_patrol(1);
  p.app.ok(p.walker, p.note(2, patrol, "talked about football by the kiosk"));
  auto sos = test::raise_sos(3, patrol);
  sos.mutable_raise_sos()->set_message("fountain trouble, come quickly");
  const auto alert = p.app.ok(p.walker, sos).ack().id();
  p.app.ok(p.lead, test::acknowledge(alert, "walking over now"));
  p.app.ok(p.lead, test::resolve(4, alert, "sorted without police"));
  p.app.ok(p.lead, patrol_message(5, patrol, "regroup at the library"));

  // Shift A ends 1 day 4 hours from now; B (withdrawn from, with a reason) 2 days 4
  // hours; C (cancelled now, with a reason) 5 days 4 hours.
  auto create = p.create_shift(6, p.north, kDay, 4 * kHour);
  create.mutable_create_shift()->set_notes("bring flyers for the youth club");
  const auto a = p.app.ok(p.lead, create).ack().id();
  const auto b = p.shift(7, 2 * kDay);
  const auto c = p.shift(8, 5 * kDay);
  REQUIRE(p.sign_up(p.walker, b).has_ack());
  REQUIRE(p.withdraw(p.walker, b, "grandmother visiting").has_ack());
  REQUIRE(p.cancel_shift(p.lead, c, "heavy storm warning").has_ack());

  for (const char* word : {"football", "fountain", "walking over", "sorted without", "library", "flyers",
                           "Evening walk", "grandmother", "storm"}) {
    CAPTURE(word);
    CHECK(rows_holding(p, word) > 0);
  }
  const auto shift_row = [&](const std::string& id, const char* column) {
    return p.count(std::string("SELECT length(")
                       .append(column)
                       .append(") FROM shifts WHERE id = '")
                       .append(id)
                       .append("'"));
  };

  // Day 9.9: nothing free-text is old enough, and no event either.
  p.app.clock().advance_ms(9 * kDay + 21 * kHour);
  auto pass = p.app.purge();
  CHECK(pass.note_texts_cleared == 0);
  CHECK(pass.alert_messages_cleared == 0);
  CHECK(pass.alert_notes_cleared == 0);
  CHECK(pass.shift_texts_cleared == 0);
  CHECK(pass.shift_reasons_cleared == 0);
  CHECK(pass.patrol_messages_deleted == 0);
  CHECK(pass.events_deleted == 0);

  // Day 10.1: note text, and every event (they carry copies of all the texts, and the
  // withdraw reason lives nowhere else), though event-retention-days is 14.
  p.app.clock().advance_ms(5 * kHour);
  pass = p.app.purge();
  CHECK(pass.note_texts_cleared == 1);
  CHECK(pass.events_deleted > 0);
  CHECK(pass.alert_messages_cleared == 0);
  CHECK(p.count("SELECT COUNT(*) FROM events") == 0);
  CHECK(rows_holding(p, "football") == 0);
  CHECK(rows_holding(p, "grandmother") == 0);
  CHECK(rows_holding(p, "fountain") == 1);  // the alert's own row, until its limit

  // Day 20.1: the SOS message (and the English text of the understaffing alerts the
  // shifts raised). The alert stays, with its kind and times.
  const auto alert_messages = p.count("SELECT COUNT(*) FROM alerts WHERE message <> ''");
  CHECK(alert_messages >= 1);
  p.app.clock().advance_ms(10 * kDay);
  pass = p.app.purge();
  CHECK(pass.alert_messages_cleared == alert_messages);
  CHECK(pass.alert_notes_cleared == 0);
  CHECK(rows_holding(p, "fountain") == 0);
  CHECK(p.count("SELECT COUNT(*) FROM alerts WHERE id = '" + alert + "' AND resolved_at_ms IS NOT NULL") ==
        1);
  CHECK(rows_holding(p, "walking over") == 1);

  // Day 30.1: the acknowledgement and resolve notes, of the one alert.
  p.app.clock().advance_ms(10 * kDay);
  pass = p.app.purge();
  CHECK(pass.alert_notes_cleared == 1);
  CHECK(rows_holding(p, "walking over") == 0);
  CHECK(rows_holding(p, "sorted without") == 0);
  CHECK(shift_row(a, "title") > 0);

  // Day 41.5: shift A ended 40 days and 8 hours ago: its title and notes are emptied;
  // B (ended 39 days 8 hours ago) keeps its title. The shift itself stays.
  p.app.clock().advance_ms(11 * kDay + 10 * kHour);
  pass = p.app.purge();
  CHECK(pass.shift_texts_cleared == 1);
  CHECK(shift_row(a, "title") == 0);
  CHECK(shift_row(a, "notes") == 0);
  CHECK(shift_row(b, "title") > 0);
  CHECK(rows_holding(p, "flyers") == 0);
  CHECK(p.count("SELECT COUNT(*) FROM shifts") == 3);
  CHECK(rows_holding(p, "storm") == 1);

  // Day 50.1: C's cancel reason (and by now B's and C's titles).
  p.app.clock().advance_ms(8 * kDay + 14 * kHour);
  pass = p.app.purge();
  CHECK(pass.shift_reasons_cleared == 1);
  CHECK(pass.shift_texts_cleared == 2);
  CHECK(rows_holding(p, "storm") == 0);
  CHECK(rows_holding(p, "Evening walk") == 0);
  CHECK(p.count("SELECT COUNT(*) FROM shifts WHERE cancelled_at_ms IS NOT NULL") == 1);
  CHECK(rows_holding(p, "library") == 1);

  // Day 60.1: the patrol message.
  p.app.clock().advance_ms(10 * kDay);
  pass = p.app.purge();
  CHECK(pass.patrol_messages_deleted == 1);
  CHECK(rows_holding(p, "library") == 0);

  // Nothing left to do; the notes, alerts and shifts are all still there.
  CHECK(p.app.purge().total() == 0);
  CHECK(p.count("SELECT COUNT(*) FROM notes") == 1);
  CHECK(p.count("SELECT COUNT(*) FROM alerts WHERE kind = 2") == 1);
  CHECK(p.count("SELECT COUNT(*) FROM shifts") == 3);
}

TEST_CASE("every free-text class defaults to 90 days") {
  core::Config cfg;
  for (unsigned days :
       {cfg.retention_note_text_days, cfg.retention_alert_message_days, cfg.retention_alert_note_days,
        cfg.retention_shift_text_days, cfg.retention_shift_reason_days, cfg.retention_patrol_message_days}) {
    CHECK(days == 90);
  }
  const auto limits = app::retention_limits(cfg);
  CHECK(limits.effective_event_days() == 14);
  cfg.retention_alert_note_days = 3;
  CHECK(app::retention_limits(cfg).effective_event_days() == 3);
}

TEST_CASE("a cleared shift title is 'Shift' in the calendar feed") {
  Programme p;
  p.app.config().retention_shift_text_days = 1;
  const auto shift = p.shift(1, kHour, 2 * kHour);
  REQUIRE(p.sign_up(p.walker, shift).has_ack());
  v1::ClientMessage m;
  m.set_request_id(2);
  m.mutable_get_calendar_feed()->set_scope(v1::CALENDAR_SCOPE_MINE);
  const auto path = p.app.ok(p.walker, m).calendar_feed().url_path();
  const auto token = path.substr(std::string("/v1/calendar/").size(), path.size() - 17);
  auto before = p.app.calendar(token);
  REQUIRE(before);
  CHECK(before->body.find("SUMMARY:Evening walk\r\n") != std::string::npos);
  p.app.clock().advance_ms(kDay + 4 * kHour);
  CHECK(p.app.purge().shift_texts_cleared == 1);
  auto after = p.app.calendar(token);
  REQUIRE(after);
  // Feeds show the last 30 days: the shift is still in it, with a word for its title.
  CHECK(after->body.find("SUMMARY:Shift\r\n") != std::string::npos);
  CHECK(after->body.find("Evening walk") == std::string::npos);
}
