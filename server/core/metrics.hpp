#pragma once
// A small process-wide metrics registry rendered in the Prometheus text format.
// Counters and histograms are lock-free on the hot path.
#include <array>
#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace gadehold::core {

class Counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void add(std::int64_t n) { value_.fetch_add(n, std::memory_order_relaxed); }
  void set(std::int64_t n) { value_.store(n, std::memory_order_relaxed); }
  std::int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

// Fixed upper bounds chosen at construction; observations are in the histogram's unit.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double value);
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const;
  const std::vector<double>& bounds() const { return bounds_; }
  std::uint64_t bucket(std::size_t i) const { return buckets_[i].load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // non-cumulative, +1 for +Inf
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_micro_{0};  // sum in millionths of the unit
};

// A counter family keyed by one label; the label values must be a small fixed set.
class LabelledCounter {
 public:
  explicit LabelledCounter(std::string label) : label_(std::move(label)) {}
  // With series for `values` from the start, at 0, so that they are scraped before the
  // first event.
  LabelledCounter(std::string label, std::initializer_list<const char*> values) : label_(std::move(label)) {
    for (const char* v : values) with(v);
  }
  Counter& with(const std::string& value);
  std::vector<std::pair<std::string, std::uint64_t>> snapshot() const;
  const std::string& label() const { return label_; }

 private:
  std::string label_;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Counter>> counters_;
};

// A counter family keyed by two labels, both from small fixed sets.
class LabelPairCounter {
 public:
  LabelPairCounter(std::string first, std::string second)
      : first_(std::move(first)), second_(std::move(second)) {}
  Counter& with(const std::string& first, const std::string& second);
  std::vector<std::pair<std::pair<std::string, std::string>, std::uint64_t>> snapshot() const;
  const std::string& first_label() const { return first_; }
  const std::string& second_label() const { return second_; }

 private:
  std::string first_;
  std::string second_;
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<Counter>> counters_;
};

// The metrics gadehold exports. One instance per process: see metrics().
struct Metrics {
  Gauge open_connections;
  Gauge wal_frames;                    // the WAL's size in pages after the last commit
  Gauge reads_queued;                  // reads waiting for a reader thread
  Counter watchdog_ticks_skipped;      // ticks not started: the last one had not run yet
  Counter planning_alerts_suppressed;  // small-patrol alerts over a team's budget
  LabelledCounter messages_received{"type"};
  LabelledCounter errors{"code"};
  Counter connections_total;
  Counter commits_total;
  Counter commit_failures_total;
  Counter slow_consumers_closed;
  // Connections closed or refused by a limit: "replaced" (max-connections-per-device),
  // "address" (max-connections-per-address, HTTP 503), "message_deadline".
  LabelledCounter connections_limited{"reason", {"replaced", "address", "message_deadline"}};
  Counter ws_frames_sent;   // WebSocket messages written to clients
  Counter ws_write_bursts;  // corked bursts: several messages sent as one segment
  // Open alerts nobody has acknowledged, as the watchdog last counted them, indexed by
  // AlertKind (1 overdue, 2 sos, 3 understaffed, 4 small_patrol, 5 auto_closed).
  static constexpr std::size_t kAlertKinds = 7;
  std::array<Gauge, kAlertKinds> alerts_unacknowledged;
  std::array<Gauge, kAlertKinds> alert_oldest_unacknowledged_s;
  Histogram commit_seconds{{0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5}};
  // A write's time in the writer's queue, from submit() to the start of its batch.
  Histogram write_wait_seconds{{0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5}};
  // A checkpoint's bulk, on the checkpoint thread, and its finish, on the writer.
  Histogram checkpoint_seconds{{0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10}};
  Histogram checkpoint_finish_seconds{
      {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5}};
  Histogram write_batch_size{{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096}};
  // Web Push (net/push_client): each message's end by kind and result (delivered, gone,
  // rejected, dropped, expired), retries by kind, the time from send() to a 2xx, and the
  // connections open to push services.
  LabelPairCounter push_total{"kind", "result"};
  LabelledCounter push_retries{"kind"};
  Histogram push_delivery_seconds{{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300}};
  Gauge push_connections;
  Gauge push_subscriptions;  // devices with a push subscription, counted by the watchdog
  Histogram request_seconds{{0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5}};

  std::string render_prometheus() const;
};

Metrics& metrics();

}  // namespace gadehold::core
