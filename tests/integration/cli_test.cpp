// The real `gadehold` binary: subcommands, exit codes, and signals.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <regex>
#include <thread>

#include "support/process.hpp"
#include "support/programme.hpp"
#include "support/temp_dir.hpp"
#include "support/ws_client.hpp"

using namespace gadehold;

TEST_CASE("--version prints the version and revision") {
  auto r = test::run_gadehold({"--version"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("gadehold 0.", 0) == 0);
}

TEST_CASE("--version names the allocator the binary was linked with") {
  auto r = test::run_gadehold({"--version"});
  REQUIRE(r.exit_code == 0);
  const auto at = r.out.find("\nallocator: ");
  REQUIRE(at != std::string::npos);
  const auto allocator = r.out.substr(at + 12);
#if GADEHOLD_EXPECT_JEMALLOC
  // jemalloc's version string, e.g. "5.3.0-0-g54eaed1d8b56b1aa528be3bdd1877e59c56fa90c".
  CHECK(allocator.rfind("jemalloc 5.", 0) == 0);
#else
  CHECK(allocator == "system malloc\n");
#endif
}

TEST_CASE("bad usage exits 2 with a one-line message") {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {},
           {"frobnicate"},
           {"serve", "--no-such-flag"},
           {"serve", "--threads", "lots"},
           {"serve", "--listen", "0.0.0.0:8080", "--db", "x.db"},
           {"init"/* missing value */, "--db"},
           {"check", "--db", "x", "extra-positional"}}) {
    auto r = test::run_gadehold(args);
    CAPTURE(r.err);
    CHECK(r.exit_code == 2);
    CHECK_FALSE(r.err.empty());
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') <= 1 + (args.empty() ? 20 : 0));  // no command: the usage
  }
}

TEST_CASE("init creates a database, refuses to overwrite it, and check verifies it") {
  test::TempDir dir;
  const auto db = dir.file("sub/dir/g.db");
  auto created = test::run_gadehold({"init", "--db", db});
  CHECK(created.exit_code == 0);
  CHECK(std::filesystem::exists(db));
  // The last line of init's output is the first coordinator's invite code, alone.
  auto last_line = created.out.substr(created.out.rfind('\n', created.out.size() - 2) + 1);
  CHECK(std::regex_match(last_line, std::regex("^([0-9A-Z]{4}-){6}[0-9A-Z]{4}\n$")));

  auto lead = test::run_gadehold({"invite", "--db", db, "--role", "lead"});
  CHECK(lead.exit_code == 2);  // a lead needs a team
  auto no_team = test::run_gadehold({"invite", "--db", db, "--role", "volunteer", "--team", "Nowhere"});
  CHECK(no_team.exit_code == 2);
  CHECK(no_team.err.find("Nowhere") != std::string::npos);
  auto bad_role = test::run_gadehold({"invite", "--db", db, "--role", "police"});
  CHECK(bad_role.exit_code == 2);
  auto coordinator = test::run_gadehold({"invite", "--db", db, "--role", "coordinator", "--valid-hours", "2"});
  CHECK(coordinator.exit_code == 0);
  auto code = coordinator.out.substr(coordinator.out.rfind('\n', coordinator.out.size() - 2) + 1);
  CHECK(std::regex_match(code, std::regex("^([0-9A-Z]{4}-){6}[0-9A-Z]{4}\n$")));
  CHECK(code != last_line);

  auto again = test::run_gadehold({"init", "--db", db});
  CHECK(again.exit_code == 1);
  CHECK(again.err.find("already exists") != std::string::npos);

  auto checked = test::run_gadehold({"check", "--db", db});
  CHECK(checked.exit_code == 0);
  CHECK(checked.out.find("integrity_check: ok") != std::string::npos);
  CHECK(checked.out.find("foreign_key_check: ok") != std::string::npos);
  CHECK(checked.out.find("schema_version: ") != std::string::npos);

  auto missing = test::run_gadehold({"check", "--db", dir.file("none.db")});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("does not exist") != std::string::npos);
}

TEST_CASE("check reports a corrupt file") {
  test::TempDir dir;
  const auto db = dir.file("junk.db");
  { std::ofstream(db) << std::string(8192, 'j'); }
  auto r = test::run_gadehold({"check", "--db", db});
  CHECK(r.exit_code == 1);
}

TEST_CASE("serve refuses a missing database") {
  test::TempDir dir;
  auto r = test::run_gadehold({"serve", "--listen", "127.0.0.1:0", "--db", dir.file("none.db")});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("gadehold init") != std::string::npos);
}

TEST_CASE("SIGTERM during traffic closes clients with 1001 and exits 0") {
  test::TempDir dir;
  const auto db = dir.file("g.db");
  REQUIRE(test::run_gadehold({"init", "--db", db}).exit_code == 0);
  test::Process server(
      {"serve", "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0", "--db", db, "--threads", "2"});
  const auto port = test::port_from_listening_line(server.wait_for_stderr("listening on"));

  // Long-lived clients that only listen, so that some are connected at the signal.
  std::vector<std::unique_ptr<test::WsClient>> idle;
  for (int i = 0; i < 3; ++i) idle.push_back(std::make_unique<test::WsClient>(port));

  // Busy clients keep requests in flight while the signal arrives. They reconnect every
  // four requests to stay under the failed-authentication limit.
  std::atomic<bool> stop{false};
  std::atomic<int> replies{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&] {
      while (!stop) {
        try {
          test::WsClient client(port);
          for (std::uint64_t i = 1; i <= 4 && !stop; ++i) {
            client.send(test::hello(i, "x"));
            if (client.read().ec) break;
            ++replies;
          }
        } catch (const std::exception&) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));  // refused after close
        }
      }
    });
  }
  while (replies.load() < 50) std::this_thread::sleep_for(std::chrono::milliseconds(5));

  server.signal(SIGTERM);
  for (auto& c : idle) {
    auto code = c->wait_for_close();
    REQUIRE(code.has_value());
    CHECK(*code == 1001);
  }
  auto exit_code = server.wait();
  stop = true;
  for (auto& t : clients) t.join();
  REQUIRE(exit_code.has_value());
  CHECK(*exit_code == 0);
  CHECK(server.err().find("writer drained and checkpointed") != std::string::npos);
}

TEST_CASE("shifts lists a team's shifts with their staffing, and names no volunteer") {
  test::Programme p;
  const auto staffed = p.shift(1, 2 * test::Programme::kDay);  // 2027-01-17 08:00 UTC
  REQUIRE(p.sign_up(p.walker, staffed).has_ack());
  const auto dropped = p.shift(2, 3 * test::Programme::kDay);
  REQUIRE(p.cancel_shift(p.lead, dropped).has_ack());
  p.app.ok(p.south_lead, p.create_shift(3, p.south, 2 * test::Programme::kDay, 3600 * 1000));
  const auto db = p.app.config().db;

  auto r = test::run_gadehold({"shifts", "--db", db, "--team", "north", "--from", "2027-01-15", "--to", "2027-01-31"});
  CAPTURE(r.out);
  CAPTURE(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("2027-01-17 08:00 12:00") != std::string::npos);
  CHECK(r.out.find("understaffed") != std::string::npos);
  CHECK(r.out.find("cancelled") != std::string::npos);
  CHECK(r.out.find("2 shift(s); 1 understaffed, 1 cancelled") != std::string::npos);
  CHECK(r.out.find("walker") == std::string::npos);
  // The range is inclusive of --to and exclusive of the days after it.
  auto before = test::run_gadehold({"shifts", "--db", db, "--team", "North", "--from", "2027-01-15", "--to", "2027-01-16"});
  CHECK(before.out.find("0 shift(s)") != std::string::npos);
  auto one_day = test::run_gadehold({"shifts", "--db", db, "--team", "North", "--from", "2027-01-17", "--to", "2027-01-17"});
  CHECK(one_day.out.find("1 shift(s)") != std::string::npos);

  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--team", "Nowhere", "--from", "2027-01-15", "--to", "2027-01-31"},
           {"--team", "North", "--from", "2027-13-01", "--to", "2027-01-31"},
           {"--team", "North", "--from", "2027-02-30", "--to", "2027-03-31"},
           {"--team", "North", "--from", "2027-01-31", "--to", "2027-01-15"},
           {"--team", "North", "--from", "2027-01-15"}}) {
    std::vector<std::string> full{"shifts", "--db", db};
    full.insert(full.end(), args.begin(), args.end());
    auto bad = test::run_gadehold(full);
    CAPTURE(bad.err);
    CHECK(bad.exit_code == 2);
    CHECK(std::count(bad.err.begin(), bad.err.end(), '\n') == 1);
  }
}
