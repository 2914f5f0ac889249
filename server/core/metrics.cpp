#include "server/core/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "server/core/version.hpp"

namespace gadehold::core {

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i] = 0;
}

void Histogram::observe(double value) {
  auto it = std::lower_bound(bounds_.begin(), bounds_.end(), value);
  buckets_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  if (value > 0 && std::isfinite(value)) {
    sum_micro_.fetch_add(static_cast<std::uint64_t>(value * 1e6), std::memory_order_relaxed);
  }
}

double Histogram::sum() const {
  return static_cast<double>(sum_micro_.load(std::memory_order_relaxed)) / 1e6;
}

Counter& LabelledCounter::with(const std::string& value) {
  std::lock_guard lock(mutex_);
  auto& slot = counters_[value];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

std::vector<std::pair<std::string, std::uint64_t>> LabelledCounter::snapshot() const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (const auto& [k, v] : counters_) out.emplace_back(k, v->value());
  return out;
}

Counter& LabelPairCounter::with(const std::string& first, const std::string& second) {
  std::lock_guard lock(mutex_);
  auto& slot = counters_[{first, second}];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

std::vector<std::pair<std::pair<std::string, std::string>, std::uint64_t>> LabelPairCounter::snapshot()
    const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::pair<std::string, std::string>, std::uint64_t>> out;
  for (const auto& [k, v] : counters_) out.emplace_back(k, v->value());
  return out;
}

namespace {

void header(std::ostringstream& out, std::string_view name, std::string_view type, std::string_view help) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

void render(std::ostringstream& out, std::string_view name, std::string_view help, const Histogram& h) {
  header(out, name, "histogram", help);
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < h.bounds().size(); ++i) {
    cumulative += h.bucket(i);
    out << name << "_bucket{le=\"" << h.bounds()[i] << "\"} " << cumulative << '\n';
  }
  cumulative += h.bucket(h.bounds().size());
  out << name << "_bucket{le=\"+Inf\"} " << cumulative << '\n';
  out << name << "_sum " << h.sum() << '\n';
  out << name << "_count " << cumulative << '\n';
}

void render(std::ostringstream& out, std::string_view name, std::string_view help, const LabelledCounter& c) {
  header(out, name, "counter", help);
  for (const auto& [value, n] : c.snapshot()) {
    out << name << '{' << c.label() << "=\"" << value << "\"} " << n << '\n';
  }
}

void render(std::ostringstream& out, std::string_view name, std::string_view help,
            const LabelPairCounter& c) {
  header(out, name, "counter", help);
  for (const auto& [labels, n] : c.snapshot()) {
    out << name << '{' << c.first_label() << "=\"" << labels.first << "\"," << c.second_label() << "=\""
        << labels.second << "\"} " << n << '\n';
  }
}

}  // namespace

std::string Metrics::render_prometheus() const {
  std::ostringstream out;
  header(out, "gadehold_open_connections", "gauge", "Open WebSocket connections.");
  out << "gadehold_open_connections " << open_connections.value() << '\n';
  header(out, "gadehold_wal_frames", "gauge", "Pages in the write-ahead log after the last commit.");
  out << "gadehold_wal_frames " << wal_frames.value() << '\n';
  header(out, "gadehold_reads_queued", "gauge", "Reads waiting for a reader thread.");
  out << "gadehold_reads_queued " << reads_queued.value() << '\n';
  header(out, "gadehold_planning_alerts_suppressed_total", "counter",
         "Small-patrol alerts not raised because their team's budget per minute was spent.");
  out << "gadehold_planning_alerts_suppressed_total " << planning_alerts_suppressed.value() << '\n';
  header(out, "gadehold_watchdog_ticks_skipped_total", "counter",
         "Watchdog ticks and revocation polls not started because the last one had not run yet.");
  out << "gadehold_watchdog_ticks_skipped_total " << watchdog_ticks_skipped.value() << '\n';
  header(out, "gadehold_connections_total", "counter", "WebSocket connections accepted.");
  out << "gadehold_connections_total " << connections_total.value() << '\n';
  render(out, "gadehold_messages_received_total", "Client messages received, by body type.",
         messages_received);
  render(out, "gadehold_errors_total", "Error replies sent, by code.", errors);
  header(out, "gadehold_commits_total", "counter", "Write transactions committed.");
  out << "gadehold_commits_total " << commits_total.value() << '\n';
  header(out, "gadehold_commit_failures_total", "counter", "Write transactions that failed.");
  out << "gadehold_commit_failures_total " << commit_failures_total.value() << '\n';
  header(out, "gadehold_slow_consumers_closed_total", "counter",
         "Connections closed (1008) because their outbound queue was full.");
  out << "gadehold_slow_consumers_closed_total " << slow_consumers_closed.value() << '\n';
  render(out, "gadehold_connections_limited_total",
         "Connections closed or refused by a limit: replaced, address, message_deadline.",
         connections_limited);
  header(out, "gadehold_ws_frames_sent_total", "counter", "WebSocket messages written to clients.");
  out << "gadehold_ws_frames_sent_total " << ws_frames_sent.value() << '\n';
  header(out, "gadehold_ws_write_bursts_total", "counter",
         "Writes of several queued messages corked into one TCP send.");
  out << "gadehold_ws_write_bursts_total " << ws_write_bursts.value() << '\n';
  static constexpr const char* kinds[kAlertKinds] = {
      nullptr, "overdue", "sos", "understaffed", "small_patrol", "auto_closed", "need_support"};
  header(out, "gadehold_alerts_unacknowledged", "gauge",
         "Open alerts that nobody has acknowledged, by kind.");
  for (std::size_t k = 1; k < kAlertKinds; ++k) {
    out << "gadehold_alerts_unacknowledged{kind=\"" << kinds[k] << "\"} " << alerts_unacknowledged[k].value()
        << '\n';
  }
  header(out, "gadehold_alert_oldest_unacknowledged_seconds", "gauge",
         "Age of the oldest unacknowledged alert, by kind; 0 when there is none.");
  for (std::size_t k = 1; k < kAlertKinds; ++k) {
    out << "gadehold_alert_oldest_unacknowledged_seconds{kind=\"" << kinds[k] << "\"} "
        << alert_oldest_unacknowledged_s[k].value() << '\n';
  }
  header(out, "gadehold_build_info", "gauge", "The running build: always 1.");
  out << "gadehold_build_info{version=\"" << version() << "\",revision=\"" << git_revision() << "\"} 1\n";
  render(out, "gadehold_commit_seconds", "Time to run and commit one write batch.", commit_seconds);
  render(out, "gadehold_write_wait_seconds",
         "Time a write waited in the writer's queue before its batch began.", write_wait_seconds);
  render(out, "gadehold_checkpoint_seconds",
         "Time to copy the WAL back into the database file, on the checkpoint thread.", checkpoint_seconds);
  render(out, "gadehold_checkpoint_finish_seconds",
         "Time the writer spends finishing a checkpoint between two batches.", checkpoint_finish_seconds);
  render(out, "gadehold_write_batch_size", "Writes per group commit.", write_batch_size);
  render(out, "gadehold_request_seconds", "Time from a request's arrival to its reply.", request_seconds);
  render(out, "gadehold_push_total",
         "Web Push messages by kind and end: delivered, gone, rejected, dropped, expired.", push_total);
  render(out, "gadehold_push_retries_total", "Web Push deliveries tried again, by kind.", push_retries);
  render(out, "gadehold_push_delivery_seconds",
         "Time from queueing a Web Push message to the push service's 2xx.", push_delivery_seconds);
  header(out, "gadehold_push_connections", "gauge", "Open connections to push services.");
  out << "gadehold_push_connections " << push_connections.value() << '\n';
  header(out, "gadehold_push_subscriptions", "gauge", "Devices with a Web Push subscription.");
  out << "gadehold_push_subscriptions " << push_subscriptions.value() << '\n';
  return out.str();
}

Metrics& metrics() {
  static Metrics instance;
  return instance;
}

}  // namespace gadehold::core
