#pragma once
// The provisioned programme, cached in a file so that every load phase and process
// uses the same devices. The file holds device tokens: it is created with mode 0600
// in the benchmark's temporary folder and removed with it.
#include <string>
#include <vector>

namespace gadehold::load {

struct Device {
  std::string token;
  std::string volunteer_id;
  std::string team_id;
  std::string patrol_id;  // volunteers on a patrol; empty for leads and idle devices
};

struct Cache {
  std::string coordinator_token;
  std::string area_id;
  double lat = 55.6761;  // where the check-ins are (inside the area)
  double lon = 12.5683;
  std::vector<Device> volunteers;  // on patrols, in teams of equal size
  std::vector<Device> leads;       // lead i leads team of volunteers[i * team_size]
  std::vector<Device> idle;        // for the idle-connection phase

  void save(const std::string& path) const;
  static Cache load(const std::string& path);  // throws std::runtime_error
};

}  // namespace gadehold::load
