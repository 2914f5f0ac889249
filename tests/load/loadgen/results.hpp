#pragma once
// What one load process measured. Processes write theirs to a file; the parent adds
// them up, so counters sum and histograms merge.
#include <cstdint>
#include <fstream>
#include <map>
#include <string>

#include "load/loadgen/histogram.hpp"

namespace gadehold::load {

struct Results {
  std::map<std::string, std::uint64_t> counters;  // e.g. "acked", "error.UNAVAILABLE", "close.1008"
  Histogram ack_us;                                // send (or intended send) to Ack
  Histogram push_us;                               // check-in sent to its push at a lead
  Histogram lag_us;                                // open loop: intended send time to the send
  double measured_s = 0;                           // length of the measuring window

  void add(const Results& other) {
    for (const auto& [k, v] : other.counters) counters[k] += v;
    ack_us.merge(other.ack_us);
    push_us.merge(other.push_us);
    lag_us.merge(other.lag_us);
    measured_s = std::max(measured_s, other.measured_s);
  }

  std::uint64_t get(const std::string& key) const {
    auto it = counters.find(key);
    return it == counters.end() ? 0 : it->second;
  }

  void save(const std::string& path) const {
    std::ofstream out(path);
    out << "measured_s " << measured_s << '\n';
    for (const auto& [k, v] : counters) out << "counter " << k << ' ' << v << '\n';
    out << "ack " << ack_us.serialize() << '\n';
    out << "push " << push_us.serialize() << '\n';
    out << "lag " << lag_us.serialize() << '\n';
  }

  static Results load(const std::string& path) {
    Results r;
    std::ifstream in(path);
    std::string kind;
    while (in >> kind) {
      if (kind == "measured_s") {
        in >> r.measured_s;
      } else if (kind == "counter") {
        std::string key;
        std::uint64_t value = 0;
        in >> key >> value;
        r.counters[key] += value;
      } else {
        std::string rest;
        std::getline(in, rest);
        (kind == "ack" ? r.ack_us : kind == "push" ? r.push_us : r.lag_us) = Histogram::parse(rest);
      }
    }
    return r;
  }
};

}  // namespace gadehold::load
