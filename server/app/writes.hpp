#pragma once
// Client writes: validation shared by every write request, and idempotency by
// (volunteer, client_id).
#include <optional>
#include <string>
#include <vector>

#include <google/protobuf/message.h>

#include "server/app/events.hpp"
#include "server/store/sqlite/connection.hpp"

namespace gadehold::app {

// What one committed write produced.
struct WriteResult {
  std::string id;
  bool duplicate = false;
  std::vector<PendingEvent> events;
  std::optional<v1::ScrubReport> scrub_report;
};

struct Request;

// Replies Ack{id, duplicate, scrub_report} for a committed write.
void reply_ack(Request& request, const WriteResult& result);

// INVALID_ARGUMENT on "client_id" unless it is a UUID string (8-4-4-4-12 hex digits).
void check_client_id(const std::string& client_id);

// INVALID_ARGUMENT on `field` for a client timestamp more than 24 h ahead of `now_ms`
// or more than 30 days behind it.
void check_client_time(std::int64_t at_ms, std::int64_t now_ms, const char* field);

// SHA-256 of the message's deterministic serialization followed by `extra`. Callers pass
// the request as it will be stored (scrubbed text, no raw position, the cell in
// `extra`), so the stored hash reveals nothing the stored rows do not.
std::string content_hash(const google::protobuf::Message& body, const std::string& extra = {});

// Looks the key up inside the writer's transaction: the original object id when the
// same content was written before, CONFLICT when other content was, nullopt when new.
std::optional<std::string> replayed_write(store::Connection& conn, const std::string& volunteer_id,
                                          const std::string& client_id, const std::string& hash);

void remember_write(store::Connection& conn, const std::string& volunteer_id, const std::string& client_id,
                    const std::string& kind, const std::string& hash, const std::string& object_id,
                    std::int64_t now_ms);

}  // namespace gadehold::app
