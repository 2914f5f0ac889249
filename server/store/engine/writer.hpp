#pragma once
// The single writer thread. It drains every queued write into one transaction (group
// commit), commits with synchronous=FULL, then completes each write's callback. A
// callback therefore only ever reports a write that survives power loss.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "server/core/status.hpp"
#include "server/store/engine/checkpointer.hpp"
#include "server/store/sqlite/connection.hpp"

namespace gadehold::store {

class Writer {
 public:
  // Runs inside the batch transaction under its own savepoint. Throw core::Refusal to
  // refuse this write alone; a storage failure fails the whole batch.
  using Apply = std::function<void(Connection&)>;
  // Called on the writer thread after the commit (or failure) with the write's own
  // refusal, or UNAVAILABLE when the batch could not be committed. Must not block.
  using Done = std::function<void(const core::Status&)>;

  // With a checkpointer, checkpoints run on its thread (the writer only finishes them
  // between batches); without one, SQLite checkpoints inside the commit that crosses
  // the connection's wal_autocheckpoint.
  explicit Writer(Connection conn, std::unique_ptr<Checkpointer> checkpointer = nullptr);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void submit(Apply apply, Done done);
  // Finishes every queued write, checkpoints the WAL and joins the thread. Writes
  // submitted afterwards fail with UNAVAILABLE.
  void stop();

  std::uint64_t transactions() const { return transactions_.load(); }
  std::uint64_t writes() const { return writes_.load(); }
  // True from a batch that could not be committed (disk full, read-only file, I/O
  // error) until the next batch that commits.
  bool failing() const { return failing_.load(); }
  // The WAL's size in frames after the last commit (0 until then, or without a
  // checkpointer).
  int wal_frames() const { return wal_frames_.load(); }
  // Null when SQLite checkpoints inside the commit.
  const Checkpointer* checkpointer() const { return checkpointer_.get(); }
  // Test hook: runs on the writer thread just before each COMMIT.
  void set_before_commit_hook(std::function<void()> hook);

 private:
  struct Job {
    Apply apply;
    Done done;
    std::chrono::steady_clock::time_point queued;
  };
  void run();
  void process(std::vector<Job>& batch);
  static int on_wal_commit(void* self, sqlite3* db, const char* name, int frames);
  core::Status apply_one(Job& job);

  Connection conn_;
  std::unique_ptr<Checkpointer> checkpointer_;
  std::atomic<int> wal_frames_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Job> queue_;
  bool stopping_ = false;
  std::function<void()> before_commit_;
  std::atomic<std::uint64_t> transactions_{0};
  std::atomic<std::uint64_t> writes_{0};
  std::atomic<bool> failing_{false};
  std::thread thread_;
  std::once_flag joined_;
};

}  // namespace gadehold::store
