#pragma once
// A fixed pool of read-only connections. WAL lets them read while the writer commits.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "server/store/sqlite/connection.hpp"

namespace gadehold::store {

class ReaderPool {
 public:
  ReaderPool(const std::string& path, unsigned size, int busy_timeout_ms);

  // A connection on loan; returned to the pool when the lease is destroyed.
  class Lease {
   public:
    Lease(ReaderPool& pool, std::unique_ptr<Connection> conn)
        : pool_(&pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& operator*() const { return *conn_; }
    Connection* operator->() const { return conn_.get(); }

   private:
    ReaderPool* pool_;
    std::unique_ptr<Connection> conn_;
  };

  // Blocks until a connection is free.
  Lease acquire();

 private:
  void give_back(std::unique_ptr<Connection> conn);

  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace gadehold::store
