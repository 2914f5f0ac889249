#include "server/core/config.hpp"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/program_options.hpp>
#include <charconv>
#include <fstream>
#include <thread>

#include "server/core/address_ranges.hpp"

namespace po = boost::program_options;

namespace gadehold::core {

namespace {

// "--flag: what", built by appending (GCC 12 warns falsely on "literal" + std::string).
UsageError flag_error(const std::string& flag, std::string_view what) {
  std::string text("--");
  text.append(flag).append(": ").append(what);
  return UsageError(text);
}

std::uint16_t parse_port(std::string_view text, const std::string& whole, const std::string& flag) {
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value > 65535 || text.empty()) {
    throw flag_error(flag, std::string("bad port in '").append(whole).append("'"));
  }
  return static_cast<std::uint16_t>(value);
}

// HOST:PORT or [IPV6]:PORT, the value of `flag`.
ListenAddress parse_address(const std::string& text_in, const std::string& flag) {
  ListenAddress out;
  std::string_view text = text_in;
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      throw flag_error(flag, std::string("expected [IPV6]:PORT, got '").append(text_in).append("'"));
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      throw flag_error(flag, std::string("expected HOST:PORT, got '").append(text_in).append("'"));
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  out.port = parse_port(port, text_in, flag);
  out.host = host == "localhost" ? "127.0.0.1" : std::string(host);
  boost::system::error_code ec;
  boost::asio::ip::make_address(out.host, ec);
  if (ec) throw flag_error(flag, std::string("'").append(out.host).append("' is not an IP address"));
  return out;
}

template <class T>
void check_range(std::string_view flag, T value, T lo, T hi) {
  if (value < lo || value > hi) {
    throw UsageError("--" + std::string(flag) + ": " + std::to_string(value) + " is out of range " +
                     std::to_string(lo) + ".." + std::to_string(hi));
  }
}

}  // namespace

ListenAddress Config::listen_address() const { return parse_address(listen, "listen"); }

std::optional<ListenAddress> Config::metrics_listen_address() const {
  if (metrics_listen.empty()) return std::nullopt;
  return parse_address(metrics_listen, "metrics-listen");
}

unsigned Config::effective_threads() const {
  if (threads != 0) return threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

namespace {
// RFC 8292 section 2.1: a mailto: or https: URI. Checked here without net/'s parser, as
// text a push service's operator can use: a scheme, something after it, no spaces.
void validate_push_contact(const std::string& contact) {
  if (contact.empty()) return;
  const auto lower = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  const auto head = lower(contact.substr(0, 8));
  const bool mailto =
      head.rfind("mailto:", 0) == 0 && contact.size() > 7 && contact.find('@') != std::string::npos;
  const bool https = head == "https://" && contact.size() > 8;
  const bool clean = std::none_of(contact.begin(), contact.end(),
                                  [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; });
  if (!(mailto || https) || !clean) {
    throw UsageError(
        "--push-contact: must be a mailto: address or an https: URL, such as mailto:ops@example.org");
  }
}
}  // namespace

void Config::validate() const {
  auto address = listen_address();
  if (auto metrics = metrics_listen_address();
      metrics && metrics->port != 0 && metrics->port == address.port && metrics->host == address.host) {
    throw UsageError(
        "--metrics-listen: must not be the address of --listen: /metrics stays off the app port");
  }
  check_range<unsigned>("threads", threads, 0, 256);
  check_range<std::uint32_t>("max-message-bytes", max_message_bytes, 1024, 16 * 1024 * 1024);
  check_range<unsigned>("hello-timeout-s", hello_timeout_s, 1, 300);
  check_range<unsigned>("idle-timeout-s", idle_timeout_s, 5, 3600);
  check_range<unsigned>("outbound-queue-limit", outbound_queue_limit, 8, 65536);
  check_range<unsigned>("reader-pool-size", reader_pool_size, 1, 64);
  check_range<unsigned>("busy-timeout-ms", busy_timeout_ms, 0, 600000);
  check_range<unsigned>("wal-autocheckpoint-pages", wal_autocheckpoint_pages, 1, 1000000);
  check_range<unsigned>("shutdown-grace-s", shutdown_grace_s, 0, 600);
  check_range<double>("rate-limit-per-s", rate_limit_per_s, 0.1, 100000);
  check_range<double>("rate-limit-burst", rate_limit_burst, 1, 1000000);
  check_range<unsigned>("auth-failures-per-ip-per-min", auth_failures_per_ip_per_min, 1, 100000);
  check_range<unsigned>("max-connections-per-device", max_connections_per_device, 1, 1000);
  check_range<unsigned>("max-connections-per-address", max_connections_per_address, 1, 10000000);
  check_range<unsigned>("message-deadline-s", message_deadline_s, 1, 3600);
  try {
    AddressRanges::parse(trusted_proxies);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--trusted-proxies: ").append(e.what()));
  }
  check_range<unsigned>("invite-default-hours", invite_default_hours, 1, 720);
  check_range<unsigned>("min-patrol-size", min_patrol_size, 1, 20);
  check_range<unsigned>("overdue-grace-s", overdue_grace_s, 0, kMaxOverdueGraceS);
  check_range<unsigned>("escalation-delay-s", escalation_delay_s, 30, 86400);
  check_range<unsigned>("check-in-due-notice-s", check_in_due_notice_s, 0, 3600);
  check_range<unsigned>("planning-alerts-per-team-per-min", planning_alerts_per_team_per_min, 1, 10000);
  check_range<unsigned>("geohash-precision", geohash_precision, 4, 8);
  check_range<unsigned>("event-retention-days", event_retention_days, 1, 365);
  check_range<unsigned>("patrol-auto-close-h", patrol_auto_close_h, 1, 72);
  check_range<unsigned>("sign-up-horizon-days", sign_up_horizon_days, 1, 366);
  check_range<unsigned>("max-shift-hours-per-day", max_shift_hours_per_day, 1, 24);
  check_range<unsigned>("late-withdrawal-h", late_withdrawal_h, 0, 720);
  check_range<unsigned>("understaffed-window-h", understaffed_window_h, 1, 720);
  check_range<unsigned>("shift-reminder-min", shift_reminder_min, 1, 10080);
  check_range<unsigned>("retention-note-text-days", retention_note_text_days, 1, 3650);
  check_range<unsigned>("retention-alert-message-days", retention_alert_message_days, 1, 3650);
  check_range<unsigned>("retention-alert-note-days", retention_alert_note_days, 1, 3650);
  check_range<unsigned>("retention-shift-text-days", retention_shift_text_days, 1, 3650);
  check_range<unsigned>("retention-shift-reason-days", retention_shift_reason_days, 1, 3650);
  check_range<unsigned>("retention-patrol-message-days", retention_patrol_message_days, 1, 3650);
  check_range<unsigned>("retention-check-in-days", retention_check_in_days, 1, 3650);
  check_range<unsigned>("retention-invite-days", retention_invite_days, 1, 3650);
  check_range<unsigned>("retention-audit-days", retention_audit_days, 1, 3650);
  check_range<unsigned>("retention-revoked-device-days", retention_revoked_device_days, 1, 3650);
  static const char* levels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  if (std::find(std::begin(levels), std::end(levels), log_level) == std::end(levels)) {
    throw UsageError("--log-level: '" + log_level +
                     "' is not one of trace, debug, info, warn, error, critical, off");
  }
  if (tls_cert.empty() != tls_key.empty()) {
    throw UsageError("--tls-cert and --tls-key must be given together");
  }
  if (db.empty()) throw UsageError("--db: must not be empty");
  validate_push_contact(push_contact);
  if (!push_ca_file.empty() && !std::ifstream(push_ca_file).good()) {
    throw UsageError("--push-ca-file: cannot read '" + push_ca_file + "'");
  }
  auto ip = boost::asio::ip::make_address(address.host);
  if (!ip.is_loopback() && !tls_enabled() && !behind_proxy) {
    throw UsageError("--listen: plain ws on non-loopback address " + address.host +
                     " needs --tls-cert/--tls-key or --behind-proxy");
  }
}

void add_database_options(po::options_description& desc, Config& cfg) {
  desc.add_options()("config", po::value<std::string>(), "INI file with any of these keys; flags win")(
      "db", po::value(&cfg.db)->default_value(cfg.db), "SQLite database file")(
      "busy-timeout-ms", po::value(&cfg.busy_timeout_ms)->default_value(cfg.busy_timeout_ms),
      "how long a connection waits for another writer's lock")(
      "log-level", po::value(&cfg.log_level)->default_value(cfg.log_level),
      "trace, debug, info, warn, error, critical or off");
}

void add_retention_options(po::options_description& desc, Config& cfg) {
  desc.add_options()("event-retention-days",
                     po::value(&cfg.event_retention_days)->default_value(cfg.event_retention_days),
                     "days events stay available to Sync; older cursors must resync")(
      "retention-note-text-days",
      po::value(&cfg.retention_note_text_days)->default_value(cfg.retention_note_text_days),
      "days before a note's free text is cleared; its category, outcome and age band stay")(
      "retention-alert-message-days",
      po::value(&cfg.retention_alert_message_days)->default_value(cfg.retention_alert_message_days),
      "days after an alert was raised before its message (an SOS's text) is cleared")(
      "retention-alert-note-days",
      po::value(&cfg.retention_alert_note_days)->default_value(cfg.retention_alert_note_days),
      "days after an acknowledgement or a resolve before its note is cleared")(
      "retention-shift-text-days",
      po::value(&cfg.retention_shift_text_days)->default_value(cfg.retention_shift_text_days),
      "days after a shift ends before its title and notes are cleared; the shift stays")(
      "retention-shift-reason-days",
      po::value(&cfg.retention_shift_reason_days)->default_value(cfg.retention_shift_reason_days),
      "days before a shift's cancel reason is cleared (withdraw reasons live only in the event log)")(
      "retention-patrol-message-days",
      po::value(&cfg.retention_patrol_message_days)->default_value(cfg.retention_patrol_message_days),
      "days before a message to a patrol is deleted")(
      "retention-check-in-days",
      po::value(&cfg.retention_check_in_days)->default_value(cfg.retention_check_in_days),
      "days before check-ins are folded into daily per-area counts and deleted")(
      "retention-invite-days",
      po::value(&cfg.retention_invite_days)->default_value(cfg.retention_invite_days),
      "days after use or expiry before an invite is deleted")(
      "retention-audit-days", po::value(&cfg.retention_audit_days)->default_value(cfg.retention_audit_days),
      "days the audit log is kept")(
      "retention-revoked-device-days",
      po::value(&cfg.retention_revoked_device_days)->default_value(cfg.retention_revoked_device_days),
      "days after revocation before a device is deleted");
}

void add_serve_options(po::options_description& desc, Config& cfg) {
  desc.add_options()("listen", po::value(&cfg.listen)->default_value(cfg.listen),
                     "HOST:PORT to listen on; port 0 picks a free port")(
      "metrics-listen", po::value(&cfg.metrics_listen)->default_value(cfg.metrics_listen),
      "HOST:PORT of the plain-HTTP listener for /metrics and the full /healthz; port 0 picks a free "
      "port; empty: none")("threads", po::value(&cfg.threads)->default_value(cfg.threads),
                           "network threads; 0 means one per core")("tls-cert", po::value(&cfg.tls_cert),
                                                                    "PEM certificate chain; enables TLS")(
      "tls-key", po::value(&cfg.tls_key), "PEM private key for --tls-cert")(
      "behind-proxy", po::bool_switch(&cfg.behind_proxy),
      "plain ws on a non-loopback address, behind a TLS-terminating proxy")(
      "max-message-bytes", po::value(&cfg.max_message_bytes)->default_value(cfg.max_message_bytes),
      "largest WebSocket message accepted; larger ones close with 1009")(
      "hello-timeout-s", po::value(&cfg.hello_timeout_s)->default_value(cfg.hello_timeout_s),
      "seconds a new connection has to authenticate")(
      "idle-timeout-s", po::value(&cfg.idle_timeout_s)->default_value(cfg.idle_timeout_s),
      "seconds of silence before a connection is dropped; pings are sent at half")(
      "outbound-queue-limit", po::value(&cfg.outbound_queue_limit)->default_value(cfg.outbound_queue_limit),
      "messages queued for one slow client before it is closed with 1008")(
      "reader-pool-size", po::value(&cfg.reader_pool_size)->default_value(cfg.reader_pool_size),
      "read-only SQLite connections")(
      "wal-autocheckpoint-pages",
      po::value(&cfg.wal_autocheckpoint_pages)->default_value(cfg.wal_autocheckpoint_pages),
      "WAL size in 4 KiB pages at which the checkpoint thread copies it back into the database file")(
      "shutdown-grace-s", po::value(&cfg.shutdown_grace_s)->default_value(cfg.shutdown_grace_s),
      "seconds to let clients close before a forced shutdown")(
      "log-file", po::value(&cfg.log_file),
      "append the log to this file, reopened on SIGHUP; default stderr")(
      "log-json", po::bool_switch(&cfg.log_json), "log JSON lines (ts, level, msg) instead of text")(
      "rate-limit-per-s", po::value(&cfg.rate_limit_per_s)->default_value(cfg.rate_limit_per_s),
      "requests per second one device may make on average")(
      "rate-limit-burst", po::value(&cfg.rate_limit_burst)->default_value(cfg.rate_limit_burst),
      "requests one device may make in a burst")(
      "auth-failures-per-ip-per-min",
      po::value(&cfg.auth_failures_per_ip_per_min)->default_value(cfg.auth_failures_per_ip_per_min),
      "failed Hello/RedeemInvite attempts one client address may make per minute")(
      "trusted-proxies", po::value(&cfg.trusted_proxies)->default_value(cfg.trusted_proxies),
      "with --behind-proxy, the proxies (addresses or CIDRs, comma-separated) whose X-Forwarded-For is "
      "believed")(
      "max-connections-per-device",
      po::value(&cfg.max_connections_per_device)->default_value(cfg.max_connections_per_device),
      "WebSocket connections one device may hold; a newer one closes the oldest with 1008 replaced")(
      "max-connections-per-address",
      po::value(&cfg.max_connections_per_address)->default_value(cfg.max_connections_per_address),
      "WebSocket connections one client address may hold; more are refused with HTTP 503")(
      "message-deadline-s", po::value(&cfg.message_deadline_s)->default_value(cfg.message_deadline_s),
      "seconds a WebSocket message has to arrive whole once it has begun, else 1008")(
      "invite-default-hours", po::value(&cfg.invite_default_hours)->default_value(cfg.invite_default_hours),
      "how long an invite code is valid when the request does not say")(
      "min-patrol-size", po::value(&cfg.min_patrol_size)->default_value(cfg.min_patrol_size),
      "patrols starting with fewer volunteers raise a warning to the team's leads")(
      "overdue-grace-s", po::value(&cfg.overdue_grace_s)->default_value(cfg.overdue_grace_s),
      "seconds past a patrol's check-in interval before it is overdue")(
      "escalation-delay-s", po::value(&cfg.escalation_delay_s)->default_value(cfg.escalation_delay_s),
      "seconds an overdue alert may stay unacknowledged before it goes to the coordinators")(
      "check-in-due-notice-s",
      po::value(&cfg.check_in_due_notice_s)->default_value(cfg.check_in_due_notice_s),
      "seconds before a patrol's check-in is due that its members get a reminder (0: none)")(
      "planning-alerts-per-team-per-min",
      po::value(&cfg.planning_alerts_per_team_per_min)->default_value(cfg.planning_alerts_per_team_per_min),
      "small-patrol alerts a team's leads get a minute at most; SOS, need-support and overdue are never held "
      "back")("geohash-precision", po::value(&cfg.geohash_precision)->default_value(cfg.geohash_precision),
              "characters of geohash kept for a location (4 to 8; 6 is about 1.2 x 0.6 km)")(
      "places-file", po::value(&cfg.places_files)->composing(),
      "a file of places and venues the scrubber keeps, one per line, besides the shipped Liverpool and "
      "Copenhagen ones; repeatable; read at start")(
      "patrol-auto-close-h", po::value(&cfg.patrol_auto_close_h)->default_value(cfg.patrol_auto_close_h),
      "hours without a check-in or end after which a patrol is closed and flagged")(
      "sign-up-horizon-days", po::value(&cfg.sign_up_horizon_days)->default_value(cfg.sign_up_horizon_days),
      "how many days ahead volunteers may sign up for a shift")(
      "max-shift-hours-per-day",
      po::value(&cfg.max_shift_hours_per_day)->default_value(cfg.max_shift_hours_per_day),
      "most hours of shifts one volunteer may hold within any 24 hours")(
      "late-withdrawal-h", po::value(&cfg.late_withdrawal_h)->default_value(cfg.late_withdrawal_h),
      "a withdrawal this many hours or less before the start is flagged to the leads")(
      "understaffed-window-h",
      po::value(&cfg.understaffed_window_h)->default_value(cfg.understaffed_window_h),
      "hours before the start from which a shift under its minimum raises an alert")(
      "shift-reminder-min", po::value(&cfg.shift_reminder_min)->default_value(cfg.shift_reminder_min),
      "minutes before the start at which signed-up volunteers get a reminder")(
      "push-contact", po::value(&cfg.push_contact),
      "mailto: or https: URI that push services may use to reach the operator (the VAPID sub); unset: no Web "
      "Push is sent")("push-ca-file", po::value(&cfg.push_ca_file),
                      "PEM file of CAs trusted for push services besides the system's (a private UnifiedPush "
                      "distributor)")(
      "push-allow-private-endpoints", po::bool_switch(&cfg.push_allow_private_endpoints),
      "let push endpoints be loopback, private or link-local addresses (a distributor on your own network); "
      "off, phones cannot make the server reach into its network");
}

namespace {

std::string as_text(const boost::any& value) {
  if (const auto* s = boost::any_cast<std::string>(&value)) return *s;
  if (const auto* u = boost::any_cast<unsigned>(&value)) return std::to_string(*u);
  if (const auto* d = boost::any_cast<double>(&value)) return std::to_string(*d);
  if (const auto* b = boost::any_cast<bool>(&value)) return *b ? "true" : "false";
  return "?";
}

}  // namespace

bool reloadable(std::string_view key) {
  static constexpr std::string_view keys[] = {"log-level", "log-file", "log-json", "tls-cert", "tls-key"};
  return std::find(std::begin(keys), std::end(keys), key) != std::end(keys);
}

bool parse_options(const std::vector<std::string>& args, po::options_description& desc,
                   OptionValues* values) {
  desc.add_options()("help,h", "show this help");
  po::variables_map vm;
  try {
    const po::positional_options_description no_positionals;
    po::store(po::command_line_parser(args).options(desc).positional(no_positionals).run(), vm);
    if (vm.count("help")) return true;
    if (desc.find_nothrow("config", false) != nullptr && vm.count("config")) {
      const auto path = vm["config"].as<std::string>();
      std::ifstream file(path);
      if (!file) throw UsageError("--config: cannot read '" + path + "'");
      po::store(po::parse_config_file(file, desc, false), vm);
    }
    po::notify(vm);
    if (values != nullptr) {
      values->clear();
      for (const auto& [key, value] : vm) {
        if (key != "config") (*values)[key] = as_text(value.value());
      }
    }
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return false;
}

}  // namespace gadehold::core
