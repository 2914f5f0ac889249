#include "load/loadgen/cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace gadehold::load {

namespace {
void write_device(std::ostream& out, const char* kind, const Device& d) {
  out << kind << ' ' << d.token << ' ' << d.volunteer_id << ' ' << d.team_id << ' '
      << (d.patrol_id.empty() ? "-" : d.patrol_id) << '\n';
}
}  // namespace

void Cache::save(const std::string& path) const {
  // Created private before anything is written to it.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create the device cache " + path);
  ::close(fd);
  std::ofstream out(path, std::ios::trunc);
  out.precision(10);
  out << "coordinator " << coordinator_token << '\n';
  out << "area " << area_id << ' ' << lat << ' ' << lon << '\n';
  for (const auto& d : volunteers) write_device(out, "volunteer", d);
  for (const auto& d : leads) write_device(out, "lead", d);
  for (const auto& d : idle) write_device(out, "idle", d);
  if (!out) throw std::runtime_error("cannot write the device cache " + path);
}

Cache Cache::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read the device cache " + path + "; run `gadehold-load provision` first");
  Cache c;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string kind;
    fields >> kind;
    if (kind == "coordinator") {
      fields >> c.coordinator_token;
    } else if (kind == "area") {
      fields >> c.area_id >> c.lat >> c.lon;
    } else if (kind == "volunteer" || kind == "lead" || kind == "idle") {
      Device d;
      fields >> d.token >> d.volunteer_id >> d.team_id >> d.patrol_id;
      if (d.patrol_id == "-") d.patrol_id.clear();
      auto& list = kind == "volunteer" ? c.volunteers : kind == "lead" ? c.leads : c.idle;
      list.push_back(std::move(d));
    } else if (!kind.empty()) {
      throw std::runtime_error("device cache " + path + ": unknown line kind '" + kind + "'");
    }
  }
  return c;
}

}  // namespace gadehold::load
