#pragma once
// Device names stored before they had rules (privacy/device_name.hpp): the retention
// run replaces every one that would not be kept today by its label.
#include <cstdint>

#include "server/store/sqlite/connection.hpp"

namespace gadehold::app {

// Renames each device whose name privacy::device_name_to_store would not keep; returns
// how many. Inside the caller's transaction.
std::int64_t relabel_device_names(store::Connection& conn);

}  // namespace gadehold::app
