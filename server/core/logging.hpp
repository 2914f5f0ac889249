#pragma once
// One spdlog logger to stderr, a line per event. Log events, never contents: no tokens,
// invite codes, note text or coordinates, at any level.
#include <string>

#include <spdlog/spdlog.h>

namespace gadehold::core {

// Sets up the default logger at `level` (validated by Config). Safe to call again.
void setup_logging(const std::string& level);

}  // namespace gadehold::core
