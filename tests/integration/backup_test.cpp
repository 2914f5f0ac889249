// gadehold backup, restore and purge as real processes, against a database a writer is
// committing to at the same time.
#include <doctest/doctest.h>

#include <atomic>
#include <fstream>
#include <future>
#include <thread>

#include "server/store/engine/database.hpp"
#include "server/store/identity.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

using namespace gadehold;

namespace {

std::int64_t count(const std::string& db, const char* sql) {
  auto conn = store::open_existing(db, 5000);
  return conn.query_int(sql);
}

}  // namespace

TEST_CASE("a backup taken while a writer commits is consistent and complete up to a commit") {
  test::TempDir dir;
  const auto db = dir.file("live.db");
  store::create_database(db, 5000);
  const auto backup = dir.file("nightly.db");
  std::int64_t before = 0, after = 0;
  {
    store::Database live(store::Database::Options{db, 5000, 1});
    std::atomic<bool> stop{false};
    std::atomic<int> committed{0};
    std::thread writer([&] {
      // Audit rows have increasing ids: a consistent copy holds exactly 1..k.
      while (!stop.load()) {
        std::promise<void> done;
        live.writer().submit(
            [](store::Connection& c) {
              for (int i = 0; i < 20; ++i) store::audit(c, 1, "test", "row.insert", "row", "x");
            },
            [&](const core::Status&) { done.set_value(); });
        done.get_future().wait();
        ++committed;
      }
    });
    while (committed.load() < 20) std::this_thread::yield();
    before = committed.load() * 20;
    auto r = test::run_gadehold({"backup", "--db", db, "--out", backup});
    after = (committed.load() + 1) * 20;
    stop = true;
    writer.join();
    CAPTURE(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("integrity_check and foreign_key_check passed") != std::string::npos);
  }
  const auto rows = count(backup, "SELECT COUNT(*) FROM audit_log WHERE action = 'row.insert'");
  CHECK(rows >= before);
  CHECK(rows <= after);
  CHECK(rows % 20 == 0);  // whole commits only
  CHECK(count(backup, "SELECT MAX(id) FROM audit_log") == count(backup, "SELECT COUNT(*) FROM audit_log"));
  CHECK(test::run_gadehold({"check", "--db", backup}).exit_code == 0);
  // One self-contained file: no WAL beside it.
  CHECK_FALSE(std::filesystem::exists(backup + "-wal"));
  // Never over an existing file.
  CHECK(test::run_gadehold({"backup", "--db", db, "--out", backup}).exit_code == 2);
}

TEST_CASE("restore refuses a damaged file and an existing database, and restores a good backup") {
  test::TempDir dir;
  const auto db = dir.file("g.db");
  REQUIRE(test::run_gadehold({"init", "--db", db}).exit_code == 0);
  const auto good = dir.file("good.db");
  REQUIRE(test::run_gadehold({"backup", "--db", db, "--out", good}).exit_code == 0);

  const auto damaged = dir.file("damaged.db");
  std::filesystem::copy_file(good, damaged);
  {
    std::fstream f(damaged, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096);  // over the headers of the second and third pages
    const std::string garbage(8192, '\xA5');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  const auto target = dir.file("restored.db");
  auto refused = test::run_gadehold({"restore", "--from", damaged, "--db", target});
  CAPTURE(refused.err);
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("refusing") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(target));

  CHECK(test::run_gadehold({"restore", "--from", good, "--db", db}).exit_code == 2);  // exists, no --force
  auto restored = test::run_gadehold({"restore", "--from", good, "--db", target});
  CAPTURE(restored.err);
  CHECK(restored.exit_code == 0);
  CHECK(test::run_gadehold({"check", "--db", target}).exit_code == 0);
  CHECK(count(target, "SELECT COUNT(*) FROM invites") == count(db, "SELECT COUNT(*) FROM invites"));
  CHECK(test::run_gadehold({"restore", "--from", good, "--db", target, "--force"}).exit_code == 0);
}

TEST_CASE("purge runs from the shell, is idempotent, and rejects bad limits") {
  test::TempDir dir;
  const auto db = dir.file("g.db");
  REQUIRE(test::run_gadehold({"init", "--db", db}).exit_code == 0);
  auto first = test::run_gadehold({"purge", "--db", db});
  CAPTURE(first.err);
  CHECK(first.exit_code == 0);
  for (const char* line :
       {"note texts cleared:        0", "alert messages cleared:    0", "alert notes cleared:       0",
        "shift texts cleared:       0", "shift reasons cleared:     0", "patrol messages deleted:   0",
        "check-ins deleted:         0", "events deleted:            0", "device names replaced:     0"}) {
    CAPTURE(line);
    CHECK(first.out.find(line) != std::string::npos);
  }
  CHECK(test::run_gadehold({"purge", "--db", db}).exit_code == 0);
  auto bad = test::run_gadehold({"purge", "--db", db, "--retention-audit-days", "0"});
  CHECK(bad.exit_code == 2);
}
