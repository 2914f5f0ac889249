#include "server/app/device_names.hpp"

#include "server/privacy/device_name.hpp"
#include "server/store/identity.hpp"

namespace gadehold::app {

std::int64_t relabel_device_names(store::Connection& conn) {
  std::int64_t renamed = 0;
  for (const auto& [id, name] : store::device_names(conn)) {
    const auto kept = privacy::device_name_to_store(name);
    if (kept == name) continue;
    store::rename_device(conn, id, kept);
    ++renamed;
  }
  return renamed;
}

}  // namespace gadehold::app
