#include "server/store/engine/reader_pool.hpp"

#include <sqlite3.h>

#include <spdlog/spdlog.h>

#include "server/core/thread_name.hpp"

namespace gadehold::store {

ReaderPool::ReaderPool(const std::string& path, unsigned size, int busy_timeout_ms) {
  // Opened here, so that a database that cannot be read fails the server's start.
  std::vector<Connection> conns;
  conns.reserve(size);
  for (unsigned i = 0; i < size; ++i) {
    conns.emplace_back(path, Connection::Mode::read_only, busy_timeout_ms);
    conns.back().exec("PRAGMA query_only = ON");
  }
  for (auto& conn : conns) {
    threads_.emplace_back([this, conn = std::move(conn)]() mutable { serve(conn); });
    core::name_thread(threads_.back(), "gadehold-read");
  }
}

ReaderPool::~ReaderPool() { stop(); }

void ReaderPool::submit(Read read) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) throw SqliteError(SQLITE_MISUSE, "the readers have stopped");
    queue_.push_back(std::move(read));
  }
  wake_.notify_one();
}

std::size_t ReaderPool::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void ReaderPool::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  std::call_once(joined_, [this] {
    for (auto& t : threads_) t.join();
  });
}

void ReaderPool::serve(Connection& conn) {
  for (;;) {
    Read read;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;  // stopping, and every read has run
      read = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      read(conn);
    } catch (const std::exception& e) {
      spdlog::error("a read failed outside its request: {}", e.what());
    }
  }
}

}  // namespace gadehold::store
