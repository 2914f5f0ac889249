#pragma once
// What each client write produced, by (volunteer, client_id): a replay of the same
// write gets the same answer.
#include <cstdint>
#include <optional>
#include <string>

#include "server/store/sqlite/connection.hpp"

namespace gadehold::store {

struct ClientWrite {
  std::string content_hash;
  std::string object_id;
};

std::optional<ClientWrite> find_client_write(Connection& conn, const std::string& volunteer_id,
                                             const std::string& client_id);

void insert_client_write(Connection& conn, const std::string& volunteer_id, const std::string& client_id,
                         const std::string& kind, const std::string& content_hash,
                         const std::string& object_id, std::int64_t now_ms);

}  // namespace gadehold::store
