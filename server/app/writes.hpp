#pragma once
// The checks every client write shares: its client_id, its time, and the hash of its
// content that makes a replay recognisable.
#include <google/protobuf/message.h>

#include <cstdint>
#include <string>

namespace gadehold::app {

// INVALID_ARGUMENT on "client_id" unless it is a UUID string (8-4-4-4-12 hex digits).
void check_client_id(const std::string& client_id);

// INVALID_ARGUMENT on `field` for a client timestamp more than 24 h ahead of `now_ms`
// or more than 30 days behind it.
void check_client_time(std::int64_t at_ms, std::int64_t now_ms, const char* field);

// A requested span [from_ms, to_ms): each a time since 1970 before 2200 (TIME_INVALID on
// the field at fault), to_ms after from_ms (TIME_RANGE_REVERSED), and at most `max_days`
// long (TIME_RANGE_TOO_LONG).
void check_time_range(std::int64_t from_ms, std::int64_t to_ms, std::int64_t max_days);

// SHA-256 of the message's deterministic serialization followed by `extra`. Callers pass
// the request as it will be stored (scrubbed text, no raw position, the cell in
// `extra`), so the stored hash reveals nothing the stored rows do not.
std::string content_hash(const google::protobuf::Message& body, const std::string& extra = {});

}  // namespace gadehold::app
