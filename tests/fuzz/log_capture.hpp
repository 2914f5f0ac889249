#pragma once
// Every log line the server writes, down to debug level, kept in memory instead of
// printed: the fuzz targets check that no line carries a secret or free text.
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

namespace gadehold::fuzz {

class LogCapture final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  // Makes a capture the default logger's only sink.
  static std::shared_ptr<LogCapture> install() {
    auto sink = std::make_shared<LogCapture>();
    auto logger = std::make_shared<spdlog::logger>("fuzz", sink);
    logger->set_level(spdlog::level::debug);
    spdlog::set_default_logger(logger);
    return sink;
  }

  // The lines logged since the last call.
  std::vector<std::string> take() {
    std::lock_guard lock(lines_mutex_);
    return std::exchange(lines_, {});
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    // base_sink holds its own mutex here; take() is not called through it.
    std::lock_guard lock(lines_mutex_);
    lines_.emplace_back(msg.payload.data(), msg.payload.size());
  }
  void flush_() override {}

 private:
  std::mutex lines_mutex_;
  std::vector<std::string> lines_;
};

}  // namespace gadehold::fuzz
