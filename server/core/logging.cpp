#include "server/core/logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>

namespace gadehold::core {

void setup_logging(const std::string& level) {
  static auto logger = [] {
    auto l = spdlog::stderr_logger_mt("gadehold");
    l->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");
    spdlog::set_default_logger(l);
    return l;
  }();
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::info);
}

}  // namespace gadehold::core
