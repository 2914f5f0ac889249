#pragma once
// Build identity, filled in at configure time.
#include <string_view>

namespace gadehold::core {

std::string_view version();       // "0.1.0"
std::string_view git_revision();  // short hash, or "unknown"

}  // namespace gadehold::core
