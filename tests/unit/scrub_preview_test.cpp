// ScrubPreview: any signed-in role sees what the server would store of a text, and the
// server stores nothing of it.
#include <doctest/doctest.h>

#include "support/programme.hpp"

using namespace gadehold;
using test::Programme;

namespace {

v1::ClientMessage preview(const std::string& text) {
  v1::ClientMessage m;
  m.set_request_id(41);
  m.mutable_scrub_preview()->set_text(text);
  return m;
}

}  // namespace

TEST_CASE("ScrubPreview returns the scrubbed text and its report, and stores nothing") {
  Programme p;
  const auto events = p.count("SELECT count(*) FROM events");
  const auto notes = p.count("SELECT count(*) FROM notes");
  const auto reply = p.app.ok(p.walker, preview("met Jonathan Smith by Castle Street, his mum 07700 900123"));
  REQUIRE(reply.has_scrub_preview_result());
  const auto& r = reply.scrub_preview_result();
  CHECK(r.text() == "met [NAME] by Castle Street, his mum [PHONE]");
  CHECK(r.scrub_report().name() == 1);
  CHECK(r.scrub_report().phone() == 1);
  CHECK(r.scrub_report().school() == 0);
  CHECK(p.count("SELECT count(*) FROM events") == events);
  CHECK(p.count("SELECT count(*) FROM notes") == notes);
  // Leads and coordinators may preview too (an acknowledgement note, a shift title).
  CHECK(p.app.ok(p.lead, preview("går i 9.b")).scrub_preview_result().text() == "går i [SCHOOL]");
}

TEST_CASE("ScrubPreview refuses a text longer than a note") {
  Programme p;
  const auto reply = p.app.call(p.walker.session, preview(std::string(2001, 'a')));
  REQUIRE(reply.has_error());
  CHECK(reply.error().code() == v1::ERROR_CODE_INVALID_ARGUMENT);
  CHECK(reply.error().reason() == "TEXT_TOO_LONG");
  CHECK(reply.error().field() == "text");
}
