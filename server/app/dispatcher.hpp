#pragma once
// The route table: each ClientMessage body names its policy (policy.hpp) and its handler
// (a feature's plain function). Protobuf in, Outcome out; no sockets. The network
// thread that calls dispatch() never waits:
// - a read runs on a reader thread: the caller's identity as it is now, the policy,
//   then the handler on the same connection;
// - a write's handler checks and scrubs on the network thread and hands the write to
//   the writer, which authorises the caller again inside the write's own transaction
//   (commit.hpp). Writes never wait for a reader, so a long read cannot delay an SOS,
//   and a session's writes reach the writer in the order they arrived.
#include <string_view>
#include <unordered_map>

#include "server/app/policy.hpp"
#include "server/app/rate_limit.hpp"
#include "server/app/request.hpp"
#include "server/app/services.hpp"

namespace gadehold::app {

class Dispatcher {
 public:
  Dispatcher(store::Database& db, const core::Clock& clock, Hub& hub, const core::Config& config);

  // Parses one binary frame and handles it; `respond` runs exactly once, on whichever
  // thread finishes the request. Returns true when the session must hold further frames
  // until `respond` ran: for session-start requests, so a pipelined request sees the new
  // identity, and for reads, so a connection has at most one read waiting for the
  // readers.
  bool dispatch(const SessionState& session, std::string_view frame, Respond respond);

  const Services& services() const { return services_; }

  // `reader` is the connection the request was authorised on, lent for the handler's
  // own reads.
  using ReadHandler = void (*)(const Services& services, RequestPtr request, store::Connection& reader);
  using WriteHandler = void (*)(const Services& services, RequestPtr request);
  struct Route {
    Policy policy;
    ReadHandler read = nullptr;  // one of the two
    WriteHandler write = nullptr;
  };

 private:
  void start_session(const RequestPtr& request);
  void read(const RequestPtr& request, ReadHandler handler);
  void write(const RequestPtr& request, WriteHandler handler);
  void on_reader(const RequestPtr& request, std::function<void(store::Connection&)> work,
                 store::ReaderPool::Priority priority = store::ReaderPool::Priority::client);

  SosPositions sos_positions_;
  AlertBudget planning_alerts_;
  Services services_;
  TokenBuckets device_requests_;
  TokenBuckets address_auth_failures_;
  std::unordered_map<int, Route> routes_;
};

}  // namespace gadehold::app
