#pragma once
// The app layer of a small programme on a real temporary database, built once per
// fuzzing process: a coordinator; team North with a lead, a walker and a partner on an
// active patrol in area Centre, an ended patrol, an open SOS, a shift the walker signed
// up for, and the walker's calendar feeds; team South with a volunteer and a shift.
// Fuzzed requests come from the walker and from North's lead.
//
// Ids and secrets are random per process, so fuzz inputs name them by placeholders of
// the same length (placeholder()); substitute() swaps the real ones in. Same length
// means a serialized frame keeps its framing, and a placeholder has characters no real
// id or code has, so it can never be one by chance.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/app/dispatcher.hpp"
#include "server/core/clock.hpp"
#include "server/core/config.hpp"
#include "support/temp_dir.hpp"
#include "fuzz/log_capture.hpp"

namespace gadehold::store {
class Database;
}

namespace gadehold::fuzz {

enum class Slot {
  team_north,
  team_south,
  area_centre,
  volunteer_walker,
  volunteer_partner,
  volunteer_lead,
  volunteer_coordinator,
  volunteer_south,
  device_walker,
  device_partner,
  device_lead,
  patrol_active,
  patrol_ended,
  alert_sos,
  shift_north,
  shift_south,
  feed_mine,
  feed_team,
  token_walker,     // the walker's device token, for Hello
  token_feed_mine,  // the secret in the walker's calendar feed paths
  token_feed_team,
  invite_code,  // an unused invite to team North, for RedeemInvite
};
inline constexpr int kSlotCount = static_cast<int>(Slot::invite_code) + 1;

// The placeholder that stands for `slot` in fuzz inputs and seeds.
std::string placeholder(Slot slot);

// The fixture's fake time: 2027-01-15.
inline constexpr std::int64_t kNowMs = 1'800'000'000'000;

class FuzzApp {
 public:
  // The process's fixture, built on first use and torn down (database removed) at exit.
  static FuzzApp& get();

  FuzzApp();
  ~FuzzApp();
  FuzzApp(const FuzzApp&) = delete;
  FuzzApp& operator=(const FuzzApp&) = delete;

  struct Reply {
    app::Outcome outcome;
    bool held = false;  // what dispatch() returned
  };
  // Dispatches one frame as a WebSocket session would and waits until it is answered
  // and every write it started has committed. Traps unless exactly one reply came.
  Reply call(const app::SessionState& session, std::string_view frame);

  // `bytes` with every placeholder replaced by this process's real value.
  std::string substitute(std::string_view bytes) const;
  const std::string& real(Slot slot) const { return slots_[static_cast<std::size_t>(slot)]; }

  // Puts back what fuzzed requests may take away: the lead, the walker and the partner
  // (revoked by the lead or themselves), the active patrol (ended by its member) and
  // the unused invite (redeemed).
  void heal();

  // The authenticated sessions the fuzzed requests come from, and a fresh connection
  // that has not said Hello.
  const app::SessionState& walker() const { return walker_; }
  const app::SessionState& lead() const { return lead_; }
  app::SessionState anonymous();

  // Secrets that must never appear in a log line.
  std::vector<std::string> secrets() const;

  app::Dispatcher& dispatcher() { return *dispatcher_; }
  const core::Config& config() const { return config_; }
  LogCapture& logs() { return *logs_; }

 private:
  class CheckingHub;

  app::SessionState redeem(const std::string& code, const std::string& handle, std::string* token = nullptr);
  v1::ServerMessage ok(const app::SessionState& session, const v1::ClientMessage& msg);
  std::string invite(const app::SessionState& by, v1::Role role, Slot team);
  std::string own_client_id();
  std::string start_patrol();
  void new_lead();
  void new_partner();
  void new_walker();
  bool signed_in(Slot device);
  void set(Slot slot, std::string value);

  std::shared_ptr<LogCapture> logs_;
  test::TempDir dir_;
  core::Config config_;
  core::FakeClock clock_;
  std::unique_ptr<CheckingHub> hub_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<app::Dispatcher> dispatcher_;
  // The fixture's own reads (heal), never one of the server's readers.
  std::unique_ptr<store::Connection> reader_;
  app::SessionState coordinator_, lead_, walker_, partner_;
  std::vector<std::string> slots_;
  std::string invite_id_;       // of the unused invite in Slot::invite_code
  std::string last_invite_id_;  // of the invite invite() made last
  std::vector<std::string> spent_secrets_;  // redeemed invites and tokens of replaced walkers
  std::uint64_t next_connection_ = 0;
  int next_client_ = 1;
  int people_ = 0;  // for unique handles
};

}  // namespace gadehold::fuzz
