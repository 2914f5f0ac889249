#include "server/core/logging.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>

#include <boost/json.hpp>
#include <google/protobuf/stubs/logging.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>

#include "server/core/config.hpp"

namespace gadehold::core {

namespace {

enum class Style { text, journal, json };

// systemd sets JOURNAL_STREAM to the device and inode of the stream it reads; if that
// is our stderr, journald timestamps each line itself and reads a "<N>" priority.
bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  unsigned long long dev = 0, ino = 0;
  if (std::sscanf(stream, "%llu:%llu", &dev, &ino) != 2) return false;
  struct stat st {};
  if (::fstat(2, &st) != 0) return false;
  return static_cast<unsigned long long>(st.st_dev) == dev && static_cast<unsigned long long>(st.st_ino) == ino;
}

int syslog_priority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::critical: return 2;
    case spdlog::level::err: return 3;
    case spdlog::level::warn: return 4;
    case spdlog::level::info: return 6;
    default: return 7;
  }
}

class LineFormatter final : public spdlog::formatter {
 public:
  explicit LineFormatter(Style style)
      : style_(style), text_("%Y-%m-%dT%H:%M:%S.%e%z %l %v", spdlog::pattern_time_type::local, "\n") {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const std::string_view text(msg.payload.data(), msg.payload.size());
    switch (style_) {
      case Style::text:
        text_.format(msg, dest);
        return;
      case Style::journal: {
        const auto line = fmt::format("<{}>{}\n", syslog_priority(msg.level), text);
        dest.append(line.data(), line.data() + line.size());
        return;
      }
      case Style::json: {
        boost::json::object o;
        o["ts"] = utc_timestamp(msg.time);
        const auto level = spdlog::level::to_string_view(msg.level);
        o["level"] = std::string_view(level.data(), level.size());
        o["msg"] = text;
        auto line = boost::json::serialize(o);
        line.push_back('\n');
        dest.append(line.data(), line.data() + line.size());
        return;
      }
    }
  }

  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<LineFormatter>(style_); }

 private:
  static std::string utc_timestamp(spdlog::log_clock::time_point t) {
    const auto since = t.time_since_epoch();
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(since);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(since - secs).count();
    const std::time_t tt = secs.count();
    std::tm tm{};
    ::gmtime_r(&tt, &tm);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    return buf;
  }

  Style style_;
  spdlog::pattern_formatter text_;
};

// stderr, or a file opened for appending that reopen() replaces by name. One sink for
// the process's life, so a reconfiguration never drops a line in between.
class Sink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  ~Sink() override {
    if (file_ != nullptr) std::fclose(file_);
  }

  // Switches to `path` (empty: stderr). Throws UsageError if it cannot be opened.
  void use(const std::string& path) {
    std::FILE* next = path.empty() ? nullptr : open(path);
    std::lock_guard lock(mutex_);
    if (file_ != nullptr) std::fclose(file_);
    file_ = next;
    path_ = path;
  }

  bool reopen() {
    std::string path;
    {
      std::lock_guard lock(mutex_);
      path = path_;
    }
    if (path.empty()) return true;
    std::FILE* next = nullptr;
    try {
      next = open(path);
    } catch (const UsageError&) {
      return false;
    }
    std::lock_guard lock(mutex_);
    if (file_ != nullptr) std::fclose(file_);
    file_ = next;
    return true;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    std::fwrite(line.data(), 1, line.size(), file_ != nullptr ? file_ : stderr);
  }
  void flush_() override { std::fflush(file_ != nullptr ? file_ : stderr); }

 private:
  static std::FILE* open(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "ae");
    if (f == nullptr) throw UsageError("--log-file: cannot open '" + path + "': " + std::strerror(errno));
    return f;
  }

  std::FILE* file_ = nullptr;
  std::string path_;
};

std::shared_ptr<Sink>& sink() {
  static std::shared_ptr<Sink> instance;
  return instance;
}

std::shared_ptr<spdlog::logger> logger() {
  static auto l = [] {
    sink() = std::make_shared<Sink>();
    auto made = std::make_shared<spdlog::logger>("gadehold", sink());
    spdlog::set_default_logger(made);
    // Protobuf reports malformed client input (invalid UTF-8 in a string field, say) on
    // its own stderr log. Such input is answered with INVALID_ARGUMENT already; keep
    // its note at debug level. Protobuf's messages name fields, never their contents.
    google::protobuf::SetLogHandler([](google::protobuf::LogLevel severity, const char*, int, const std::string& msg) {
      if (severity >= google::protobuf::LOGLEVEL_ERROR) spdlog::debug("protobuf: {}", msg);
    });
    return made;
  }();
  return l;
}

}  // namespace

void setup_logging(const LogOptions& options) {
  auto l = logger();
  sink()->use(options.file);  // throws before anything changes
  const Style style = options.json ? Style::json
                      : options.file.empty() && stderr_is_journal() ? Style::journal
                                                                     : Style::text;
  l->set_formatter(std::make_unique<LineFormatter>(style));
  l->set_level(spdlog::level::from_str(options.level));
  l->flush_on(spdlog::level::info);
}

void setup_logging(const std::string& level) {
  LogOptions options;
  options.level = level;
  setup_logging(options);
}

bool reopen_log() {
  logger();
  return sink()->reopen();
}

}  // namespace gadehold::core
