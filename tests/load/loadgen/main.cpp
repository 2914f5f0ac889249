// gadehold-load: provisions a programme over the protocol, then drives a running
// `gadehold serve` with check-ins (closed or open loop) or idle connections, and
// reports throughput, latency percentiles, push latency and errors. See
// docs/performance.md.
//
//   gadehold-load provision --port P --coordinator-invite CODE --cache FILE
//                           [--volunteers N] [--team-size S] [--leads M] [--idle I]
//   gadehold-load closed|open|idle --port P --cache FILE [--metrics-port M]
//                           [--connections N]
//                           [--inflight K] [--rate R] [--warmup S] [--duration S]
//                           [--leads M] [--slow-reader] [--procs P] [--sources K]
//                           [--server-pid PID] [--json FILE]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "load/loadgen/provision.hpp"
#include "load/loadgen/runner.hpp"
#include "load/loadgen/server_probe.hpp"

using namespace gadehold::load;

namespace {

struct Args {
  std::map<std::string, std::string> values;
  bool has(const std::string& k) const { return values.count(k) > 0; }
  std::string get(const std::string& k, const std::string& fallback = "") const {
    auto it = values.find(k);
    return it == values.end() ? fallback : it->second;
  }
  double num(const std::string& k, double fallback) const {
    if (!has(k)) return fallback;
    try {
      std::size_t used = 0;
      const double v = std::stod(get(k), &used);
      if (used != get(k).size() || !std::isfinite(v) || v < 0) throw std::invalid_argument(k);
      return v;
    } catch (const std::exception&) {
      throw std::invalid_argument("--" + k + ": expected a non-negative number, got '" + get(k) + "'");
    }
  }
};

Args parse(int argc, char** argv, int from) {
  Args a;
  for (int i = from; i < argc; ++i) {
    std::string key = argv[i];
    if (key.rfind("--", 0) != 0) throw std::invalid_argument("unexpected argument '" + key + "'");
    key = key.substr(2);
    if (key == "slow-reader") {
      a.values[key] = "1";
    } else if (i + 1 < argc) {
      a.values[key] = argv[++i];
    } else {
      throw std::invalid_argument("--" + key + " needs a value");
    }
  }
  return a;
}

// Raises the soft limit on open files to the hard limit; returns the new soft limit.
rlim_t raise_nofile() {
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;
  setrlimit(RLIMIT_NOFILE, &lim);
  getrlimit(RLIMIT_NOFILE, &lim);
  return lim.rlim_cur;
}

double ms(std::uint64_t us) { return static_cast<double>(us) / 1000.0; }

int provision_command(const Args& a) {
  ProvisionPlan plan;
  plan.port = static_cast<unsigned short>(a.num("port", 8080));
  plan.coordinator_invite = a.get("coordinator-invite");
  plan.volunteers = static_cast<std::size_t>(a.num("volunteers", 1000));
  plan.team_size = std::max<std::size_t>(1, static_cast<std::size_t>(a.num("team-size", 2)));
  plan.leads = static_cast<std::size_t>(a.num("leads", 50));
  plan.idle = static_cast<std::size_t>(a.num("idle", 0));
  if (plan.coordinator_invite.empty() || !a.has("cache")) {
    throw std::invalid_argument("provision needs --coordinator-invite and --cache");
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto cache = provision(plan);
  cache.save(a.get("cache"));
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - t0;
  std::cout << "provisioned " << cache.volunteers.size() << " volunteers on patrols, " << cache.leads.size()
            << " leads and " << cache.idle.size() << " idle devices in " << took.count() << " s\n";
  return 0;
}

// Splits the devices between processes. Volunteers go by team, so each lead is in the
// process that sends its team's check-ins.
std::vector<Share> split(const Cache& cache, Mode mode, std::size_t connections, std::size_t leads, bool slow_reader,
                         std::size_t procs) {
  std::vector<Share> shares(procs);
  for (auto& s : shares) {
    s.lat = cache.lat;
    s.lon = cache.lon;
  }
  const auto& pool = mode == Mode::idle ? cache.idle : cache.volunteers;
  if (connections > pool.size()) {
    throw std::invalid_argument("--connections " + std::to_string(connections) + ": the cache has only " +
                                std::to_string(pool.size()) + (mode == Mode::idle ? " idle devices" : " volunteers"));
  }
  std::map<std::string, std::size_t> team_share;
  for (std::size_t i = 0; i < connections; ++i) {
    const auto& d = pool[i];
    auto [it, fresh] = team_share.emplace(d.team_id, team_share.size() % procs);
    shares[mode == Mode::idle ? i * procs / connections : it->second].volunteers.push_back(d);
  }
  if (mode != Mode::idle) {
    for (std::size_t i = 0; i < std::min(leads, cache.leads.size()); ++i) {
      auto it = team_share.find(cache.leads[i].team_id);
      if (it != team_share.end()) shares[it->second].leads.push_back(cache.leads[i]);
    }
    if (slow_reader) shares[0].slow_reader_token = cache.coordinator_token;
  }
  return shares;
}

struct Monitor {
  std::uint64_t rss_before_kib = 0;
  std::uint64_t rss_peak_kib = 0;    // the most seen while every connection was open
  std::uint64_t rss_held_kib = 0;    // the last reading while every connection was open
  std::uint64_t anon_before_kib = 0;
  std::uint64_t anon_held_kib = 0;
  double open_peak = 0;
};

void write_json(const std::string& path, const std::string& mode, const Results& r,
                const std::map<std::string, double>& extra) {
  std::ostringstream j;
  j.precision(6);
  j << std::fixed;
  j << "{\n  \"mode\": \"" << mode << "\",\n  \"measured_s\": " << r.measured_s;
  for (const auto& [k, v] : extra) j << ",\n  \"" << k << "\": " << v;
  j << ",\n  \"counters\": {";
  bool first = true;
  for (const auto& [k, v] : r.counters) {
    j << (first ? "" : ",") << "\n    \"" << k << "\": " << v;
    first = false;
  }
  j << "\n  }\n}\n";
  std::ofstream(path) << j.str();
}

int run_command(Mode mode, const std::string& mode_name, const Args& a) {
  RunPlan plan;
  plan.mode = mode;
  plan.port = static_cast<unsigned short>(a.num("port", 8080));
  plan.inflight = static_cast<unsigned>(a.num("inflight", 1));
  plan.warmup_s = a.num("warmup", mode == Mode::idle ? 0 : 2);
  plan.duration_s = a.num("duration", 10);
  plan.sources = static_cast<unsigned>(a.num("sources", 8));
  if (!a.has("cache")) throw std::invalid_argument("--cache is required");
  const auto cache = Cache::load(a.get("cache"));
  const auto& pool = mode == Mode::idle ? cache.idle : cache.volunteers;
  const auto connections = static_cast<std::size_t>(a.num("connections", static_cast<double>(pool.size())));
  const auto leads = static_cast<std::size_t>(a.num("leads", mode == Mode::idle ? 0 : 50));
  const auto nofile = raise_nofile();
  // Each process needs a descriptor per connection and a few of its own.
  const auto per_proc = static_cast<std::size_t>(nofile > 512 ? nofile - 256 : nofile / 2);
  const auto wanted = connections + leads + 1;
  auto procs = static_cast<std::size_t>(a.num("procs", static_cast<double>((wanted + per_proc - 1) / per_proc)));
  procs = std::max<std::size_t>(1, procs);
  const auto shares = split(cache, mode, connections, leads, a.has("slow-reader"), procs);
  const double total_rate = a.num("rate", 1000);
  const pid_t server_pid = static_cast<pid_t>(a.num("server-pid", 0));

  // The server serves /metrics only on its metrics listener (metrics-listen), never on
  // the app port: the batch sizes and the connection count come from there.
  const auto metrics_port = static_cast<unsigned short>(a.num("metrics-port", 9464));
  Monitor mon;
  const auto metrics_before = scrape_metrics(metrics_port);
  if (metric(metrics_before, "gadehold_write_batch_size_count") < 0) {
    throw std::runtime_error(std::string("no /metrics on 127.0.0.1:")
                                 .append(std::to_string(metrics_port))
                                 .append("; give --metrics-port, the port of the server's metrics-listen"));
  }
  if (server_pid > 0) {
    mon.rss_before_kib = rss_kib(server_pid);
    mon.anon_before_kib = rss_kib(server_pid, "RssAnon:");
  }

  const std::string tmp = "/tmp/gadehold-load." + std::to_string(::getpid());
  std::vector<pid_t> children;
  for (std::size_t p = 0; p < procs; ++p) {
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      int code = 0;
      try {
        auto share_plan = plan;
        share_plan.rate = total_rate / static_cast<double>(procs);
        run_share(share_plan, shares[p]).save(tmp + "." + std::to_string(p));
      } catch (const std::exception& e) {
        std::cerr << "gadehold-load: process " << p << ": " << e.what() << '\n';
        code = 1;
      }
      std::cout.flush();
      ::_exit(code);
    }
    children.push_back(pid);
  }
  // While the processes run, watch the server: its memory, and how many connections it
  // holds (the idle phase reads both at the peak).
  std::size_t running = children.size();
  int failures = 0;
  while (running > 0) {
    for (auto& pid : children) {
      if (pid <= 0) continue;
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failures;
        pid = 0;
        --running;
      }
    }
    if (running == 0) break;
    if (server_pid > 0 && mode == Mode::idle) {
      const double open = metric(scrape_metrics(metrics_port), "gadehold_open_connections");
      if (open > mon.open_peak) mon.open_peak = open;
      if (open >= mon.open_peak) {
        mon.rss_held_kib = rss_kib(server_pid);
        mon.anon_held_kib = rss_kib(server_pid, "RssAnon:");
        mon.rss_peak_kib = std::max(mon.rss_peak_kib, mon.rss_held_kib);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(mode == Mode::idle ? 250 : 50));
  }
  Results total;
  for (std::size_t p = 0; p < procs; ++p) {
    const auto path = tmp + "." + std::to_string(p);
    total.add(Results::load(path));
    ::unlink(path.c_str());
  }
  const auto metrics_after = scrape_metrics(metrics_port);

  std::map<std::string, double> out;
  out["processes"] = static_cast<double>(procs);
  out["connections"] = static_cast<double>(connections);
  out["nofile_limit_per_process"] = static_cast<double>(nofile);
  std::cout << "gadehold-load " << mode_name << ": " << connections << " connections in " << procs << " process(es)\n";
  if (mode == Mode::idle) {
    out["established"] = static_cast<double>(total.get("connected"));
    out["held"] = static_cast<double>(total.get("held"));
    out["dropped"] = static_cast<double>(total.get("dropped"));
    if (server_pid > 0) {
      const auto limit = nofile_limit(server_pid);
      out["server_nofile_limit"] = static_cast<double>(limit);
      out["server_open_peak"] = mon.open_peak;
      out["server_rss_before_kib"] = static_cast<double>(mon.rss_before_kib);
      out["server_rss_peak_kib"] = static_cast<double>(mon.rss_peak_kib);
      out["server_rss_held_kib"] = static_cast<double>(mon.rss_held_kib);
      if (mon.open_peak > 0) {
        const auto before = static_cast<double>(mon.rss_before_kib);
        // Per connection while held (the end of the hold), and at the worst moment.
        out["rss_per_conn_kib"] = (static_cast<double>(mon.rss_held_kib) - before) / mon.open_peak;
        out["rss_peak_per_conn_kib"] = (static_cast<double>(mon.rss_peak_kib) - before) / mon.open_peak;
        out["anon_per_conn_kib"] =
            (static_cast<double>(mon.anon_held_kib) - static_cast<double>(mon.anon_before_kib)) / mon.open_peak;
      }
    }
  } else {
    out["acked"] = static_cast<double>(total.get("acked"));
    out["acked_per_s"] = static_cast<double>(total.get("acked")) / total.measured_s;
    out["offered_per_s"] = mode == Mode::open ? total_rate : 0;
    out["p50_ms"] = ms(total.ack_us.percentile(50));
    out["p90_ms"] = ms(total.ack_us.percentile(90));
    out["p99_ms"] = ms(total.ack_us.percentile(99));
    out["p999_ms"] = ms(total.ack_us.percentile(99.9));
    out["max_ms"] = ms(total.ack_us.max());
    out["push_count"] = static_cast<double>(total.push_us.count());
    out["push_p50_ms"] = ms(total.push_us.percentile(50));
    out["push_p99_ms"] = ms(total.push_us.percentile(99));
    if (mode == Mode::open) {
      // How late the generator itself sent, from the intended time: part of every
      // latency above, and not the server's.
      out["send_lag_p50_ms"] = ms(total.lag_us.percentile(50));
      out["send_lag_p99_ms"] = ms(total.lag_us.percentile(99));
    }
    const double commits = metric(metrics_after, "gadehold_write_batch_size_count") -
                           metric(metrics_before, "gadehold_write_batch_size_count");
    const double writes = metric(metrics_after, "gadehold_write_batch_size_sum") -
                          metric(metrics_before, "gadehold_write_batch_size_sum");
    out["server_commits"] = commits;
    out["mean_batch"] = commits > 0 ? writes / commits : 0;
  }
  for (const auto& [k, v] : out) std::cout << "  " << k << " = " << v << '\n';
  for (const auto& [k, v] : total.counters) std::cout << "  count " << k << " = " << v << '\n';
  if (a.has("json")) write_json(a.get("json"), mode_name, total, out);
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: gadehold-load provision|closed|open|idle [options]; see docs/performance.md\n";
    return 2;
  }
  const std::string command = argv[1];
  try {
    const auto args = parse(argc, argv, 2);
    if (command == "provision") return provision_command(args);
    if (command == "closed") return run_command(Mode::closed, command, args);
    if (command == "open") return run_command(Mode::open, command, args);
    if (command == "idle") return run_command(Mode::idle, command, args);
    std::cerr << "gadehold-load: unknown command '" << command << "'\n";
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << "gadehold-load: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "gadehold-load: " << e.what() << '\n';
    return 1;
  }
}
