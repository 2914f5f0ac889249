#pragma once
// A fixed pool of reader threads, each with a read-only connection of its own; WAL lets
// them read while the writer commits. Reads are queued and run on a reader thread, so
// that whoever asks for one never waits: a network thread posts its read here, and the
// read's own completion posts the result back to the session's strand.
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "server/store/sqlite/connection.hpp"

namespace gadehold::store {

class ReaderPool {
 public:
  // Runs on a reader thread with that thread's connection. It handles its own errors;
  // anything it lets escape is logged and dropped.
  using Read = std::function<void(Connection&)>;

  ReaderPool(const std::string& path, unsigned size, int busy_timeout_ms);
  ~ReaderPool();
  ReaderPool(const ReaderPool&) = delete;
  ReaderPool& operator=(const ReaderPool&) = delete;

  // Queues `read` and returns at once. Throws SqliteError (SQLITE_MISUSE) after stop().
  void submit(Read read);

  // Runs `read` on a reader thread and waits for its result, or rethrows what it threw.
  // For the command line, tests and other threads that may wait; never from a network
  // thread.
  template <class F>
  auto run(F&& read) -> std::invoke_result_t<F&, Connection&>;

  // Runs the reads already queued and joins the threads. Idempotent.
  void stop();

  // Reads queued and not yet started, for tests and diagnosis.
  std::size_t queued() const;

 private:
  void serve(Connection& conn);

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Read> queue_;  // oldest first
  bool stopping_ = false;
  std::vector<std::thread> threads_;
  std::once_flag joined_;
};

template <class F>
auto ReaderPool::run(F&& read) -> std::invoke_result_t<F&, Connection&> {
  using T = std::invoke_result_t<F&, Connection&>;
  std::promise<T> result;
  auto future = result.get_future();
  submit([&read, &result](Connection& conn) {
    try {
      if constexpr (std::is_void_v<T>) {
        read(conn);
        result.set_value();
      } else {
        result.set_value(read(conn));
      }
    } catch (...) {
      result.set_exception(std::current_exception());
    }
  });
  return future.get();
}

}  // namespace gadehold::store
