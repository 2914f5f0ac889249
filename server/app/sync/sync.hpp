#pragma once
// Sync: the event log from a seq on, as the caller may see it, so a phone that was
// offline catches up on what it missed.
#include "server/app/request.hpp"
#include "server/app/services.hpp"

namespace gadehold::app::sync {

// `reader` is the connection the request was authorised on; one snapshot on it gives
// the page and its bounds.
void sync(const Services& services, RequestPtr request, store::Connection& reader);

}  // namespace gadehold::app::sync
