#include "server/net/http_routes.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <optional>

#include "server/app/health.hpp"
#include "server/app/shifts/shifts.hpp"
#include "server/core/metrics.hpp"
#include "server/core/version.hpp"
#include "server/net/web_assets.hpp"

namespace gadehold::net {

namespace {

Response respond(const http::request<http::empty_body>& request, http::status status,
                 std::string_view content_type, std::string body) {
  Response res{status, request.version()};
  res.set(http::field::server, "gadehold");
  res.set(http::field::content_type, content_type);
  res.set(http::field::cache_control, "no-store");
  set_security_headers(res);
  res.keep_alive(request.keep_alive());
  if (request.method() == http::verb::head) {
    res.content_length(body.size());  // what a GET would send, without the body
  } else {
    res.body() = std::move(body);
    res.prepare_payload();
  }
  return res;
}

// The public answer (app port) says only whether the server serves and its schema
// version: enough for a load balancer and for a client checking compatibility. The
// full answer, on the metrics listener, adds the build, the database and write state
// and the live connection count.
void healthz(const http::request<http::empty_body>& request, SharedState& shared, Reply reply,
             Surface surface) {
  const bool full = surface == Surface::metrics;
  boost::json::object body;
  if (full) {
    body["version"] = core::version();
    body["revision"] = core::git_revision();
  }
  const auto lifecycle = shared.lifecycle.load();
  if (lifecycle != Lifecycle::serving) {
    body["status"] = lifecycle == Lifecycle::starting ? "starting" : "draining";
    return reply(respond(request, http::status::service_unavailable, "application/json",
                         boost::json::serialize(body)));
  }
  app::check_health(shared.dispatcher.services(), [request, full, body = std::move(body),
                                                   reply = std::move(reply)](app::Health health) mutable {
    const bool ok = health.database_ok && health.writes_ok;
    body["status"] = ok ? "ok" : "unavailable";
    if (full) {
      body["database"] = health.database_ok ? "ok" : "error";
      // "failing" while the disk is full or the file read-only: every write gets UNAVAILABLE.
      body["writes"] = health.writes_ok ? "ok" : "failing";
    }
    body["schema_version"] = health.schema_version;
    if (full) body["connections"] = core::metrics().open_connections.value();
    reply(respond(request, ok ? http::status::ok : http::status::service_unavailable, "application/json",
                  boost::json::serialize(body)));
  });
}

constexpr std::string_view kCalendarPrefix = "/v1/calendar/";
constexpr std::string_view kCalendarSuffix = ".ics";

bool is_feed_token(std::string_view token) {
  if (token.size() < 16 || token.size() > 128) return false;
  return std::all_of(token.begin(), token.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

Response feed_response(const http::request<http::empty_body>& request, app::shifts::CalendarAnswer answer) {
  if (answer.unavailable) {
    auto res = respond(request, http::status::service_unavailable, "text/plain", "try again later\n");
    res.set(http::field::retry_after, "60");
    return res;
  }
  if (!answer.document) return respond(request, http::status::not_found, "text/plain", "not found\n");
  auto& doc = *answer.document;
  auto match = request.find(http::field::if_none_match);
  const bool fresh = match != request.end() && etag_matches(match->value(), doc.etag);
  auto res = respond(request, fresh ? http::status::not_modified : http::status::ok,
                     "text/calendar; charset=utf-8", fresh ? std::string() : std::move(doc.body));
  res.set(http::field::etag, doc.etag);
  res.set(http::field::cache_control, "private, no-cache");
  if (fresh) {
    // A 304 has no body and describes the 200 it stands for: no length of its own.
    res.erase(http::field::content_type);
    res.content_length(boost::none);
  }
  return res;
}

// GET /v1/calendar/<secret>.ics. The path is a secret: it is never logged.
void calendar(const http::request<http::empty_body>& request, SharedState& shared, std::string_view token,
              Reply reply) {
  if (!is_feed_token(token))
    return reply(respond(request, http::status::not_found, "text/plain", "not found\n"));
  app::shifts::find_calendar(shared.dispatcher.services(), std::string(token),
                             [request, reply = std::move(reply)](app::shifts::CalendarAnswer answer) {
                               reply(feed_response(request, std::move(answer)));
                             });
}

}  // namespace

std::string_view target_path(std::string_view target) { return target.substr(0, target.find('?')); }

void route(const http::request<http::empty_body>& request, SharedState& shared, Reply reply,
           Surface surface) {
  if (request.method() != http::verb::get && request.method() != http::verb::head) {
    auto res = respond(request, http::status::method_not_allowed, "text/plain", "method not allowed\n");
    res.set(http::field::allow, "GET, HEAD");
    return reply(std::move(res));
  }
  const auto path = target_path(request.target());
  if (path == "/healthz") return healthz(request, shared, std::move(reply), surface);
  if (surface == Surface::metrics) {
    // Live SOS counts and their age, connection counts, the build: for the operator's
    // own scraper only, never on the port the public reaches.
    if (path == "/metrics") {
      return reply(respond(request, http::status::ok, "text/plain; version=0.0.4; charset=utf-8",
                           core::metrics().render_prometheus()));
    }
    return reply(respond(request, http::status::not_found, "text/plain", "not found\n"));
  }
  if (path.substr(0, kCalendarPrefix.size()) == kCalendarPrefix &&
      path.size() > kCalendarPrefix.size() + kCalendarSuffix.size() &&
      path.substr(path.size() - kCalendarSuffix.size()) == kCalendarSuffix) {
    return calendar(
        request, shared,
        path.substr(kCalendarPrefix.size(), path.size() - kCalendarPrefix.size() - kCalendarSuffix.size()),
        std::move(reply));
  }
  if (path == kWebSocketPath) {
    return reply(respond(request, http::status::upgrade_required, "text/plain",
                         "this endpoint speaks WebSocket only\n"));
  }
  if (auto page = web_asset(request, path)) return reply(std::move(*page));
  reply(respond(request, http::status::not_found, "text/plain", "not found\n"));
}

http::response<http::string_body> bad_request(unsigned version, http::status status) {
  http::response<http::string_body> res{status, version};
  res.set(http::field::server, "gadehold");
  res.set(http::field::content_type, "text/plain");
  res.set(http::field::connection, "close");
  set_security_headers(res);
  res.body() = std::string(http::obsolete_reason(status)) + "\n";
  res.keep_alive(false);
  res.prepare_payload();
  return res;
}

}  // namespace gadehold::net
