// Writes the seed corpora of the fuzz targets into tests/fuzz/corpus/<target>/:
//   gadehold_fuzz_seeds tests/fuzz/corpus tests/data/scrubber_corpus.tsv
// dispatcher: one valid ClientMessage per request kind, naming the fixture's objects by
// placeholder; http: requests for every route; location: positions and cells; scrubber:
// the texts of the labelled scrubber corpus. Rerun after changing the protocol.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "fuzz/fuzz_app.hpp"
#include "support/ids.hpp"

using namespace gadehold;
using fuzz::placeholder;
using fuzz::Slot;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string id(Slot slot) { return placeholder(slot); }

void dispatcher_seeds(const fs::path& dir) {
  constexpr std::int64_t kHour = 3'600'000;
  const std::int64_t now = fuzz::kNowMs;
  int client = 500000;
  std::vector<std::pair<std::string, std::function<void(v1::ClientMessage&)>>> seeds = {
      {"hello",
       [](auto& m) {
         m.mutable_hello()->set_protocol_version(1);
         m.mutable_hello()->set_device_token(id(Slot::token_walker));
       }},
      {"redeem-invite",
       [](auto& m) {
         m.mutable_redeem_invite()->set_invite_code(id(Slot::invite_code));
         m.mutable_redeem_invite()->set_handle("night owl");
         m.mutable_redeem_invite()->set_device_name("phone");
       }},
      {"create-invite",
       [](auto& m) {
         m.mutable_create_invite()->set_role(v1::ROLE_VOLUNTEER);
         m.mutable_create_invite()->set_team_id(id(Slot::team_north));
       }},
      {"create-team", [](auto& m) { m.mutable_create_team()->set_name("East"); }},
      {"create-area",
       [](auto& m) {
         m.mutable_create_area()->set_name("Harbour");
         m.mutable_create_area()->add_geohash_prefixes("u3bv");
       }},
      {"set-membership",
       [](auto& m) {
         m.mutable_set_membership()->set_volunteer_id(id(Slot::volunteer_walker));
         m.mutable_set_membership()->set_team_id(id(Slot::team_south));
         m.mutable_set_membership()->set_membership(v1::MEMBERSHIP_MEMBER);
       }},
      {"revoke-device", [](auto& m) { m.mutable_revoke_device()->set_device_id(id(Slot::device_partner)); }},
      {"revoke-volunteer",
       [](auto& m) { m.mutable_revoke_volunteer()->set_volunteer_id(id(Slot::volunteer_partner)); }},
      {"list-teams", [](auto& m) { m.mutable_list_teams(); }},
      {"list-areas", [](auto& m) { m.mutable_list_areas(); }},
      {"list-devices", [](auto& m) { m.mutable_list_devices(); }},
      {"list-audit", [](auto& m) { m.mutable_list_audit()->set_limit(10); }},
      {"start-patrol",
       [&](auto& m) {
         auto* s = m.mutable_start_patrol();
         s->set_client_id(test::uuid(client++));
         s->set_area_id(id(Slot::area_centre));
         s->add_member_ids(id(Slot::volunteer_partner));
         s->set_checkin_interval_s(900);
         s->set_started_at_ms(now);
       }},
      {"check-in",
       [&](auto& m) {
         auto* c = m.mutable_check_in();
         c->set_client_id(test::uuid(client++));
         c->set_patrol_id(id(Slot::patrol_active));
         c->set_at_ms(now);
         c->mutable_location()->set_lat(55.6761);
         c->mutable_location()->set_lon(12.5683);
         c->set_status(v1::CHECK_IN_STATUS_NEED_SUPPORT);
       }},
      {"submit-note",
       [&](auto& m) {
         auto* n = m.mutable_submit_note();
         n->set_client_id(test::uuid(client++));
         n->set_patrol_id(id(Slot::patrol_active));
         n->set_at_ms(now);
         n->mutable_location()->set_lat(55.68);
         n->mutable_location()->set_lon(12.57);
         n->set_category(v1::NOTE_CATEGORY_WELFARE_CONCERN);
         n->set_outcome(v1::NOTE_OUTCOME_REFERRED);
         n->set_age_band(v1::AGE_BAND_16_17);
         n->set_group_size(3);
         n->set_text("Chloe asked us to ring her mum on 07700 900 321, lives at 12 Acacia Road");
       }},
      {"raise-sos",
       [&](auto& m) {
         auto* s = m.mutable_raise_sos();
         s->set_client_id(test::uuid(client++));
         s->set_patrol_id(id(Slot::patrol_active));
         s->mutable_location()->set_lat(55.6761);
         s->mutable_location()->set_lon(12.5683);
         s->set_message("fight outside the kiosk");
       }},
      {"acknowledge-alert",
       [](auto& m) {
         m.mutable_acknowledge_alert()->set_alert_id(id(Slot::alert_sos));
         m.mutable_acknowledge_alert()->set_note("on our way");
       }},
      {"sync", [](auto& m) { m.mutable_sync()->set_limit(50); }},
      {"list-active-patrols", [](auto& m) { m.mutable_list_active_patrols(); }},
      {"create-shift",
       [&](auto& m) {
         auto* c = m.mutable_create_shift();
         c->set_client_id(test::uuid(client++));
         c->set_team_id(id(Slot::team_north));
         c->set_area_id(id(Slot::area_centre));
         c->set_starts_at_ms(now + 30 * kHour);
         c->set_ends_at_ms(now + 33 * kHour);
         c->set_min_volunteers(1);
         c->set_max_volunteers(3);
         c->set_title("Friday late");
       }},
      {"update-shift",
       [&](auto& m) {
         auto* u = m.mutable_update_shift();
         u->set_shift_id(id(Slot::shift_north));
         u->set_client_id(test::uuid(client++));
         u->set_title("Evening walk, new route");
         u->set_ends_at_ms(now + 53 * kHour);
       }},
      {"cancel-shift",
       [&](auto& m) {
         m.mutable_cancel_shift()->set_shift_id(id(Slot::shift_south));
         m.mutable_cancel_shift()->set_reason("storm warning");
         m.mutable_cancel_shift()->set_client_id(test::uuid(client++));
       }},
      {"sign-up",
       [&](auto& m) {
         m.mutable_sign_up()->set_shift_id(id(Slot::shift_north));
         m.mutable_sign_up()->set_client_id(test::uuid(client++));
       }},
      {"withdraw",
       [&](auto& m) {
         m.mutable_withdraw()->set_shift_id(id(Slot::shift_north));
         m.mutable_withdraw()->set_reason("exam the next morning");
         m.mutable_withdraw()->set_client_id(test::uuid(client++));
       }},
      {"assign-shift",
       [&](auto& m) {
         m.mutable_assign_shift()->set_shift_id(id(Slot::shift_north));
         m.mutable_assign_shift()->set_volunteer_id(id(Slot::volunteer_partner));
         m.mutable_assign_shift()->set_client_id(test::uuid(client++));
       }},
      {"unassign-shift",
       [&](auto& m) {
         m.mutable_unassign_shift()->set_shift_id(id(Slot::shift_north));
         m.mutable_unassign_shift()->set_volunteer_id(id(Slot::volunteer_walker));
         m.mutable_unassign_shift()->set_client_id(test::uuid(client++));
       }},
      {"list-shifts",
       [&](auto& m) {
         m.mutable_list_shifts()->set_from_ms(now - 24 * kHour);
         m.mutable_list_shifts()->set_to_ms(now + 30 * 24 * kHour);
         m.mutable_list_shifts()->set_only_mine(true);
       }},
      {"get-calendar-feed",
       [](auto& m) {
         m.mutable_get_calendar_feed()->set_scope(v1::CALENDAR_SCOPE_TEAM);
         m.mutable_get_calendar_feed()->set_team_id(id(Slot::team_north));
       }},
      {"revoke-calendar-feed",
       [](auto& m) { m.mutable_revoke_calendar_feed()->set_feed_id(id(Slot::feed_team)); }},
      {"get-stats",
       [&](auto& m) {
         m.mutable_get_stats()->set_from_ms(now - 60 * 24 * kHour);
         m.mutable_get_stats()->set_to_ms(now + 24 * kHour);
         m.mutable_get_stats()->set_period(v1::STATS_PERIOD_WEEK);
         m.mutable_get_stats()->add_area_ids(id(Slot::area_centre));
       }},
      {"export-stats",
       [&](auto& m) {
         m.mutable_export_stats()->set_from_ms(now - 60 * 24 * kHour);
         m.mutable_export_stats()->set_to_ms(now);
         m.mutable_export_stats()->set_period(v1::STATS_PERIOD_MONTH);
         m.mutable_export_stats()->set_city("Aarhus");
       }},
      {"end-patrol",
       [&](auto& m) {
         auto* e = m.mutable_end_patrol();
         e->set_client_id(test::uuid(client++));
         e->set_patrol_id(id(Slot::patrol_active));
         e->set_ended_at_ms(now);
       }},
      {"revoke-own-device",
       [](auto& m) { m.mutable_revoke_device()->set_device_id(id(Slot::device_walker)); }},
      {"no-body", [](auto&) {}},
      {"resolve-alert",
       [&](auto& m) {
         auto* r = m.mutable_resolve_alert();
         r->set_client_id(test::uuid(client++));
         r->set_alert_id(id(Slot::alert_sos));
         r->set_note("home safe");
       }},
      {"send-patrol-message",
       [&](auto& m) {
         auto* s = m.mutable_send_patrol_message();
         s->set_client_id(test::uuid(client++));
         s->set_patrol_id(id(Slot::patrol_active));
         s->set_text("come back to base, ring 22 33 44 55");
       }},
      {"list-alerts",
       [](auto& m) {
         m.mutable_list_alerts()->set_include_resolved_since_ms(fuzz::kNowMs - 86'400'000);
         m.mutable_list_alerts()->set_limit(3);
       }},
      {"raise-sos-without-patrol",
       [&](auto& m) {
         auto* s = m.mutable_raise_sos();
         s->set_client_id(test::uuid(client++));
         s->set_message("walking home, followed");
       }},
      {"scrub-preview",
       [](auto& m) { m.mutable_scrub_preview()->set_text("met Jonathan Smith on Hope Street, insta kimmy99"); }},
      {"register-push",
       [](auto& m) {
         auto* r = m.mutable_register_push();
         r->set_endpoint("https://push.example.net:8443/wpush/v2/gAAAAABl?x=1");
         r->set_p256dh(
             "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4");
         r->set_auth("BTBZMqHH6r4Tts7J_aSIgg==");
       }},
      {"unregister-push", [](auto& m) { m.mutable_unregister_push(); }},
  };
  int n = 0;
  for (auto& [name, fill] : seeds) {
    v1::ClientMessage m;
    m.set_request_id(static_cast<std::uint64_t>(100 + n));
    fill(m);
    char prefix[16];
    std::snprintf(prefix, sizeof prefix, "%02d-", ++n);
    write(dir / (prefix + name + ".bin"), m.SerializeAsString());
  }
}

void http_seeds(const fs::path& dir) {
  const auto mine = std::string("/v1/calendar/").append(id(Slot::token_feed_mine)).append(".ics");
  const auto team = std::string("/v1/calendar/").append(id(Slot::token_feed_team)).append(".ics");
  const std::vector<std::pair<std::string, std::string>> seeds = {
      {"healthz", "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"},
      {"healthz-head", "HEAD /healthz?probe=1 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"},
      {"metrics", "GET /metrics HTTP/1.0\r\n\r\n"},
      {"calendar-mine", "GET " + mine + " HTTP/1.1\r\nHost: gadehold.example\r\nUser-Agent: cal\r\n\r\n"},
      {"calendar-team-head", "HEAD " + team + "?x=1 HTTP/1.1\r\nHost: gadehold.example\r\n\r\n"},
      {"calendar-if-none-match",
       "GET " + mine + " HTTP/1.1\r\nHost: h\r\nIf-None-Match: W/\"abc\", \"def\" , *\r\n\r\n"},
      {"calendar-stale-etag",
       "GET " + team + " HTTP/1.1\r\nHost: h\r\nIf-None-Match: \"0123456789abcdef\"\r\n\r\n"},
      {"calendar-unknown",
       "GET /v1/calendar/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics HTTP/1.1\r\nHost: h\r\n\r\n"},
      {"calendar-bad-token", "GET /v1/calendar/../../etc/passwd.ics HTTP/1.1\r\nHost: h\r\n\r\n"},
      {"post", "POST /healthz HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"},
      {"body", "GET /metrics HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"},
      {"ws-plain-get", "GET /v1/ws HTTP/1.1\r\nHost: h\r\n\r\n"},
      {"ws-upgrade",
       "GET /v1/ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
       "X-Forwarded-For: 203.0.113.9, 2001:db8::1\r\n\r\n"},
      {"ws-upgrade-elsewhere",
       "GET /v1/other HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"},
      {"pipelined",
       "GET /healthz HTTP/1.1\r\nHost: h\r\n\r\nGET " + mine +
           " HTTP/1.1\r\nHost: h\r\n\r\n"
           "HEAD /metrics HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\nGET /never HTTP/1.1\r\n\r\n"},
      {"not-found", "GET /index.html.gz HTTP/1.1\r\nHost: h\r\n\r\n"},
      {"dashboard",
       "GET / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: gzip, deflate, br\r\n\r\n"
       "HEAD /app.js?v=1 HTTP/1.1\r\nHost: h\r\nAccept-Encoding: br;q=1.0, *;q=0.5\r\n\r\n"
       "GET /app.css HTTP/1.1\r\nHost: h\r\nAccept-Encoding: gzip;q=0, identity\r\n\r\n"
       "GET /?lang=da HTTP/1.1\r\nHost: h\r\n\r\n"},
      {"dashboard-if-none-match",
       "GET /index.html HTTP/1.1\r\nHost: h\r\nAccept-Encoding: x-gzip;Q=0.001\r\n"
       "If-None-Match: W/\"abc\", *\r\n\r\n"},
      {"garbage", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"},
      {"partial", "GET /healthz HTTP/1.1\r\nHost: lo"},
      {"chunked", "GET /healthz HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
  };
  for (const auto& [name, bytes] : seeds) write(dir / (name + ".http"), bytes);
}

void location_seeds(const fs::path& dir) {
  struct Seed {
    const char* name;
    std::uint8_t mode, precision;
    double lat, lon;
    const char* cell;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (const auto& seed : std::initializer_list<Seed>{
           {"copenhagen", 0, 6, 55.6761, 12.5683, "u3butz"},
           {"liverpool", 0, 11, 53.4084, -2.9916, "gcmzgf"},
           {"sydney", 0, 5, -33.8688, 151.2093, "r3gx2"},
           {"north-east-corner", 0, 12, 90, 180, "zzz"},
           {"south-west-corner", 0, 0, -90, -180, "000"},
           {"out-of-range", 0, 6, 90.000001, -180.5, "u3bua5"},
           {"not-a-number", 0, 6, nan, 0, "0123456789bcd"},
           {"infinite", 0, 200, 0, -inf, ""},
           {"scaled", 1, 8, 0, 0, "s"},
       }) {
    std::string bytes;
    bytes.push_back(static_cast<char>(seed.mode));
    bytes.push_back(static_cast<char>(seed.precision));
    for (double d : {seed.lat, seed.lon}) {
      char raw[8];
      std::memcpy(raw, &d, sizeof raw);
      bytes.append(raw, sizeof raw);
    }
    bytes.append(seed.cell);
    write(dir / (std::string(seed.name) + ".bin"), bytes);
  }
}

// The text of every line of the labelled scrubber corpus (LABELS<TAB>TEXT).
void scrubber_seeds(const fs::path& dir, const fs::path& tsv) {
  std::ifstream in(tsv);
  if (!in) throw std::runtime_error("cannot read " + tsv.string());
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    const auto tab = line.find('\t');
    if (line.empty() || line[0] == '#' || tab == std::string::npos) continue;
    char name[32];
    std::snprintf(name, sizeof name, "corpus-%03d.txt", ++n);
    write(dir / name, line.substr(tab + 1));
  }
  write(dir / "long-run.txt", "see " + std::string(150, 'a') + " then ring 07700 900123");
  write(dir / "markers.txt", "[NAME] called [PHONE] on https://[URL]/x");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR SCRUBBER_CORPUS_TSV\n", argv[0]);
    return 2;
  }
  const fs::path root(argv[1]);
  for (const char* target : {"dispatcher", "http", "location", "scrubber"})
    fs::create_directories(root / target);
  dispatcher_seeds(root / "dispatcher");
  http_seeds(root / "http");
  location_seeds(root / "location");
  scrubber_seeds(root / "scrubber", argv[2]);
  std::printf("seed corpora written to %s\n", root.c_str());
  return 0;
}
