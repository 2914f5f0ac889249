#pragma once
// What the app layer knows about one connection. Owned by the network session and
// only changed there, from the Outcome of each request.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gadehold/v1/envelope.pb.h"

namespace gadehold::app {

// The authenticated caller. Always taken from the session, never from a request field.
struct Principal {
  std::string volunteer_id;
  std::string device_id;
  std::string handle;
  v1::Role role = v1::ROLE_UNSPECIFIED;
  std::vector<std::string> team_ids;
  std::vector<std::string> lead_team_ids;  // the teams this caller leads

  bool is_coordinator() const { return role == v1::ROLE_COORDINATOR; }
  bool leads(const std::string& team_id) const;
  bool member_of(const std::string& team_id) const;
};

struct SessionState {
  std::uint64_t connection_id = 0;
  std::optional<Principal> principal;
  unsigned failed_auth_attempts = 0;
  std::string client_address;  // the peer, or X-Forwarded-For behind a trusted proxy
};

// A WebSocket close the session must perform after sending the reply.
struct CloseRequest {
  std::uint16_t code;
  std::string reason;
};

// The result of one request: exactly one reply, plus session changes.
struct Outcome {
  v1::ServerMessage reply;
  std::optional<Principal> authenticated;
  bool failed_auth = false;
  std::optional<CloseRequest> close;
  // Sent right after the reply, on this connection only (open alerts after a Hello).
  std::vector<v1::ServerMessage> followups;
};

}  // namespace gadehold::app
