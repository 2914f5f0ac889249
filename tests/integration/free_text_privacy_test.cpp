// Free text a phone sends, over real sockets and real database files: a device name with
// its owner's name and phone number is neither stored nor listed, every connection the
// server opens sets secure_delete, and text that retention cleared is not left behind
// in the database file.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>

#include "support/programme.hpp"
#include "support/test_server.hpp"
#include "support/ws_client.hpp"

using namespace gadehold;

namespace {

// The bytes of the database file and of its WAL, if any.
std::string file_bytes(const std::string& db) {
  std::string out;
  for (const auto& path : {db, db + "-wal"}) {
    std::ifstream in(path, std::ios::binary);
    out.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return out;
}

}  // namespace

TEST_CASE("a device name with its owner's name and phone number is stored and listed as a label") {
  test::TestServer server;
  const auto db = server.db_path();
  {
    test::WsClient client(server.port());
    v1::ClientMessage redeem = client.request();
    redeem.mutable_redeem_invite()->set_invite_code(server.invite());
    redeem.mutable_redeem_invite()->set_handle("coordinator");
    redeem.mutable_redeem_invite()->set_device_name("Mette Frederiksens iPhone tlf 22334455");
    REQUIRE(client.call(redeem).has_welcome());
    auto list = client.request();
    list.mutable_list_devices();
    const auto devices = client.call(list).device_list();
    REQUIRE(devices.devices_size() == 1);
    CHECK(devices.devices(0).name() == "iPhone");
  }
  server.stop();
  const auto bytes = file_bytes(db);
  CHECK(bytes.find("Frederiksen") == std::string::npos);
  CHECK(bytes.find("22334455") == std::string::npos);
}

TEST_CASE("every connection the server opens has secure_delete on") {
  test::TempDir dir;
  const auto path = dir.file("g.db");
  store::create_database(path, 5000);
  store::Database db(store::Database::Options{path, 5000, 2});

  std::promise<std::int64_t> writer_value;
  db.writer().submit(
      [&](store::Connection& c) { writer_value.set_value(c.query_int("PRAGMA secure_delete")); },
      [](const core::Status&) {});
  CHECK(writer_value.get_future().get() == 1);
  for (int i = 0; i < 2; ++i) {
    std::promise<std::int64_t> reader_value;
    REQUIRE(db.readers().submit(
        [&](store::Connection& c) { reader_value.set_value(c.query_int("PRAGMA secure_delete")); },
        store::ReaderPool::Priority::server));
    CHECK(reader_value.get_future().get() == 1);
  }
  auto cli = store::open_existing(path, 5000);  // what every CLI command opens
  CHECK(cli.query_int("PRAGMA secure_delete") == 1);
  store::Connection read_only(path, store::Connection::Mode::read_only, 5000);
  CHECK(read_only.query_int("PRAGMA secure_delete") == 1);
  db.stop();
}

TEST_CASE("text cleared by retention is not left in the database file") {
  test::Programme p;
  const auto patrol = p.start_patrol(1);
  p.app.ok(p.walker, p.note(2, patrol, "zebracrossing quarrel near the skatepark"));
  p.app.restart();  // checkpointed into the file
  REQUIRE(file_bytes(p.app.db().path()).find("zebracrossing") != std::string::npos);
  p.app.clock().advance_ms(91 * test::Programme::kDay);
  const auto purged = p.app.purge();
  CHECK(purged.note_texts_cleared == 1);
  CHECK(purged.events_deleted > 0);
  p.app.restart();  // the writer checkpoints and truncates the WAL when it stops
  CHECK(file_bytes(p.app.db().path()).find("zebracrossing") == std::string::npos);
}
