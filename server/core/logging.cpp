#include "server/core/logging.hpp"

#include <google/protobuf/stubs/logging.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace gadehold::core {

void setup_logging(const std::string& level) {
  static auto logger = [] {
    auto l = spdlog::stderr_logger_mt("gadehold");
    l->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");
    spdlog::set_default_logger(l);
    // Protobuf reports malformed client input (invalid UTF-8 in a string field, say) on
    // its own stderr log. Such input is answered with INVALID_ARGUMENT already; keep
    // its note at debug level. Protobuf's messages name fields, never their contents.
    google::protobuf::SetLogHandler([](google::protobuf::LogLevel severity, const char*, int, const std::string& msg) {
      if (severity >= google::protobuf::LOGLEVEL_ERROR) {
        spdlog::debug("protobuf: {}", msg);
      }
    });
    return l;
  }();
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::info);
}

}  // namespace gadehold::core
