#pragma once
// Which address a connection comes from, for the per-address limits: the TCP peer, or
// behind a trusted proxy the client that proxy names in X-Forwarded-For.
#include <string>

#include "server/core/address_ranges.hpp"
#include "server/net/beast.hpp"

namespace gadehold::net {

// The peer itself unless `behind_proxy` and the peer is one of `trusted` (only a trusted
// proxy's header is believed: anyone else could write any address into it). Then the
// X-Forwarded-For entries (every such header, in order) are read from the right, past
// each address that is itself a trusted proxy; the first one that is not is the client.
// If all of them are trusted, the leftmost is; an entry that is not an address ends the
// walk at the last address reached (the peer, if it is the rightmost).
std::string client_address(const http::request<http::empty_body>& request, const std::string& peer,
                           bool behind_proxy, const core::AddressRanges& trusted);

}  // namespace gadehold::net
