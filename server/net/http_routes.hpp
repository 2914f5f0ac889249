#pragma once
// The plain HTTP endpoints: those of the WebSocket port, and those of the metrics listener.
#include <functional>

#include "server/net/beast.hpp"
#include "server/net/http_headers.hpp"
#include "server/net/shared_state.hpp"

namespace gadehold::net {

inline constexpr std::string_view kWebSocketPath = "/v1/ws";

// The path of a request target without its query string.
std::string_view target_path(std::string_view target);

using Response = http::response<http::string_body>;
// Called exactly once with the response: at once, or from a reader thread for the answers
// that read the database (/healthz, the calendar feeds). The session posts it back to
// its own strand.
using Reply = std::function<void(Response)>;

// On the app port: GET /healthz (status and schema version only), the calendar feeds, the
// dashboard, and 404 for anything else, /metrics included. On the metrics listener:
// GET /metrics and the full /healthz (version, revision, database, writes, connections),
// and 404 for anything else.
void route(const http::request<http::empty_body>& request, SharedState& shared, Reply reply,
           Surface surface = Surface::app);

// A response for a request that could not be parsed; the connection closes after it.
http::response<http::string_body> bad_request(unsigned version, http::status status);

}  // namespace gadehold::net
