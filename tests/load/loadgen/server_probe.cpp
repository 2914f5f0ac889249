#include "load/loadgen/server_probe.hpp"

#include <fstream>
#include <sstream>

#include "support/ws_client.hpp"

namespace gadehold::load {

std::string scrape_metrics(unsigned short port) {
  try {
    return test::http_get(port, "/metrics").body;
  } catch (const std::exception&) {
    return {};
  }
}

double metric(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > name.size() && line.compare(0, name.size(), name) == 0 && line[name.size()] == ' ') {
      try {
        return std::stod(line.substr(name.size() + 1));
      } catch (const std::exception&) {
        return -1;
      }
    }
  }
  return -1;
}

std::uint64_t rss_kib(pid_t pid, const char* field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (in >> key) {
    if (key == field) {
      std::uint64_t kib = 0;
      in >> kib;
      return kib;
    }
    in.ignore(1 << 16, '\n');
  }
  return 0;
}

std::uint64_t nofile_limit(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/limits");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Max open files", 0) == 0) {
      std::istringstream fields(line.substr(14));
      std::uint64_t soft = 0;
      fields >> soft;
      return soft;
    }
  }
  return 0;
}

}  // namespace gadehold::load
