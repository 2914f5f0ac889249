// The reader threads (store/engine/reader_pool.hpp): reads queued from any thread run on
// a reader with its own connection; the server's reads go before the clients' waiting
// ones; stop() lets the running read finish, drops the queued ones, and refuses later
// ones.
#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "server/store/engine/database.hpp"
#include "support/temp_dir.hpp"

using namespace gadehold;
using store::ReaderPool;

TEST_CASE("the server's reads go before the clients' waiting reads") {
  test::TempDir dir;
  const auto path = dir.file("g.db");
  store::create_database(path, 1000);
  ReaderPool pool(path, 1, 1000);

  // Hold the only reader, then queue clients' reads and a server read behind it.
  std::promise<void> release;
  auto released = release.get_future().share();
  std::promise<void> holding;
  REQUIRE(pool.submit([&holding, released](store::Connection&) {
    holding.set_value();
    released.wait();
  }));
  holding.get_future().wait();
  std::mutex mutex;
  std::vector<std::string> order;
  auto note = [&](std::string what) {
    return [&, what](store::Connection& conn) {
      CHECK(conn.query_int("SELECT count(*) FROM sqlite_schema") > 0);  // a real connection
      std::lock_guard lock(mutex);
      order.push_back(what);
    };
  };
  REQUIRE(pool.submit(note("client 1")));
  REQUIRE(pool.submit(note("client 2")));
  REQUIRE(pool.submit(note("server"), ReaderPool::Priority::server));
  std::promise<void> last;
  REQUIRE(pool.submit([&last](store::Connection&) { last.set_value(); }));
  release.set_value();
  REQUIRE(last.get_future().wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  std::lock_guard lock(mutex);
  CHECK(order == std::vector<std::string>{"server", "client 1", "client 2"});
}

TEST_CASE("stop lets the running read finish, drops the queued ones, and refuses later ones") {
  test::TempDir dir;
  const auto path = dir.file("g.db");
  store::create_database(path, 1000);
  ReaderPool pool(path, 1, 1000);
  std::promise<void> holding;
  std::atomic<bool> finished{false};
  REQUIRE(pool.submit([&](store::Connection&) {
    holding.set_value();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    finished.store(true);
  }));
  holding.get_future().wait();
  std::atomic<int> queued_ran{0};
  auto dropped_capture = std::make_shared<int>(0);
  for (int i = 0; i < 3; ++i) {
    REQUIRE(pool.submit([&queued_ran, dropped_capture](store::Connection&) { queued_ran.fetch_add(1); }));
  }
  CHECK(dropped_capture.use_count() == 4);
  pool.stop();
  CHECK(finished.load());                   // the running read was not cut short
  CHECK(queued_ran.load() == 0);            // the queued ones never ran
  CHECK(dropped_capture.use_count() == 1);  // and what they held is freed
  CHECK_FALSE(pool.submit([&queued_ran](store::Connection&) { queued_ran.fetch_add(1); }));
  CHECK(queued_ran.load() == 0);
}

TEST_CASE("a read that throws is logged and the reader goes on") {
  test::TempDir dir;
  const auto path = dir.file("g.db");
  store::create_database(path, 1000);
  ReaderPool pool(path, 1, 1000);
  REQUIRE(
      pool.submit([](store::Connection& conn) { conn.exec("SELECT no_such_column FROM sqlite_schema"); }));
  std::promise<std::int64_t> answered;
  REQUIRE(
      pool.submit([&answered](store::Connection& conn) { answered.set_value(conn.query_int("SELECT 7")); }));
  auto future = answered.get_future();
  REQUIRE(future.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  CHECK(future.get() == 7);
}
