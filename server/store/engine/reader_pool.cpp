#include "server/store/engine/reader_pool.hpp"

#include <spdlog/spdlog.h>

#include "server/core/metrics.hpp"
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
  try {
    for (auto& conn : conns) {
      threads_.emplace_back([this, conn = std::move(conn)]() mutable { serve(conn); });
      core::name_thread(threads_.back(), "gadehold-read");
    }
  } catch (...) {
    stop();  // the threads already started must not outlive the pool
    throw;
  }
}

ReaderPool::~ReaderPool() { stop(); }

bool ReaderPool::submit(Read read, Priority priority) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    (priority == Priority::server ? server_queue_ : client_queue_).push_back(std::move(read));
  }
  core::metrics().reads_queued.add(1);
  wake_.notify_one();
  return true;
}

void ReaderPool::stop() {
  std::deque<Read> dropped;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    dropped.swap(client_queue_);
    for (auto& read : server_queue_) dropped.push_back(std::move(read));
    server_queue_.clear();
  }
  core::metrics().reads_queued.add(-static_cast<std::int64_t>(dropped.size()));
  if (!dropped.empty()) spdlog::info("shutdown: {} queued reads dropped", dropped.size());
  dropped.clear();  // their captures (requests, sessions) go now, outside the lock
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
      wake_.wait(lock, [this] { return !server_queue_.empty() || !client_queue_.empty() || stopping_; });
      auto& queue = server_queue_.empty() ? client_queue_ : server_queue_;
      if (queue.empty()) return;  // stopping
      read = std::move(queue.front());
      queue.pop_front();
    }
    core::metrics().reads_queued.add(-1);
    try {
      read(conn);
    } catch (const std::exception& e) {
      spdlog::error("a read failed outside its request: {}", e.what());
    } catch (...) {
      spdlog::error("a read failed outside its request");
    }
  }
}

}  // namespace gadehold::store
