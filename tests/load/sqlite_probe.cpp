// gadehold-sqlite-probe: how fast can SQLite alone store check-ins on this filesystem?
// It creates a database with the server's own schema and settings (WAL,
// synchronous=FULL), then, in transactions of `--batch` check-ins, with statements
// prepared once (store::Statement's cache) and no network, protobuf or savepoints:
// - rows: inserts only the check_ins row;
// - checkin_writes: writes everything one check-in writes in the server: the
//   check_ins row, its client_writes row, its event, the daily count and the patrol.
// Both run for `--seconds` each. Then a plain fdatasync loop on a file in the same
// folder gives the p50 and p99 of one flush. Results go to stdout and `--json`.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "server/core/logging.hpp"
#include "server/core/tokens.hpp"
#include "server/store/engine/database.hpp"
#include "server/store/client_writes.hpp"
#include "server/store/events.hpp"
#include "server/store/patrols.hpp"
#include "server/store/stats.hpp"
#include "server/store/sqlite/transaction.hpp"

using namespace gadehold;

namespace {

using Clock = std::chrono::steady_clock;

struct Fixture {
  std::vector<std::string> volunteers;
  std::vector<std::string> patrols;  // patrols[i] belongs to volunteers[2i], [2i+1]
  std::string team = "tem_probe";
  std::string area = "are_probe";
};

Fixture populate(store::Connection& conn, std::size_t patrols) {
  Fixture f;
  store::Transaction tx(conn);
  store::Statement(conn, "INSERT INTO teams (id, name, created_at_ms) VALUES (?, 'probe', 0)").bind(1, f.team).run();
  store::Statement(conn, "INSERT INTO areas (id, name, created_at_ms) VALUES (?, 'probe', 0)").bind(1, f.area).run();
  for (std::size_t i = 0; i < patrols * 2; ++i) {
    f.volunteers.push_back(core::new_id("vol"));
    store::Statement(conn, "INSERT INTO volunteers (id, handle, role, created_at_ms) VALUES (?, ?, 1, 0)")
        .bind(1, f.volunteers.back())
        .bind(2, "probe-" + std::to_string(i))
        .run();
  }
  for (std::size_t i = 0; i < patrols; ++i) {
    f.patrols.push_back(core::new_id("pat"));
    store::Statement(conn,
                     "INSERT INTO patrols (id, team_id, area_id, started_by, checkin_interval_s, started_at_ms, "
                     "received_at_ms, last_activity_ms, due_at_ms) VALUES (?, ?, ?, ?, 1200, 0, 0, 0, 0)")
        .bind(1, f.patrols.back())
        .bind(2, f.team)
        .bind(3, f.area)
        .bind(4, f.volunteers[2 * i])
        .run();
  }
  tx.commit();
  return f;
}

double run_inserts(store::Connection& conn, const Fixture& f, std::size_t batch, double seconds, bool full) {
  // The server's own repository functions, so the probe writes what the server writes;
  // store::Statement takes each statement from the connection's cache: prepared once, as
  // in the server's writer.
  std::mt19937_64 rng(42);
  const std::string payload(96, 'e');  // about the size of a CheckInRecorded event
  const std::string hash(32, 'h');
  std::size_t rows = 0;
  const auto start = Clock::now();
  const auto until = start + std::chrono::duration<double>(seconds);
  while (Clock::now() < until) {
    store::Transaction tx(conn);
    for (std::size_t i = 0; i < batch; ++i) {
      const auto p = rng() % f.patrols.size();
      const auto& volunteer = f.volunteers[2 * p + (rng() & 1)];
      const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
      const auto id = core::new_ordered_id("chk", now);
      store::insert_check_in(conn, {id, f.patrols[p], volunteer, now, now, "u3buw1", f.area, 1});
      if (full) {
        store::insert_client_write(conn, volunteer, core::new_id("cid"), "check_in", hash, id, now);
        store::insert_event(conn, now, store::AudienceKind::team, f.team, "", payload);
        store::count_check_in(conn, now, f.area, f.team, false);
        store::record_patrol_check_in(conn, f.patrols[p], now, "u3buw1", 1, 60000);
      }
    }
    tx.commit();
    rows += batch;
  }
  const std::chrono::duration<double> took = Clock::now() - start;
  return static_cast<double>(rows) / took.count();
}

struct FsyncStats {
  double p50_ms;
  double p99_ms;
};

FsyncStats fdatasync_loop(const std::string& folder, int rounds) {
  const auto path = folder + "/fdatasync.probe";
  const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create " + path);
  std::vector<char> page(4096, 'x');
  std::vector<double> ms;
  for (int i = 0; i < rounds; ++i) {
    if (::pwrite(fd, page.data(), page.size(), static_cast<off_t>((i % 64) * 4096)) < 0) break;
    const auto t0 = Clock::now();
    ::fdatasync(fd);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  ::close(fd);
  ::unlink(path.c_str());
  std::sort(ms.begin(), ms.end());
  if (ms.empty()) throw std::runtime_error("fdatasync loop could not write");
  return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 99 / 100)]};
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  std::string json;
  std::size_t batch = 100;
  double seconds = 5;
  int fsyncs = 2000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const std::string v = argv[i + 1];
    try {
      if (k == "--dir") dir = v;
      else if (k == "--json") json = v;
      else if (k == "--batch") batch = std::max<std::size_t>(1, std::stoul(v));
      else if (k == "--seconds") seconds = std::stod(v);
      else if (k == "--fsyncs") fsyncs = std::max(10, std::stoi(v));
      else throw std::invalid_argument(k);
    } catch (const std::exception&) {
      std::cerr << "gadehold-sqlite-probe: bad option " << k << ' ' << v << '\n';
      return 2;
    }
  }
  if (dir.empty()) {
    std::cerr << "usage: gadehold-sqlite-probe --dir FOLDER [--batch N] [--seconds S] [--fsyncs N] [--json FILE]\n";
    return 2;
  }
  core::setup_logging("warn");
  try {
    const auto path = dir + "/probe.db";
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-wal");
    std::filesystem::remove(path + "-shm");
    store::create_database(path, 5000);
    auto conn = store::open_existing(path, 5000);
    const auto fixture = populate(conn, 500);
    const double rows = run_inserts(conn, fixture, batch, seconds, false);
    const double full = run_inserts(conn, fixture, batch, seconds, true);
    const auto fs = fdatasync_loop(dir, fsyncs);
    std::cout << "sqlite probe (batch " << batch << ", synchronous=FULL, WAL): check_ins rows " << rows
              << "/s; whole check-in writes " << full << "/s; fdatasync p50 " << fs.p50_ms << " ms, p99 " << fs.p99_ms
              << " ms\n";
    if (!json.empty()) {
      std::ofstream out(json);
      out << "{\n  \"batch\": " << batch << ",\n  \"rows_per_s\": " << rows << ",\n  \"checkin_writes_per_s\": " << full
          << ",\n  \"fsync_p50_ms\": " << fs.p50_ms << ",\n  \"fsync_p99_ms\": " << fs.p99_ms << "\n}\n";
    }
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-wal");
    std::filesystem::remove(path + "-shm");
  } catch (const std::exception& e) {
    std::cerr << "gadehold-sqlite-probe: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
