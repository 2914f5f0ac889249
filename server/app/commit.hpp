#pragma once
// "Commit, then reply": every write runs in the writer's next group commit, and its
// reply (and its events) go out only after that commit. One mechanism, commit_then;
// the others are built on it.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/app/events.hpp"
#include "server/app/policy.hpp"
#include "server/app/request.hpp"
#include "server/app/services.hpp"

namespace gadehold::app {

// Answers a write that did not commit: its refusal, or UNAVAILABLE when storage failed.
// UNAUTHENTICATED, which only authorize() gives a write, closes the connection.
void fail_write(Request& request, const core::Status& status);

// The request's write: on the writer thread, inside the batch transaction, the caller is
// authorised (authorize(): the identity as it is now and the route's policy, in the same
// transaction as the write), then `apply` gets that caller and fills a T;
// `on_commit` runs after the commit with that T and must reply. A refusal or a storage
// failure is replied with as an Error instead.
template <class T>
void commit_then(const Services& services, RequestPtr request,
                 std::function<T(store::Connection&, const Principal& caller)> apply,
                 std::function<void(Request&, T&)> on_commit) {
  auto result = std::make_shared<T>();
  services.db.writer().submit(
      [request, apply = std::move(apply), result](store::Connection& conn) {
        *result = apply(conn, authorize(conn, *request));
      },
      [request, result, on_commit = std::move(on_commit)](const core::Status& status) {
        if (!status.ok()) return fail_write(*request, status);
        on_commit(*request, *result);
      });
}

// What one committed write produced.
struct WriteResult {
  std::string id;
  bool duplicate = false;
  std::vector<PendingEvent> events;
  std::optional<v1::ScrubReport> scrub_report;
};
using ApplyWrite = std::function<WriteResult(store::Connection&, const Principal& caller)>;

// Pushes committed events to the live connections of their audiences, then hands them to
// the hub for the locked phones (Web Push).
void publish(Hub& hub, const std::vector<PendingEvent>& events);

// A write answered by Ack{id, duplicate, scrub_report}: after the commit, its events are
// published and then the Ack is sent.
void acked_write(const Services& services, RequestPtr request, ApplyWrite apply);

// A client write, idempotent by (caller, client_id), answered like acked_write. The same
// client_id with the same content hash is answered with the first write's id and
// duplicate = true, and changes nothing; with other content it is CONFLICT on
// "client_id". `kind` names the write in client_writes.
void idempotent_write(const Services& services, RequestPtr request, const std::string& kind,
                      const std::string& client_id, const std::string& hash, ApplyWrite apply);

// A write whose values were refused before it reached the writer: answered with
// `refusal` once the caller is authorised there, or with what authorisation gives
// (PERMISSION_DENIED, NOT_FOUND, a revoked device), which comes first.
void refuse_after_authorization(const Services& services, RequestPtr request, core::Status refusal);

// A write nobody waits for (the watchdog's): its events are published after the commit,
// and a failure is logged.
using ApplyEvents = std::function<std::vector<PendingEvent>(store::Connection&)>;
void background_write(const Services& services, ApplyEvents apply);

}  // namespace gadehold::app
