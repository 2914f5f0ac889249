#pragma once
// A read-only connection of the test's own to a database file: what any reader of the
// server's sees under WAL, without taking one of the server's readers.
#include <memory>
#include <string>

#include "server/store/sqlite/connection.hpp"

namespace gadehold::test {

inline std::unique_ptr<store::Connection> open_reader(const std::string& path) {
  return std::make_unique<store::Connection>(path, store::Connection::Mode::read_only, 5000);
}

}  // namespace gadehold::test
