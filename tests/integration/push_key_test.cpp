// The deployment's VAPID key over the real binary: `init` makes it, a backup carries it,
// `serve` makes it for a database from before push and hands it out in every Welcome,
// the same across restarts, and never logs it.
#include <doctest/doctest.h>

#include <csignal>

#include "server/cli/commands.hpp"
#include "server/core/clock.hpp"
#include "server/store/engine/database.hpp"
#include "server/store/engine/migrations.hpp"
#include "server/store/engine/pragmas.hpp"
#include "server/store/identity.hpp"
#include "server/store/push.hpp"
#include "support/process.hpp"
#include "support/reader.hpp"
#include "support/temp_dir.hpp"
#include "support/ws_client.hpp"

using namespace gadehold;

namespace {

std::optional<store::StoredVapidKey> key_in(const std::string& db) {
  auto reader = test::open_reader(db);
  return store::vapid_key(*reader);
}

// A database as the last release before push made it: migrations up to 0014.
void create_pre_push_database(const std::string& path) {
  store::Connection conn(path, store::Connection::Mode::read_write_create, 5000);
  store::configure_for_writing(conn);
  std::vector<store::Migration> older;
  for (const auto& m : store::embedded_migrations()) {
    if (m.version <= 14) older.push_back(m);
  }
  REQUIRE(store::migrate(conn, older) == 14);
}

struct Served {
  v1::Welcome welcome;
  std::string log;
};

// Runs `serve` on `db`, starts a session (redeeming `invite`, or saying Hello with
// `token`), stops the server and returns the Welcome and the log.
Served serve_once(const std::string& db, const std::string& invite, const std::string& token) {
  test::Process server(
      {"serve", "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0", "--db", db, "--threads", "2"});
  const auto port = test::port_from_listening_line(server.wait_for_stderr("listening on"));
  Served out;
  {
    test::WsClient client(port);
    if (!invite.empty()) {
      out.welcome = client.redeem(invite, "coordinator");
    } else {
      auto reply = client.call(test::hello(client.next_request_id(), token));
      REQUIRE(reply.has_welcome());
      out.welcome = reply.welcome();
    }
  }
  server.signal(SIGTERM);
  const auto code = server.wait();
  REQUIRE(code.has_value());
  CHECK(*code == 0);
  out.log = server.err() + server.out();
  return out;
}

}  // namespace

TEST_CASE("init creates the VAPID key, and a backup carries it") {
  test::TempDir dir;
  const auto db = dir.file("g.db");
  REQUIRE(test::run_gadehold({"init", "--db", db}).exit_code == 0);
  const auto key = key_in(db);
  REQUIRE(key.has_value());
  CHECK(key->private_key.size() == 43);  // 32 bytes, base64url
  CHECK(key->public_key.size() == 87);   // 65 bytes, base64url

  const auto copy = dir.file("backup.db");
  auto backup = test::run_gadehold({"backup", "--db", db, "--out", copy});
  CAPTURE(backup.err);
  REQUIRE(backup.exit_code == 0);
  const auto restored = key_in(copy);
  REQUIRE(restored.has_value());
  CHECK(restored->private_key == key->private_key);
  CHECK(restored->public_key == key->public_key);
}

TEST_CASE("serve creates the key for an older database once, hands it out in Welcome, and never logs it") {
  test::TempDir dir;
  const auto db = dir.file("old.db");
  create_pre_push_database(db);
  std::string invite;
  {
    auto conn = store::open_existing(db, 5000);
    invite = cli::issue_invite(conn, store::kRoleCoordinator, "", 72, core::SystemClock().now_ms());
  }
  CHECK(store::schema_version(*test::open_reader(db)) == 14);  // no key table yet

  const auto first = serve_once(db, invite, "");
  CHECK(store::schema_version(*test::open_reader(db)) == 15);
  const auto key = key_in(db);
  REQUIRE(key.has_value());
  CHECK(first.welcome.vapid_public_key() == key->public_key);
  CHECK(first.log.find("created the push key") != std::string::npos);
  CHECK(first.log.find(key->private_key) == std::string::npos);
  CHECK(first.log.find(key->public_key) == std::string::npos);

  // After a restart: the same key, and nothing created.
  const auto second = serve_once(db, "", first.welcome.device_token());
  CHECK(second.welcome.vapid_public_key() == key->public_key);
  CHECK(second.log.find("created the push key") == std::string::npos);
  CHECK(key_in(db)->private_key == key->private_key);
}
