#pragma once
// Settings of `gadehold serve` and the other subcommands. Every key can come from the
// INI file given by --config or from a flag of the same name; the flag wins.
#include <boost/program_options/options_description.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace gadehold::core {

// A bad flag, a bad value or an unreadable config file: the CLI exits 2 with its message.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ListenAddress {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
};

// The longest grace `overdue-grace-s` allows.
inline constexpr unsigned kMaxOverdueGraceS = 3600;

struct Config {
  std::string listen = "127.0.0.1:8080";
  // The plain-HTTP listener for /metrics and the full /healthz; empty: none.
  std::string metrics_listen = "127.0.0.1:9464";
  std::string db = "./var/gadehold.db";
  unsigned threads = 0;  // 0: one per core
  std::string tls_cert;
  std::string tls_key;
  bool behind_proxy = false;
  std::string log_level = "info";
  std::string log_file;  // empty: stderr
  bool log_json = false;
  std::uint32_t max_message_bytes = 64 * 1024;
  unsigned hello_timeout_s = 10;
  unsigned idle_timeout_s = 60;
  unsigned outbound_queue_limit = 256;
  unsigned reader_pool_size = 4;
  unsigned busy_timeout_ms = 5000;
  unsigned wal_autocheckpoint_pages = 1000;
  unsigned shutdown_grace_s = 5;
  double rate_limit_per_s = 20;
  double rate_limit_burst = 100;
  unsigned auth_failures_per_ip_per_min = 30;
  // Peers whose X-Forwarded-For is believed (with behind_proxy): addresses or CIDRs.
  std::string trusted_proxies = "127.0.0.1/32, ::1";
  unsigned max_connections_per_device = 3;  // the newest wins; the oldest closes "replaced"
  unsigned max_connections_per_address = 20000;
  unsigned message_deadline_s = 10;  // a message that has begun must be complete within it
  unsigned invite_default_hours = 72;
  unsigned min_patrol_size = 2;
  unsigned overdue_grace_s = 300;  // at most kMaxOverdueGraceS
  unsigned escalation_delay_s = 600;
  unsigned check_in_due_notice_s = 120;  // 0: no check_in_due reminders
  unsigned planning_alerts_per_team_per_min = 20;
  unsigned geohash_precision = 6;
  std::vector<std::string> places_files;  // more places the scrubber keeps (places-file)
  unsigned event_retention_days = 14;
  unsigned patrol_auto_close_h = 12;
  unsigned sign_up_horizon_days = 60;
  unsigned max_shift_hours_per_day = 8;
  unsigned late_withdrawal_h = 24;
  unsigned understaffed_window_h = 48;
  unsigned shift_reminder_min = 120;
  // Free text, one limit per class (docs/security.md, "Retention").
  unsigned retention_note_text_days = 90;
  unsigned retention_alert_message_days = 90;
  unsigned retention_alert_note_days = 90;
  unsigned retention_shift_text_days = 90;
  unsigned retention_shift_reason_days = 90;
  unsigned retention_patrol_message_days = 90;
  unsigned retention_check_in_days = 180;
  unsigned retention_invite_days = 7;
  unsigned retention_audit_days = 365;
  unsigned retention_revoked_device_days = 30;
  // Web Push: the VAPID `sub` (mailto: or https:), which push services use to reach the
  // operator; empty: no push is sent. And a PEM file of CAs trusted besides the system's.
  std::string push_contact;
  std::string push_ca_file;
  // Lets push endpoints resolve to loopback, private and link-local addresses: for a
  // UnifiedPush distributor on the operator's own network, and the tests. Off: refused.
  bool push_allow_private_endpoints = false;

  ListenAddress listen_address() const;  // parsed `listen`; throws UsageError
  // Parsed `metrics-listen`; nothing when it is empty. Throws UsageError.
  std::optional<ListenAddress> metrics_listen_address() const;
  bool tls_enabled() const { return !tls_cert.empty(); }
  unsigned effective_threads() const;
  void validate() const;  // throws UsageError naming the flag
};

// Options that every subcommand reading a database accepts.
void add_database_options(boost::program_options::options_description& desc, Config& cfg);
// Retention limits per data class: `serve` and `purge`.
void add_retention_options(boost::program_options::options_description& desc, Config& cfg);
// Options of `serve` beyond the database and retention ones.
void add_serve_options(boost::program_options::options_description& desc, Config& cfg);

// Parses `args` (without the program and subcommand names) against `desc`, then the INI
// file named by --config if `desc` has that option. Flags win over the file. Throws
// UsageError on unknown options, bad values and unreadable files. Returns true when
// --help was given.
// `values`, if given, receives every option's value as text, by key: what a reload
// compares.
using OptionValues = std::map<std::string, std::string>;
bool parse_options(const std::vector<std::string>& args, boost::program_options::options_description& desc,
                   OptionValues* values = nullptr);

// The keys `serve` applies again on SIGHUP. A change to any other key is logged and
// waits for a restart.
bool reloadable(std::string_view key);

}  // namespace gadehold::core
