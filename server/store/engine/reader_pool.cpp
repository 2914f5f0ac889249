#include "server/store/engine/reader_pool.hpp"

namespace gadehold::store {

ReaderPool::ReaderPool(const std::string& path, unsigned size, int busy_timeout_ms) {
  for (unsigned i = 0; i < size; ++i) {
    auto conn = std::make_unique<Connection>(path, Connection::Mode::read_only, busy_timeout_ms);
    conn->exec("PRAGMA query_only = ON");
    idle_.push_back(std::move(conn));
  }
}

ReaderPool::Lease::~Lease() {
  if (conn_) pool_->give_back(std::move(conn_));
}

ReaderPool::Lease ReaderPool::acquire() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [this] { return !idle_.empty(); });
  auto conn = std::move(idle_.back());
  idle_.pop_back();
  return Lease(*this, std::move(conn));
}

void ReaderPool::give_back(std::unique_ptr<Connection> conn) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(conn));
  }
  available_.notify_one();
}

}  // namespace gadehold::store
