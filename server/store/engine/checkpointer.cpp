#include "server/store/engine/checkpointer.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <chrono>

#include "server/core/metrics.hpp"
#include "server/core/thread_name.hpp"
#include "server/store/engine/pragmas.hpp"

namespace gadehold::store {

namespace {
// A background checkpoint stops passing over the WAL after a pass that copied no more
// than this many frames, or after kMaxPasses passes.
constexpr int kFinishFrames = 64;
constexpr int kMaxPasses = 8;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct Pass {
  bool ran = false;  // false: another checkpoint was running, or it failed
  int log = 0;       // frames in the WAL
  int copied = 0;    // of which copied back into the database file
  bool complete() const { return ran && copied == log; }
};

// One PASSIVE checkpoint: it copies what it can without waiting for the writer or a
// reader. SQLITE_BUSY means another checkpoint holds the lock (the other connection's,
// or Litestream's) and is not an error; anything else is logged.
Pass passive_checkpoint(Connection& conn, const char* what) {
  Pass pass;
  const int rc =
      sqlite3_wal_checkpoint_v2(conn.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &pass.log, &pass.copied);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) spdlog::warn("{} failed: {}", what, sqlite3_errstr(rc));
  pass.ran = rc == SQLITE_OK;
  return pass;
}

Connection open_checkpoint_connection(const std::string& path, int busy_timeout_ms) {
  Connection conn(path, Connection::Mode::read_write, busy_timeout_ms);
  // synchronous=FULL makes a checkpoint flush the WAL before it copies, and the database
  // file after a copy of the whole WAL. This connection itself never writes, so it never
  // checkpoints on its own.
  configure_for_writing(conn);
  conn.exec("PRAGMA wal_autocheckpoint = 0");
  grow_in_chunks(conn);
  return conn;
}
}  // namespace

Checkpointer::Checkpointer(const std::string& path, int busy_timeout_ms, unsigned start_frames)
    : conn_(open_checkpoint_connection(path, busy_timeout_ms)), start_frames_(start_frames) {
  thread_ = std::thread([this] { run(); });
  core::name_thread(thread_, "gadehold-ckpt");
}

Checkpointer::~Checkpointer() { stop(); }

void Checkpointer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_.notify_one();
  }
  std::call_once(joined_, [this] { thread_.join(); });
}

void Checkpointer::after_commit(Connection& writer, int wal_frames) {
  if (wal_frames < frames_at_request_) frames_at_request_ = 0;  // the WAL started over
  auto expected = State::done;
  if (state_.compare_exchange_strong(expected, State::idle) &&
      wal_frames >= static_cast<int>(start_frames_)) {
    // Only the frames committed during the background pass are left. Copying them here,
    // where no write transaction is open, leaves the WAL fully copied, so the writer's
    // next transaction starts it over; it also flushes the database file, with what the
    // background passes copied (checkpointer.hpp). (Under a light load the pass catches
    // up by itself, the WAL has already started over, and this is skipped.) Letting the
    // WAL grow instead made every commit slower (docs/performance.md). If another
    // checkpoint is running (SQLITE_BUSY, Litestream's for one) or a reader's snapshot
    // still needs old frames, the WAL does not start over yet, and a later pass tries
    // again.
    const auto started = std::chrono::steady_clock::now();
    const auto pass = passive_checkpoint(writer, "checkpoint on the writer");
    core::metrics().checkpoint_finish_seconds.observe(seconds_since(started));
    if (pass.complete()) finished_.fetch_add(1);
    return;
  }
  expected = State::idle;
  if (wal_frames - frames_at_request_ >= static_cast<int>(start_frames_) &&
      state_.compare_exchange_strong(expected, State::running)) {
    frames_at_request_ = wal_frames;
    std::lock_guard lock(mutex_);
    requested_ = true;
    wake_.notify_one();
  }
}

void Checkpointer::run() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return requested_ || stopping_; });
      if (stopping_) return;
      requested_ = false;
    }
    checkpoint_in_background();
    state_.store(State::done);
  }
}

void Checkpointer::checkpoint_in_background() {
  const auto started = std::chrono::steady_clock::now();
  // Each pass copies the frames committed up to its start; the writer commits more
  // meanwhile. Passes get shorter until one has little to copy, which means that little
  // was committed during it: what is left for the writer is then small too.
  int copied_before = 0;
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    const auto result = passive_checkpoint(conn_, "background checkpoint");
    background_passes_.fetch_add(1);
    if (!result.ran) break;
    // A reader's snapshot can hold the copy back: passing again then copies nothing more.
    if (!result.complete() || result.copied - copied_before <= kFinishFrames) break;
    copied_before = result.copied;
  }
  core::metrics().checkpoint_seconds.observe(seconds_since(started));
}

}  // namespace gadehold::store
