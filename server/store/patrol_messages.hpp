#pragma once
// Messages from a patrol's leads to the patrol ("come back to base"), scrubbed before they
// get here, and deleted with the note texts' retention.
#include <cstdint>
#include <string>

#include "server/store/sqlite/connection.hpp"

namespace gadehold::store {

struct PatrolMessageRow {
  std::string id;
  std::string patrol_id;
  std::string team_id;
  std::string from_volunteer_id;
  std::int64_t sent_at_ms = 0;
  std::string text;  // scrubbed
};

void insert_patrol_message(Connection& conn, const PatrolMessageRow& m);

// Deletes at most `batch` messages sent before `before_ms`, oldest first; returns how many.
std::int64_t delete_patrol_messages_before(Connection& conn, std::int64_t before_ms, std::int64_t batch);

}  // namespace gadehold::store
