#include "server/store/engine/writer.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <chrono>

#include "server/core/metrics.hpp"
#include "server/core/thread_name.hpp"
#include "server/store/sqlite/transaction.hpp"

namespace gadehold::store {

namespace {
const core::Status kStorageUnavailable{core::Reason::STORAGE_UNAVAILABLE,
                                       "storage is unavailable; the write was not saved"};
const core::Status kShuttingDown{core::Reason::SHUTTING_DOWN,
                                 "server is shutting down; the write was not saved"};
}  // namespace

Writer::Writer(Connection conn, std::unique_ptr<Checkpointer> checkpointer)
    : conn_(std::move(conn)), checkpointer_(std::move(checkpointer)) {
  if (checkpointer_) {
    // Replaces SQLite's automatic checkpoint on commit.
    sqlite3_wal_hook(conn_.handle(), &Writer::on_wal_commit, this);
  }
  thread_ = std::thread([this] { run(); });
  core::name_thread(thread_, "gadehold-writer");
}

int Writer::on_wal_commit(void* self, sqlite3*, const char*, int frames) {
  static_cast<Writer*>(self)->wal_frames_.store(frames);
  core::metrics().wal_frames.set(frames);
  return SQLITE_OK;
}

Writer::~Writer() { stop(); }

void Writer::submit(Apply apply, Done done) {
  const auto queued = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(Job{std::move(apply), std::move(done), queued});
      wake_.notify_one();
      return;
    }
  }
  done(kShuttingDown);
}

void Writer::set_before_commit_hook(std::function<void()> hook) {
  std::lock_guard lock(mutex_);
  before_commit_ = std::move(hook);
}

void Writer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_.notify_one();
  }
  std::call_once(joined_, [this] { thread_.join(); });
}

void Writer::run() {
  std::vector<Job> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) break;  // stopping, and everything is written
      batch.swap(queue_);
    }
    process(batch);
    batch.clear();
    if (checkpointer_) checkpointer_->after_commit(conn_, wal_frames_.load());
  }
  if (checkpointer_) checkpointer_->stop();
  try {
    conn_.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } catch (const SqliteError& e) {
    spdlog::warn("final checkpoint failed: {}", e.what());
  }
}

core::Status Writer::apply_one(Job& job) {
  Savepoint write(conn_, "write");
  try {
    job.apply(conn_);
    write.release();
    return core::Status::success();
  } catch (const core::Refusal& refusal) {
    write.rollback();
    return refusal.status();
  } catch (const SqliteError& e) {
    if (e.is_storage_failure()) throw;  // fails the batch; its transaction rolls back
    write.rollback();
    spdlog::error("write failed: {}", e.what());
    return {core::Reason::SERVER_ERROR, "the write could not be saved"};
  } catch (const std::exception& e) {
    write.rollback();
    spdlog::error("write failed: {}", e.what());
    return {core::Reason::SERVER_ERROR, "the write could not be saved"};
  }
}

void Writer::process(std::vector<Job>& batch) {
  const auto started = std::chrono::steady_clock::now();
  auto& m = core::metrics();
  for (const auto& job : batch) {
    m.write_wait_seconds.observe(std::chrono::duration<double>(started - job.queued).count());
  }
  std::vector<core::Status> results;
  results.reserve(batch.size());
  bool committed = false;
  std::function<void()> hook;
  {
    std::lock_guard lock(mutex_);
    hook = before_commit_;
  }
  try {
    Transaction tx(conn_);
    for (auto& job : batch) results.push_back(apply_one(job));
    if (hook) hook();
    tx.commit();
    committed = true;
  } catch (const std::exception& e) {
    // The transaction's destructor rolled back: nothing of this batch is stored.
    spdlog::error("write batch of {} failed: {}", batch.size(), e.what());
  }
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
  if (committed) {
    transactions_.fetch_add(1);
    writes_.fetch_add(batch.size());
    m.commits_total.inc();
    m.commit_seconds.observe(elapsed.count());
    m.write_batch_size.observe(static_cast<double>(batch.size()));
  } else {
    m.commit_failures_total.inc();
  }
  failing_.store(!committed);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    // A write that was refused was rolled back to its savepoint: its refusal stands
    // whether or not the rest of the batch committed.
    const bool refused = i < results.size() && !results[i].ok();
    try {
      batch[i].done(committed || refused ? results[i] : kStorageUnavailable);
    } catch (const std::exception& e) {
      spdlog::error("write completion threw: {}", e.what());
    }
  }
}

}  // namespace gadehold::store
