#include "fuzz/fuzz_app.hpp"

#include <google/protobuf/stubs/logging.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <mutex>
#include <stdexcept>
#include <tuple>

#include "fuzz/fuzz_check.hpp"
#include "server/app/events.hpp"
#include "server/cli/commands.hpp"
#include "server/store/engine/database.hpp"
#include "server/store/identity.hpp"
#include "server/store/patrols.hpp"
#include "support/reader.hpp"

namespace gadehold::fuzz {

namespace {

std::string padded(std::string head, std::size_t length, char fill) {
  head.resize(length, fill);
  return head;
}

// "pat_ACTIVEXXX...": a kind prefix and 26 characters, like core::new_id; real ids are
// lower case.
std::string id_placeholder(std::string_view prefix, std::string_view name) {
  return padded(std::string(prefix).append("_").append(name), prefix.size() + 27, 'X');
}

// 43 characters, like a base64url token of 32 bytes.
std::string token_placeholder(std::string_view name) {
  return padded(std::string("FUZZ-").append(name), 43, '-');
}

}  // namespace

std::string placeholder(Slot slot) {
  switch (slot) {
    case Slot::team_north:
      return id_placeholder("team", "NORTH");
    case Slot::team_south:
      return id_placeholder("team", "SOUTH");
    case Slot::area_centre:
      return id_placeholder("area", "CENTRE");
    case Slot::volunteer_walker:
      return id_placeholder("vol", "WALKER");
    case Slot::volunteer_partner:
      return id_placeholder("vol", "PARTNER");
    case Slot::volunteer_lead:
      return id_placeholder("vol", "LEAD");
    case Slot::volunteer_coordinator:
      return id_placeholder("vol", "COORDINATOR");
    case Slot::volunteer_south:
      return id_placeholder("vol", "SOUTH");
    case Slot::device_walker:
      return id_placeholder("dev", "WALKER");
    case Slot::device_partner:
      return id_placeholder("dev", "PARTNER");
    case Slot::device_lead:
      return id_placeholder("dev", "LEAD");
    case Slot::patrol_active:
      return id_placeholder("pat", "ACTIVE");
    case Slot::patrol_ended:
      return id_placeholder("pat", "ENDED");
    case Slot::alert_sos:
      return id_placeholder("alrt", "SOS");
    case Slot::shift_north:
      return id_placeholder("shf", "NORTH");
    case Slot::shift_south:
      return id_placeholder("shf", "SOUTH");
    case Slot::feed_mine:
      return id_placeholder("cal", "MINE");
    case Slot::feed_team:
      return id_placeholder("cal", "TEAM");
    case Slot::token_walker:
      return token_placeholder("WALKER");
    case Slot::token_feed_mine:
      return token_placeholder("FEED-MINE");
    case Slot::token_feed_team:
      return token_placeholder("FEED-TEAM");
    // Seven groups of four like a real code; U is not in Crockford's alphabet.
    case Slot::invite_code:
      return "FUZZ-UUUU-UUUU-UUUU-UUUU-UUUU-UUUU";
  }
  return {};
}

// Checks every pushed frame the way a phone would read it.
class FuzzApp::CheckingHub final : public app::Hub {
 public:
  void close_device(const std::string&, std::uint16_t, const std::string&) override {}
  std::size_t publish(std::shared_ptr<const std::string> frame, const app::Audience&) override {
    v1::ServerMessage msg;
    FUZZ_CHECK(msg.ParseFromString(*frame));
    FUZZ_CHECK(msg.request_id() == 0);
    FUZZ_CHECK(msg.has_event());
    FUZZ_CHECK(msg.event().seq() > 0);
    FUZZ_CHECK(msg.event().kind_case() != v1::Event::KIND_NOT_SET);
    return 0;
  }
  void update_volunteer(const std::string&, int, const std::vector<std::string>&,
                        const std::vector<std::string>&) override {}
};

FuzzApp& FuzzApp::get() {
  static FuzzApp* app = [] {
    auto* created = new FuzzApp();
    // Runs before the statics the app uses are destroyed: they were built before it.
    std::atexit([] { delete &FuzzApp::get(); });
    return created;
  }();
  return *app;
}

FuzzApp::FuzzApp()
    : logs_(LogCapture::install()),
      clock_(kNowMs),
      hub_(std::make_unique<CheckingHub>()),
      slots_(kSlotCount) {
  // As core::setup_logging does: protobuf's notes on malformed input go to the log at
  // debug level, where the targets check them like every other line.
  google::protobuf::SetLogHandler(
      [](google::protobuf::LogLevel severity, const char*, int, const std::string& msg) {
        if (severity >= google::protobuf::LOGLEVEL_ERROR) spdlog::debug("protobuf: {}", msg);
      });
  config_.db = dir_.file("gadehold.db");
  config_.reader_pool_size = 2;
  // One walker sends thousands of requests a second, and one address fails Hello as often.
  config_.rate_limit_per_s = 1e9;
  config_.rate_limit_burst = 1e9;
  config_.auth_failures_per_ip_per_min = 1'000'000'000;
  store::create_database(config_.db, 5000);
  db_ =
      std::make_unique<store::Database>(store::Database::Options{config_.db, 5000, config_.reader_pool_size});
  dispatcher_ = std::make_unique<app::Dispatcher>(*db_, clock_, *hub_, config_);
  reader_ = test::open_reader(config_.db);

  {
    auto conn = store::open_existing(config_.db, 5000);
    const auto code = cli::issue_invite(conn, store::kRoleCoordinator, {}, 72, clock_.now_ms());
    coordinator_ = redeem(code, "coordinator");
  }
  set(Slot::volunteer_coordinator, coordinator_.principal->volunteer_id);
  for (auto [slot, name] : {std::pair{Slot::team_north, "North"}, std::pair{Slot::team_south, "South"}}) {
    v1::ClientMessage m;
    m.mutable_create_team()->set_name(name);
    set(slot, ok(coordinator_, m).ack().id());
  }
  {
    v1::ClientMessage m;
    m.mutable_create_area()->set_name("Centre");
    m.mutable_create_area()->add_geohash_prefixes("u3bu");
    set(Slot::area_centre, ok(coordinator_, m).ack().id());
  }
  new_lead();
  new_partner();
  set(Slot::volunteer_south,
      redeem(invite(coordinator_, v1::ROLE_VOLUNTEER, Slot::team_south), "south-walker")
          .principal->volunteer_id);
  new_walker();  // also starts the active patrol

  // The walker's first patrol, ended; then the active one (one open patrol at a time).
  set(Slot::patrol_ended, real(Slot::patrol_active));
  {
    v1::ClientMessage m;
    m.mutable_end_patrol()->set_client_id(own_client_id());
    m.mutable_end_patrol()->set_patrol_id(real(Slot::patrol_ended));
    m.mutable_end_patrol()->set_ended_at_ms(clock_.now_ms());
    ok(walker_, m);
  }
  set(Slot::patrol_active, start_patrol());
  {
    v1::ClientMessage m;
    auto* sos = m.mutable_raise_sos();
    sos->set_client_id(own_client_id());
    sos->set_patrol_id(real(Slot::patrol_active));
    sos->mutable_location()->set_lat(55.6761);
    sos->mutable_location()->set_lon(12.5683);
    sos->set_message("need a hand at the square");
    set(Slot::alert_sos, ok(walker_, m).ack().id());
  }
  for (auto [slot, by, team] : {std::tuple{Slot::shift_north, &lead_, Slot::team_north},
                                std::tuple{Slot::shift_south, &coordinator_, Slot::team_south}}) {
    v1::ClientMessage m;
    auto* c = m.mutable_create_shift();
    c->set_client_id(own_client_id());
    c->set_team_id(real(team));
    c->set_area_id(real(Slot::area_centre));
    c->set_starts_at_ms(kNowMs + 2 * 86'400'000LL);
    c->set_ends_at_ms(kNowMs + 2 * 86'400'000LL + 4 * 3'600'000LL);
    c->set_min_volunteers(2);
    c->set_max_volunteers(4);
    c->set_title("Evening walk");
    c->set_notes("meet at the library");
    set(slot, ok(*by, m).ack().id());
  }
  {
    v1::ClientMessage m;
    m.mutable_sign_up()->set_shift_id(real(Slot::shift_north));
    m.mutable_sign_up()->set_client_id(own_client_id());
    ok(walker_, m);
  }
  for (auto [feed, token, scope] :
       {std::tuple{Slot::feed_mine, Slot::token_feed_mine, v1::CALENDAR_SCOPE_MINE},
        std::tuple{Slot::feed_team, Slot::token_feed_team, v1::CALENDAR_SCOPE_TEAM}}) {
    v1::ClientMessage m;
    m.mutable_get_calendar_feed()->set_scope(scope);
    if (scope == v1::CALENDAR_SCOPE_TEAM) m.mutable_get_calendar_feed()->set_team_id(real(Slot::team_north));
    const auto reply = ok(walker_, m).calendar_feed();
    set(feed, reply.feed_id());
    std::string_view path = reply.url_path();
    path.remove_prefix(std::string_view("/v1/calendar/").size());
    path.remove_suffix(std::string_view(".ics").size());
    set(token, std::string(path));
  }
  heal();  // issues the unused invite
  logs_->take();
}

FuzzApp::~FuzzApp() {
  // The readers and the writer stop while the dispatcher their work may call back is alive.
  db_->stop();
  reader_.reset();
  dispatcher_.reset();
  db_.reset();
}

FuzzApp::Reply FuzzApp::call(const app::SessionState& session, std::string_view frame) {
  struct Replies {
    std::mutex mutex;
    std::condition_variable arrived;
    int count = 0;
    app::Outcome first;
  };
  auto replies = std::make_shared<Replies>();
  Reply reply;
  reply.held = dispatcher_->dispatch(session, frame, [replies](app::Outcome outcome) {
    std::lock_guard lock(replies->mutex);
    if (++replies->count == 1) replies->first = std::move(outcome);
    replies->arrived.notify_all();
  });
  {
    std::unique_lock lock(replies->mutex);
    FUZZ_CHECK(replies->arrived.wait_for(lock, std::chrono::seconds(10), [&] { return replies->count > 0; }));
  }
  // The writer is FIFO: once this no-op has committed, so has every write the request
  // started, and any second reply from one of them would have arrived.
  std::promise<void> drained;
  db_->writer().submit([](store::Connection&) {}, [&drained](const core::Status&) { drained.set_value(); });
  drained.get_future().wait();
  std::lock_guard lock(replies->mutex);
  FUZZ_CHECK(replies->count == 1);
  reply.outcome = std::move(replies->first);
  return reply;
}

std::string FuzzApp::substitute(std::string_view bytes) const {
  std::string out(bytes);
  for (int i = 0; i < kSlotCount; ++i) {
    const auto from = placeholder(static_cast<Slot>(i));
    const auto& to = slots_[static_cast<std::size_t>(i)];
    for (auto at = out.find(from); at != std::string::npos; at = out.find(from, at + to.size())) {
      out.replace(at, from.size(), to);
    }
  }
  return out;
}

void FuzzApp::heal() {
  bool patrol_ok = false, invite_ok = false;
  {
    auto& reader = reader_;
    store::Statement patrol(*reader, "SELECT ended_at_ms IS NULL FROM patrols WHERE id = ?");
    patrol.bind(1, real(Slot::patrol_active));
    patrol_ok = patrol.step() && patrol.column_int(0) == 1;
    store::Statement invite(*reader,
                            "SELECT used_at_ms IS NULL AND expires_at_ms > ? FROM invites WHERE id = ?");
    invite.bind(1, clock_.now_ms()).bind(2, invite_id_);
    invite_ok = invite.step() && invite.column_int(0) == 1;
  }
  // In this order: the lead invites the others.
  if (!signed_in(Slot::device_lead)) new_lead();
  if (!signed_in(Slot::device_partner)) {
    new_partner();
    patrol_ok = false;
  }
  if (!signed_in(Slot::device_walker)) {
    new_walker();
  } else if (!patrol_ok) {
    set(Slot::patrol_active, start_patrol());
  }
  if (!invite_ok) {
    if (!real(Slot::invite_code).empty()) spent_secrets_.push_back(real(Slot::invite_code));
    set(Slot::invite_code, invite(lead_, v1::ROLE_VOLUNTEER, Slot::team_north));
    invite_id_ = last_invite_id_;
  }
}

// True while the device and its volunteer are not revoked and still in team North.
bool FuzzApp::signed_in(Slot device) {
  const auto& reader = reader_;
  const auto identity = store::load_identity(*reader, real(device));
  return identity && std::find(identity->team_ids.begin(), identity->team_ids.end(),
                               real(Slot::team_north)) != identity->team_ids.end();
}

app::SessionState FuzzApp::anonymous() {
  app::SessionState s;
  s.connection_id = ++next_connection_;
  s.client_address = "192.0.2.7";
  return s;
}

std::vector<std::string> FuzzApp::secrets() const {
  // The newest spent ones: a long run redeems thousands of fuzzed invites.
  const auto keep = std::min<std::size_t>(spent_secrets_.size(), 256);
  std::vector<std::string> out(spent_secrets_.end() - static_cast<std::ptrdiff_t>(keep),
                               spent_secrets_.end());
  for (auto slot : {Slot::token_walker, Slot::token_feed_mine, Slot::token_feed_team, Slot::invite_code}) {
    if (!real(slot).empty()) out.push_back(real(slot));
  }
  return out;
}

app::SessionState FuzzApp::redeem(const std::string& code, const std::string& handle, std::string* token) {
  app::SessionState session = anonymous();
  v1::ClientMessage m;
  m.set_request_id(1);
  m.mutable_redeem_invite()->set_invite_code(code);
  m.mutable_redeem_invite()->set_handle(handle);
  m.mutable_redeem_invite()->set_device_name("fuzz phone");
  auto reply = call(session, m.SerializeAsString());
  if (!reply.outcome.reply.has_welcome() || !reply.outcome.authenticated) {
    throw std::runtime_error("fuzz fixture: redeem failed: " + reply.outcome.reply.error().message());
  }
  session.principal = reply.outcome.authenticated;
  spent_secrets_.push_back(code);
  if (token != nullptr) *token = reply.outcome.reply.welcome().device_token();
  spent_secrets_.push_back(reply.outcome.reply.welcome().device_token());
  return session;
}

v1::ServerMessage FuzzApp::ok(const app::SessionState& session, const v1::ClientMessage& msg) {
  auto numbered = msg;
  if (numbered.request_id() == 0) numbered.set_request_id(1);  // 0 is refused: it is a push's
  auto reply = call(session, numbered.SerializeAsString()).outcome.reply;
  if (reply.has_error()) throw std::runtime_error("fuzz fixture: request failed: " + reply.error().message());
  return reply;
}

std::string FuzzApp::invite(const app::SessionState& by, v1::Role role, Slot team) {
  v1::ClientMessage m;
  m.mutable_create_invite()->set_role(role);
  m.mutable_create_invite()->set_team_id(real(team));
  const auto created = ok(by, m).invite_created();
  last_invite_id_ = created.invite_id();
  return created.invite_code();
}

// The fixture's own writes use client ids of a form that no seed contains, so that an
// input cannot take the id of a write the fixture makes later (the fuzzer once turned a
// seed's test::uuid(n) into the id of heal()'s next patrol, and heal() then failed).
std::string FuzzApp::own_client_id() {
  char buf[40];
  std::snprintf(buf, sizeof buf, "ffffffff-ffff-4fff-bfff-%012d", next_client_++);
  return buf;
}

std::string FuzzApp::start_patrol() {
  // A volunteer is on one open patrol at a time: the one being replaced (its walker or
  // partner is new) ends first, as its members can no longer end it themselves.
  if (const auto& old = real(Slot::patrol_active); !old.empty()) {
    std::promise<core::Status> ended;
    db_->writer().submit(
        [old, now = clock_.now_ms()](store::Connection& conn) {
          if (auto p = store::find_patrol(conn, old); p && p->active())
            store::end_patrol(conn, old, now, now);
        },
        [&ended](const core::Status& s) { ended.set_value(s); });
    FUZZ_CHECK(ended.get_future().get().ok());
  }
  v1::ClientMessage m;
  auto* s = m.mutable_start_patrol();
  s->set_client_id(own_client_id());
  s->set_area_id(real(Slot::area_centre));
  s->add_member_ids(real(Slot::volunteer_partner));
  s->set_checkin_interval_s(600);
  s->set_started_at_ms(clock_.now_ms());
  return ok(walker_, m).ack().id();
}

// North's lead, invited by the coordinator.
void FuzzApp::new_lead() {
  lead_ = redeem(invite(coordinator_, v1::ROLE_LEAD, Slot::team_north), "lead-" + std::to_string(++people_));
  set(Slot::volunteer_lead, lead_.principal->volunteer_id);
  set(Slot::device_lead, lead_.principal->device_id);
}

void FuzzApp::new_partner() {
  partner_ =
      redeem(invite(lead_, v1::ROLE_VOLUNTEER, Slot::team_north), "partner-" + std::to_string(++people_));
  set(Slot::volunteer_partner, partner_.principal->volunteer_id);
  set(Slot::device_partner, partner_.principal->device_id);
}

// A volunteer in North on an active patrol with the partner.
void FuzzApp::new_walker() {
  std::string token;
  walker_ = redeem(invite(lead_, v1::ROLE_VOLUNTEER, Slot::team_north), "walker-" + std::to_string(++people_),
                   &token);
  set(Slot::volunteer_walker, walker_.principal->volunteer_id);
  set(Slot::device_walker, walker_.principal->device_id);
  set(Slot::token_walker, token);
  set(Slot::patrol_active, start_patrol());
}

void FuzzApp::set(Slot slot, std::string value) {
  // Same length, or substitution would break a frame's framing.
  FUZZ_CHECK(value.size() == placeholder(slot).size());
  slots_[static_cast<std::size_t>(slot)] = std::move(value);
}

}  // namespace gadehold::fuzz
