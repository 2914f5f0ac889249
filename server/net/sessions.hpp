#pragma once
// Entry points from the listener into the (templated) session code.
#include "server/net/beast.hpp"
#include "server/net/shared_state.hpp"

namespace gadehold::net {

void start_plain_session(tcp::socket socket, SharedState& shared);
void start_tls_session(tcp::socket socket, ssl::context& tls, SharedState& shared);
// A plain HTTP connection to the metrics listener.
void start_metrics_session(tcp::socket socket, SharedState& shared);

}  // namespace gadehold::net
