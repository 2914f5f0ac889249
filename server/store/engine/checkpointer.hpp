#pragma once
// Checkpoints the WAL on a thread and connection of its own, so that the writer's
// commits do not wait while pages are copied back into the database file
// (docs/performance.md, "Checkpoints").
//
// SQLite starts the WAL over from its beginning only when every frame in it has been
// copied back at the moment the writer begins a transaction. A checkpoint on another
// connection never quite catches up with a writer that commits every few milliseconds,
// so the work is split in two:
//   1. this thread copies the bulk of the WAL (PASSIVE checkpoints: they never block
//      the writer or the readers);
//   2. the writer then copies, between two batches, only the frames committed in the
//      meantime (`after_commit`), so its next transaction starts the WAL over.
// SQLite flushes the database file only at the end of a pass that copied the whole WAL.
// A background pass that the writer's commits overtook records its progress without
// that flush, so under a steady load the writer's copy in step 2 is usually the one
// that flushes everything the background passes copied. `start_frames` therefore also
// bounds how much that flush has to write (docs/performance.md, "Checkpoints").
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "server/store/sqlite/connection.hpp"

namespace gadehold::store {

class Checkpointer {
 public:
  // `start_frames`: the WAL size, in frames (pages), at which a checkpoint starts.
  Checkpointer(const std::string& path, int busy_timeout_ms, unsigned start_frames);
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Called on the writer thread after each commit, outside any transaction, with the
  // WAL's size in frames after that commit. Finishes a checkpoint that this thread has
  // done the bulk of, or starts one when the WAL has reached `start_frames`.
  void after_commit(Connection& writer, int wal_frames);
  // Waits for a checkpoint in progress and joins the thread. Idempotent.
  void stop();

  std::uint64_t background_passes() const { return background_passes_.load(); }
  // Finishing copies by the writer that left the whole WAL copied back.
  std::uint64_t finished() const { return finished_.load(); }

 private:
  enum class State { idle, running, done };
  void run();
  void checkpoint_in_background();

  Connection conn_;
  const unsigned start_frames_;
  int frames_at_request_ = 0;  // the WAL's size when the last pass was asked for (writer thread)
  std::atomic<State> state_{State::idle};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool requested_ = false;
  bool stopping_ = false;
  std::atomic<std::uint64_t> background_passes_{0};
  std::atomic<std::uint64_t> finished_{0};
  std::thread thread_;
  std::once_flag joined_;
};

}  // namespace gadehold::store
