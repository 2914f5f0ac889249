#pragma once
// One spdlog logger, a line per event: to stderr (journald-friendly when systemd reads
// it) or to a file that SIGHUP reopens, as text or as JSON lines. Log events, never
// contents: no tokens, invite codes, note text or coordinates, at any level.
#include <string>

#include <spdlog/spdlog.h>

namespace gadehold::core {

struct LogOptions {
  std::string level = "info";  // validated by Config
  std::string file;            // empty: stderr
  bool json = false;           // {"ts":…,"level":…,"msg":…} per line
};

// Sets up, or reconfigures, the default logger. Safe to call again: a reload switches
// level, file and format without losing a line. Throws UsageError naming --log-file
// when the file cannot be opened for appending; the previous setup then stays.
void setup_logging(const LogOptions& options);
// Text to stderr at `level`: the subcommands other than serve.
void setup_logging(const std::string& level);

// Reopens the log file by its name, after logrotate has moved it. Returns false (and
// keeps writing to the old file) when it cannot be opened; true, too, on stderr.
bool reopen_log();

}  // namespace gadehold::core
