// The load phases on one thread. Volunteers connect (a bounded number at a time, from
// several source addresses), say Hello, and once all are in:
// - closed: each keeps `inflight` check-ins outstanding, sending the next on each reply;
// - open: check-ins are sent at fixed times t0 + k/rate, round robin over the
//   connections, and latency counts from that intended time, so a server that falls
//   behind shows it (no coordinated omission);
// - idle: nothing is sent; connections are held and any that close are counted.
// Leads only read; the time from a check-in's send to its push at the lead is recorded.
#include "load/loadgen/runner.hpp"

#include <chrono>
#include <random>
#include <unordered_map>
#include <unordered_set>

#include "load/loadgen/connection.hpp"

namespace gadehold::load {

namespace {

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Runner {
 public:
  Runner(const RunPlan& plan, const Share& share)
      : plan_(plan), share_(share), timer_(ioc_), rng_(std::random_device{}()) {}

  Results run() {
    for (const auto& lead : share_.leads) lead_teams_.insert(lead.team_id);
    slow_reader_.token = share_.slow_reader_token;
    const auto server = tcp::endpoint(asio::ip::make_address("127.0.0.1"), plan_.port);
    for (std::size_t i = 0; i < share_.volunteers.size(); ++i) {
      members_.push_back(Member{std::make_shared<Connection>(ioc_, i), &share_.volunteers[i], {}, false,
                                lead_teams_.count(share_.volunteers[i].team_id) > 0});
    }
    for (std::size_t i = 0; i < share_.leads.size(); ++i) {
      leads_.push_back(Member{std::make_shared<Connection>(ioc_, i), &share_.leads[i], {}, false, false});
    }
    if (!slow_reader_.token.empty()) {
      leads_.push_back(Member{std::make_shared<Connection>(ioc_, leads_.size()), &slow_reader_, {}, false, false});
      slow_index_ = leads_.size() - 1;
    }
    server_ = server;
    total_ = members_.size() + leads_.size();
    for (std::size_t i = 0; i < plan_.connect_parallel; ++i) connect_next();
    // A connection that neither opens nor fails (a lost SYN is retried for minutes)
    // must not hang the run: after 120 s the phase starts with those that are in, and
    // the report shows how many were not.
    timer_.expires_after(std::chrono::seconds(120));
    timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec && !started_) begin();
    });
    ioc_.run();
    return std::move(results_);
  }

 private:
  struct Pending {
    std::int64_t sent_us;  // intended send time in the open loop
  };
  struct Member {
    std::shared_ptr<Connection> conn;
    const Device* device;
    std::unordered_map<std::uint64_t, Pending> pending;
    bool ready;
    bool watched;  // a lead in this process receives this member's check-ins
  };

  const Member* slow_member() const { return slow_index_ < leads_.size() ? &leads_[slow_index_] : nullptr; }

  Member& member_of(Connection& c, bool lead) { return lead ? leads_[c.index()] : members_[c.index()]; }

  asio::ip::address source(std::size_t n) const {
    const auto k = plan_.sources == 0 ? 0u : static_cast<unsigned>(n % plan_.sources);
    return asio::ip::make_address_v4(0x7f000002u + k);  // 127.0.0.2 and up
  }

  void connect_next() {
    if (next_ >= total_) return;
    const auto n = next_++;
    const bool lead = n >= members_.size();
    auto& m = lead ? leads_[n - members_.size()] : members_[n];
    Connection::Handlers h;
    h.open = [this, lead](Connection& c) {
      auto hello = v1::ClientMessage();
      hello.set_request_id(c.next_request_id());
      hello.mutable_hello()->set_protocol_version(1);
      hello.mutable_hello()->set_device_token(member_of(c, lead).device->token);
      c.send(hello);
    };
    h.message = [this, lead](Connection& c, const v1::ServerMessage& msg) { on_message(member_of(c, lead), lead, msg); };
    h.closed = [this, lead](Connection& c, boost::system::error_code ec, int code) {
      on_closed(member_of(c, lead), ec, code);
    };
    m.conn->start(server_, source(n), std::move(h));
  }

  void on_closed(Member& m, boost::system::error_code ec, int code) {
    ++closed_;
    if (!m.ready) {
      ++results_.counters[std::string("connect_failed.") + (ec ? ec.message() : "closed " + std::to_string(code))];
      note_settled();
    } else if (&m == slow_member()) {
      // The reader that stopped reading: the server should have closed it for falling behind.
      ++results_.counters[code != 0 ? "slow_reader_closed." + std::to_string(code) : "slow_reader_closed.no_close_frame"];
    } else if (!finishing_) {
      ++results_.counters["close." + std::to_string(code)];
      if (started_ && plan_.mode == Mode::idle) ++results_.counters["dropped"];
    }
    if (finishing_ && closed_ >= total_) ioc_.stop();
  }

  void note_settled() {
    ++settled_;
    connect_next();
    if (settled_ == total_) begin();
  }

  void on_message(Member& m, bool lead, const v1::ServerMessage& msg) {
    if (msg.has_welcome()) {
      m.ready = true;
      ++results_.counters[lead ? "leads_connected" : "connected"];
      if (lead && m.conn->index() == slow_index_) m.conn->pause_reading();
      note_settled();
      return;
    }
    if (msg.request_id() == 0) {
      if (lead && m.conn->index() != slow_index_ && msg.has_event() && msg.event().has_check_in_recorded()) {
        on_push(msg.event().check_in_recorded().check_in_id());
      }
      return;
    }
    if (lead) return;
    auto it = m.pending.find(msg.request_id());
    if (it == m.pending.end()) return;
    const auto sent = it->second.sent_us;
    m.pending.erase(it);
    --outstanding_;
    const auto now = now_us();
    const bool counted = sent >= measure_from_ && now <= measure_to_;
    if (msg.has_ack()) {
      if (counted) {
        ++results_.counters["acked"];
        results_.ack_us.record(static_cast<std::uint64_t>(now - sent));
      }
      if (m.watched && counted) {
        auto early = early_push_.find(msg.ack().id());
        if (early != early_push_.end()) {
          results_.push_us.record(static_cast<std::uint64_t>(std::max<std::int64_t>(0, early->second - sent)));
          early_push_.erase(early);
        } else {
          awaiting_push_.emplace(msg.ack().id(), sent);
        }
      }
    } else if (msg.has_error()) {
      ++results_.counters["error." + v1::ErrorCode_Name(msg.error().code())];
    }
    if (plan_.mode == Mode::closed && sending_) send_check_in(m, now);
  }

  void on_push(const std::string& check_in_id) {
    const auto now = now_us();
    auto it = awaiting_push_.find(check_in_id);
    if (it != awaiting_push_.end()) {
      results_.push_us.record(static_cast<std::uint64_t>(now - it->second));
      awaiting_push_.erase(it);
    } else if (sending_ || outstanding_ > 0) {
      early_push_.emplace(check_in_id, now);  // the push beat the Ack
    }
  }

  std::string uuid() {
    const auto a = rng_();
    const auto b = rng_();
    char out[37];
    std::snprintf(out, sizeof out, "%08x-%04x-4%03x-8%03x-%012llx", static_cast<unsigned>(a >> 32),
                  static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                  static_cast<unsigned>((b >> 48) & 0xfff), static_cast<unsigned long long>(b & 0xffffffffffffULL));
    return out;
  }

  void send_check_in(Member& m, std::int64_t intended_us) {
    if (!m.conn->is_open()) return;
    v1::ClientMessage msg;
    msg.set_request_id(m.conn->next_request_id());
    auto* c = msg.mutable_check_in();
    c->set_client_id(uuid());
    c->set_patrol_id(m.device->patrol_id);
    c->set_at_ms(wall_ms());
    const auto jitter = static_cast<double>(rng_() % 1000) * 1e-5;  // within about a kilometre
    c->mutable_location()->set_lat(share_.lat + jitter);
    c->mutable_location()->set_lon(share_.lon + jitter);
    c->set_status(v1::CHECK_IN_STATUS_OK);
    m.pending.emplace(msg.request_id(), Pending{intended_us});
    if (plan_.mode == Mode::open && intended_us >= measure_from_ && intended_us <= measure_to_) {
      results_.lag_us.record(static_cast<std::uint64_t>(std::max<std::int64_t>(0, now_us() - intended_us)));
    }
    ++outstanding_;
    ++results_.counters[intended_us >= measure_from_ && intended_us <= measure_to_ ? "sent" : "sent_outside_window"];
    m.conn->send(msg);
  }

  void begin() {
    if (started_) return;
    started_ = true;
    const auto now = now_us();
    measure_from_ = now + static_cast<std::int64_t>(plan_.warmup_s * 1e6);
    measure_to_ = measure_from_ + static_cast<std::int64_t>(plan_.duration_s * 1e6);
    results_.measured_s = plan_.duration_s;
    switch (plan_.mode) {
      case Mode::closed:
        for (auto& m : members_) {
          if (!m.ready) continue;
          for (unsigned k = 0; k < plan_.inflight; ++k) send_check_in(m, now_us());
        }
        break;
      case Mode::open:
        open_start_ = now;
        tick_open();
        break;
      case Mode::idle:
        break;
    }
    timer_.expires_at(std::chrono::steady_clock::time_point(std::chrono::microseconds(measure_to_)));
    timer_.async_wait([this](boost::system::error_code) { stop_sending(); });
  }

  void tick_open() {
    if (!sending_) return;
    std::vector<Member*> ready;
    for (auto& m : members_) {
      if (m.ready && m.conn->is_open()) ready.push_back(&m);
    }
    if (ready.empty()) return;
    const auto now = now_us();
    const auto due = static_cast<std::uint64_t>(static_cast<double>(now - open_start_) * plan_.rate / 1e6);
    while (open_sent_ < due) {
      const auto intended = open_start_ + static_cast<std::int64_t>(static_cast<double>(open_sent_) * 1e6 / plan_.rate);
      send_check_in(*ready[open_sent_ % ready.size()], intended);
      ++open_sent_;
    }
    open_timer_.expires_after(std::chrono::microseconds(500));
    open_timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) tick_open();
    });
  }

  void stop_sending() {
    sending_ = false;
    if (plan_.mode == Mode::idle) {
      std::uint64_t open = 0;
      for (auto& m : members_) open += m.conn->is_open() ? 1 : 0;
      results_.counters["held"] = open;
    }
    // Let the replies still in flight arrive, then close everything.
    drain_deadline_ = now_us() + 5'000'000;
    drain();
  }

  void drain() {
    if (outstanding_ > 0 && now_us() < drain_deadline_) {
      timer_.expires_after(std::chrono::milliseconds(20));
      timer_.async_wait([this](boost::system::error_code) { drain(); });
      return;
    }
    results_.counters["unanswered"] = outstanding_;
    results_.counters["push_missing"] = awaiting_push_.size();
    // The slow reader reads again: it finds the end of its connection if the server
    // closed it, and is still open otherwise.
    if (auto* slow = slow_member(); slow != nullptr && slow->ready) {
      leads_[slow_index_].conn->resume_reading();
      slow_deadline_ = now_us() + 3'000'000;
      return wait_for_slow_reader();
    }
    close_all();
  }

  void wait_for_slow_reader() {
    if (leads_[slow_index_].conn->is_open() && now_us() < slow_deadline_) {
      timer_.expires_after(std::chrono::milliseconds(20));
      timer_.async_wait([this](boost::system::error_code) { wait_for_slow_reader(); });
      return;
    }
    if (leads_[slow_index_].conn->is_open()) ++results_.counters["slow_reader_still_open"];
    close_all();
  }

  void close_all() {
    finishing_ = true;
    if (closed_ >= total_) return ioc_.stop();
    for (auto& m : members_) m.conn->close();
    for (auto& m : leads_) m.conn->close();
    timer_.expires_after(std::chrono::seconds(5));
    timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) ioc_.stop();
    });
  }

  const RunPlan& plan_;
  const Share& share_;
  asio::io_context ioc_{1};
  asio::steady_timer timer_;
  asio::steady_timer open_timer_{ioc_};
  std::mt19937_64 rng_;
  tcp::endpoint server_;
  std::vector<Member> members_;
  std::vector<Member> leads_;
  std::unordered_set<std::string> lead_teams_;
  std::unordered_map<std::string, std::int64_t> awaiting_push_;
  std::unordered_map<std::string, std::int64_t> early_push_;
  Results results_;
  std::size_t total_ = 0;
  std::size_t next_ = 0;
  std::size_t settled_ = 0;
  std::size_t closed_ = 0;
  Device slow_reader_;
  std::size_t slow_index_ = static_cast<std::size_t>(-1);
  std::uint64_t outstanding_ = 0;
  std::uint64_t open_sent_ = 0;
  std::int64_t open_start_ = 0;
  std::int64_t measure_from_ = 0;
  std::int64_t measure_to_ = 0;
  std::int64_t drain_deadline_ = 0;
  std::int64_t slow_deadline_ = 0;
  bool started_ = false;
  bool sending_ = true;
  bool finishing_ = false;
};

}  // namespace

Results run_share(const RunPlan& plan, const Share& share) { return Runner(plan, share).run(); }

}  // namespace gadehold::load
