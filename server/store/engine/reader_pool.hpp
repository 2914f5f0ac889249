#pragma once
// A fixed pool of reader threads, each with a read-only connection of its own; WAL lets
// them read while the writer commits. Reads are queued and run on a reader thread, so
// that whoever asks for one never waits: a network thread posts its read here, and the
// read's own completion posts the result back to the session's strand.
//
// Two queues: the server's own reads (the safety watchdog, health checks, revocation
// polls, session starts) go before every client read that is still waiting, so a
// backlog of clients' statistics delays them by at most the reads already running.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server/store/sqlite/connection.hpp"

namespace gadehold::store {

class ReaderPool {
 public:
  // Runs on a reader thread with that thread's connection. It handles its own errors;
  // anything it lets escape is logged and dropped.
  using Read = std::function<void(Connection&)>;
  enum class Priority { client, server };

  ReaderPool(const std::string& path, unsigned size, int busy_timeout_ms);
  ~ReaderPool();
  ReaderPool(const ReaderPool&) = delete;
  ReaderPool& operator=(const ReaderPool&) = delete;

  // Queues `read` and returns at once: true, or false after stop(), when `read` will
  // never run (the caller answers for it).
  [[nodiscard]] bool submit(Read read, Priority priority = Priority::client);

  // Lets the reads that are running finish, drops the ones still queued, and joins the
  // threads. Idempotent. At shutdown nobody waits for those answers (the connections
  // are closing) and a read changes nothing, so a backlog of statistics cannot hold the
  // server's exit back.
  void stop();

 private:
  void serve(Connection& conn);

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Read> server_queue_;  // oldest first; taken before client_queue_
  std::deque<Read> client_queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
  std::once_flag joined_;
};

}  // namespace gadehold::store
