#pragma once
// Statistics: exact per-area counts by week or month for coordinators (every team) and
// leads (the teams they lead), and the partner export under disclosure control.
#include "server/app/request.hpp"
#include "server/app/services.hpp"

namespace gadehold::app::stats {

// Handlers: `reader` is the connection the request was authorised on; the figures come
// from one read snapshot on it.
void get_stats(const Services& services, RequestPtr request, store::Connection& reader);
void export_stats(const Services& services, RequestPtr request, store::Connection& reader);

}  // namespace gadehold::app::stats
