#pragma once
// One WebSocket connection: reads binary frames, hands them to the dispatcher, and
// writes replies and pushed events from a bounded queue. Everything runs on the
// connection's strand; other threads reach it only through post().
#include <algorithm>
#include <chrono>
#include <vector>
#include <memory>
#include <optional>
#include <string>

#include <spdlog/spdlog.h>

#include "server/core/metrics.hpp"
#include "server/net/beast.hpp"
#include "server/net/http_routes.hpp"
#include "server/net/shared_state.hpp"

namespace gadehold::net {

// Close codes of RFC 6455 that the server uses.
inline constexpr std::uint16_t kCloseGoingAway = 1001;
inline constexpr std::uint16_t kCloseUnsupportedData = 1003;
inline constexpr std::uint16_t kClosePolicy = 1008;
// The most frames one corked burst holds (see WsSession::do_write).
inline constexpr std::size_t kMaxBurst = 16;

template <class Stream>
class WsSession : public LiveSession, public std::enable_shared_from_this<WsSession<Stream>> {
 public:
  WsSession(Stream&& stream, SharedState& shared, std::string client_address, AddressConnections::Slot slot)
      : ws_(std::move(stream)),
        shared_(shared),
        address_slot_(std::move(slot)),
        deadline_timer_(ws_.get_executor()),
        close_timer_(ws_.get_executor()) {
    state_.connection_id = shared_.next_connection_id.fetch_add(1);
    state_.client_address = std::move(client_address);
  }

  ~WsSession() override {
    if (!opened_) return;
    shared_.sessions.remove(state_.connection_id);
    core::metrics().open_connections.add(-1);
    spdlog::info("connection {} closed", state_.connection_id);
  }

  void run(http::request<http::empty_body> request) {
    const auto& cfg = shared_.config;
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = std::chrono::seconds(cfg.hello_timeout_s);
    timeouts.idle_timeout = std::chrono::seconds(cfg.idle_timeout_s);
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    websocket::permessage_deflate deflate;
    deflate.server_enable = false;
    deflate.client_enable = false;
    ws_.set_option(deflate);
    ws_.read_message_max(cfg.max_message_bytes);
    ws_.auto_fragment(false);
    ws_.binary(true);
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
      res.set(http::field::server, "gadehold");
      set_security_headers(res);
    }));
    ws_.async_accept(request, beast::bind_front_handler(&WsSession::on_accept, this->shared_from_this()));
  }

  void close(std::uint16_t code, std::string reason) override {
    asio::post(ws_.get_executor(), [self = this->shared_from_this(), code, r = std::move(reason)]() mutable {
      self->start_close(code, std::move(r));
    });
  }

  void push(std::shared_ptr<const std::string> frame) override {
    asio::post(ws_.get_executor(),
               [self = this->shared_from_this(), f = std::move(frame)]() mutable { self->enqueue(std::move(f)); });
  }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) return fail(ec, "websocket accept");
    opened_ = true;
    shared_.sessions.add(state_.connection_id, this->weak_from_this());
    core::metrics().open_connections.add(1);
    core::metrics().connections_total.inc();
    spdlog::info("connection {} opened{}", state_.connection_id, is_tls<Stream> ? " (tls)" : "");
    if (shared_.lifecycle.load() == Lifecycle::draining) {
      start_close(kCloseGoingAway, "server shutting down");
      return;
    }
    deadline_timer_.expires_after(std::chrono::seconds(shared_.config.hello_timeout_s));
    deadline_timer_.async_wait(
        beast::bind_front_handler(&WsSession::on_hello_deadline, this->shared_from_this()));
    do_read();
  }

  void on_hello_deadline(beast::error_code ec) {
    if (ec || state_.principal) return;
    // A session start already in flight (a redeem waiting for its commit) is answered
    // first, so its device token is never lost; the deadline applies after it.
    if (in_flight_ > 0) {
      hello_expired_ = true;
      return;
    }
    spdlog::info("connection {} sent no Hello in time", state_.connection_id);
    start_close(kClosePolicy, "authentication timeout");
  }

  // A message is read in parts, the first of at most kFirstReadBytes. For a whole
  // message Beast prepares 1,536 bytes (a TCP segment) in buffer_ before any byte has
  // arrived, and an idle connection holds them for as long as it waits; most requests
  // fit the first part. The rest of a longer message is read in parts of Beast's own
  // size. read_message_max still bounds the whole message.
  static constexpr std::size_t kFirstReadBytes = 256;

  void do_read() {
    reading_ = true;
    read_part(kFirstReadBytes);
  }

  void read_part(std::size_t limit) {
    ws_.async_read_some(buffer_, limit, [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
      if (!ec && !self->ws_.is_message_done()) {
        self->start_message_deadline();
        return self->read_part(0);  // 0: Beast's size
      }
      self->stop_message_deadline();
      self->on_read(ec, n);
    });
  }

  // A message that has begun to arrive must be whole within message-deadline-s: a
  // connection cannot hold a part-read message (up to max-message-bytes) by dripping it.
  // Between messages the idle timeout applies. Before the session starts the hello
  // deadline bounds everything, and the timer is the hello deadline's, so this starts
  // only once the connection is authenticated.
  void start_message_deadline() {
    if (in_message_ || !state_.principal || closing_) return;
    in_message_ = true;
    ++message_count_;
    deadline_timer_.expires_after(std::chrono::seconds(shared_.config.message_deadline_s));
    deadline_timer_.async_wait([self = this->shared_from_this(), n = message_count_](beast::error_code ec) {
      // A wait that completed as its message did is not the next message's.
      if (ec || !self->in_message_ || n != self->message_count_) return;
      spdlog::info("connection {} did not complete a message in time", self->state_.connection_id);
      core::metrics().connections_limited.with("message_deadline").inc();
      self->start_close(kClosePolicy, "message deadline");
    });
  }

  void stop_message_deadline() {
    if (!in_message_) return;
    in_message_ = false;
    deadline_timer_.cancel();
  }

  void on_read(beast::error_code ec, std::size_t) {
    reading_ = false;
    if (ec) {
      deadline_timer_.cancel();
      close_timer_.cancel();
      return fail(ec, "read", state_.connection_id);
    }
    if (closing_) return;  // the close handshake reads on its own
    if (!ws_.got_binary()) {
      buffer_.consume(buffer_.size());
      start_close(kCloseUnsupportedData, "binary frames only");
      return;
    }
    const auto data = buffer_.cdata();
    std::string_view frame(static_cast<const char*>(data.data()), data.size());
    auto self = this->shared_from_this();
    ++in_flight_;
    const bool hold = shared_.dispatcher.dispatch(state_, frame, [self](app::Outcome outcome) {
      asio::post(self->ws_.get_executor(), [self, o = std::move(outcome)]() mutable {
        self->on_outcome(std::move(o));
      });
    });
    // Idle connections should hold no read memory between messages.
    buffer_.clear();
    buffer_.shrink_to_fit();
    if (hold) awaiting_outcome_ = true;
    resume_read();
  }

  // Reads the next request unless one is held for its outcome, or the replies and
  // pushes outstanding reach half the outbound queue. A device that sends faster than
  // it reads is then slowed by TCP, not closed: a phone flushing hundreds of queued
  // check-ins over a slow link gets every reply. Its own replies stay within half the
  // queue, so only pushes it does not read can overflow it. Beast's idle timeout
  // closes a connection whose reads stay paused, since nothing is read from it.
  void resume_read() {
    if (reading_ || closing_ || awaiting_outcome_) return;
    if (in_flight_ + queued() >= shared_.config.outbound_queue_limit / 2) return;
    do_read();
  }

  void on_outcome(app::Outcome outcome) {
    --in_flight_;
    if (outcome.authenticated && !closing_) {
      state_.principal = std::move(outcome.authenticated);
      shared_.sessions.set_identity(state_.connection_id, *state_.principal);
      deadline_timer_.cancel();  // the hello deadline; from now on each message's
    }
    if (outcome.failed_auth) ++state_.failed_auth_attempts;
    auto bytes = std::make_shared<std::string>();
    outcome.reply.SerializeToString(bytes.get());
    enqueue(std::move(bytes));
    for (const auto& followup : outcome.followups) {
      auto extra = std::make_shared<std::string>();
      followup.SerializeToString(extra.get());
      enqueue(std::move(extra));
    }
    if (outcome.close) {
      start_close(outcome.close->code, std::move(outcome.close->reason));
    } else if (hello_expired_ && !state_.principal) {
      start_close(kClosePolicy, "authentication timeout");
    } else {
      awaiting_outcome_ = false;
      resume_read();
    }
    maybe_close();
  }

  void enqueue(std::shared_ptr<const std::string> frame) {
    // A slow consumer being closed gets nothing more: otherwise later pushes refill its
    // queue and it is "closed" (and counted) again every outbound_queue_limit frames.
    if (close_sent_ || !opened_ || abandon_replies_) return;
    if (queued() >= shared_.config.outbound_queue_limit) {
      spdlog::warn("connection {} reads too slowly; closing", state_.connection_id);
      core::metrics().slow_consumers_closed.inc();
      queue_.resize(queue_head_ + (writing_ ? 1u : 0u));
      abandon_replies_ = true;
      start_close(kClosePolicy, "slow consumer");
      return;
    }
    queue_.push_back(std::move(frame));
    if (writing_ || write_posted_) return;
    // Started from the strand's queue rather than here, so that frames posted to this
    // connection together (a write's event and its Ack, a Welcome and its reminders)
    // are all queued when the write starts, and leave as one burst.
    write_posted_ = true;
    asio::post(ws_.get_executor(), [self = this->shared_from_this()] {
      self->write_posted_ = false;
      if (!self->writing_ && self->queued() > 0) {
        self->do_write();
      } else {
        self->maybe_close();
      }
    });
  }

  std::size_t queued() const { return queue_.size() - queue_head_; }

  void pop_front() {
    queue_[queue_head_++].reset();
    if (queue_head_ == queue_.size()) {
      queue_.clear();
      queue_head_ = 0;
    } else if (queue_head_ >= 64 && queue_head_ * 2 >= queue_.size()) {
      // A queue that never drains completely is compacted now and then.
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(queue_head_));
      queue_head_ = 0;
    }
  }

  // Beast writes one message per system call, and a loopback or LAN send costs far more
  // than the copy into the socket. So the frames queued when a write starts go out as
  // one burst: the socket is corked (TCP_CORK) for all but the last, which the uncork
  // sends together as one segment. A burst holds at most kMaxBurst frames, so the
  // first of them waits for at most that many writes into the socket buffer.
  void do_write() {
    writing_ = true;
    if (burst_left_ == 0) {
      burst_left_ = std::min(queued(), kMaxBurst);
      if (burst_left_ > 1) set_cork(true);
    }
    ws_.async_write(asio::buffer(*queue_[queue_head_]),
                    beast::bind_front_handler(&WsSession::on_write, this->shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    writing_ = false;
    if (ec) {
      queue_.clear();
      queue_head_ = 0;
      burst_left_ = 0;
      close_timer_.cancel();
      return fail(ec, "write", state_.connection_id);
    }
    pop_front();
    core::metrics().ws_frames_sent.inc();
    // A slow consumer's queue is cut short, which can end a burst early.
    if (burst_left_ > 0) --burst_left_;
    if (burst_left_ == 0 || queued() == 0) {
      burst_left_ = 0;
      if (corked_) set_cork(false);
    }
    if (queued() > 0) {
      do_write();
    } else {
      maybe_close();
    }
    resume_read();
  }

  // Stops reading, lets replies to requests already in flight go out, then sends the
  // close frame. A peer that stops reading cannot stall this: after the grace period
  // the socket is closed hard.
  void start_close(std::uint16_t code, std::string reason) {
    if (closing_) return;
    closing_ = true;
    in_message_ = false;
    deadline_timer_.cancel();
    pending_close_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
    close_timer_.expires_after(std::chrono::seconds(5));
    close_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (ec) return;
      // The bare socket's close() throws on failure; never let that out of a handler.
      auto& lowest = beast::get_lowest_layer(self->ws_);
      if constexpr (requires(beast::error_code& e) { lowest.close(e); }) {
        beast::error_code ignored;
        lowest.close(ignored);
      } else {
        lowest.close();
      }
    });
    maybe_close();
  }

  void set_cork(bool on) {
    corked_ = on;
    auto& lowest = beast::get_lowest_layer(ws_);
    if constexpr (requires { lowest.socket(); }) {
      set_tcp_cork(lowest.socket(), on);
    } else {
      set_tcp_cork(lowest, on);
    }
    if (on) core::metrics().ws_write_bursts.inc();
  }

  void maybe_close() {
    if (!closing_ || close_sent_ || writing_ || write_posted_ || queued() > 0) return;
    if (in_flight_ > 0 && !abandon_replies_) return;
    close_sent_ = true;
    ws_.async_close(*pending_close_, [self = this->shared_from_this()](beast::error_code ec) {
      self->close_timer_.cancel();
      if (ec) fail(ec, "close", self->state_.connection_id);
    });
  }

  websocket::stream<Stream> ws_;
  SharedState& shared_;
  beast::flat_buffer buffer_;
  // The outbound queue: frames from queue_head_ on. A vector, because an empty
  // std::deque still allocates a block, and most connections are idle.
  std::vector<std::shared_ptr<const std::string>> queue_;
  std::size_t queue_head_ = 0;
  AddressConnections::Slot address_slot_;  // counts this connection against its address
  // The hello deadline until the session starts; then the deadline of a message being
  // read. One timer for both: every idle connection holds it.
  asio::steady_timer deadline_timer_;
  asio::steady_timer close_timer_;
  std::optional<websocket::close_reason> pending_close_;
  app::SessionState state_;
  unsigned in_flight_ = 0;       // requests dispatched and not yet answered
  bool opened_ = false;
  bool writing_ = false;
  bool write_posted_ = false;    // a write start is posted to the strand
  bool corked_ = false;          // TCP_CORK is set for the burst being written
  std::size_t burst_left_ = 0;   // frames of the current burst not yet written
  bool closing_ = false;         // no more frames are read or dispatched
  bool close_sent_ = false;      // async_close has been issued
  bool abandon_replies_ = false;  // slow consumer: close without waiting for replies
  bool reading_ = false;         // an async_read is pending
  bool awaiting_outcome_ = false;  // a request that must be answered before the next is read
  bool hello_expired_ = false;
  bool in_message_ = false;          // a message has begun and its deadline runs
  std::uint32_t message_count_ = 0;  // messages whose deadline was started
};

}  // namespace gadehold::net
