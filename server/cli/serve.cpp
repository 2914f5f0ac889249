#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>
#include <iostream>

#include "server/cli/commands.hpp"
#include "server/cli/runtime.hpp"
#include "server/core/address_ranges.hpp"
#include "server/core/allocator.hpp"
#include "server/core/logging.hpp"
#include "server/core/version.hpp"
#include "server/privacy/lexicon.hpp"

namespace po = boost::program_options;

namespace gadehold::cli {

namespace {

// Parses the flags and the config file they name into `cfg`: at start and on SIGHUP.
bool parse(const Args& args, core::Config& cfg, core::OptionValues& values) {
  po::options_description desc("gadehold serve [options]");
  core::add_database_options(desc, cfg);
  core::add_retention_options(desc, cfg);
  core::add_serve_options(desc, cfg);
  if (core::parse_options(args, desc, &values)) {
    std::cout << desc << '\n';
    return false;
  }
  return true;
}

}  // namespace

int serve(const Args& args) {
  // A reload (systemctl reload) while migrations run must not end the server: SIGHUP's
  // default action is to exit, and its handler is installed once serving starts.
  std::signal(SIGHUP, SIG_IGN);
  core::Config cfg;
  core::OptionValues values;
  if (!parse(args, cfg, values)) return kExitOk;
  cfg.validate();
  // Before any thread starts: the scrubber's lexicon is read-only once serving.
  for (const auto& file : cfg.places_files) privacy::add_places_file(file);
  core::setup_logging(core::LogOptions{cfg.log_level, cfg.log_file, cfg.log_json});
  spdlog::info("gadehold {} ({}) starting, {}", core::version(), core::git_revision(),
               core::allocator_name());
  if (cfg.behind_proxy && core::AddressRanges::parse(cfg.trusted_proxies).has_whole_family()) {
    spdlog::warn(
        "trusted-proxies holds a /0 range: every peer's X-Forwarded-For is believed, so a client "
        "can name its own address and the per-address limits do not hold; list the proxies instead");
  }
  {
    // Built here, not by the first note on a network thread (about 150 ms of lists).
    const auto start = std::chrono::steady_clock::now();
    const auto& lexicon = privacy::Lexicon::get();
    spdlog::info(
        "scrubber lexicon: {} names, {} places, built in {} ms", lexicon.name_count(), lexicon.place_count(),
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)
            .count());
  }
  Runtime runtime(cfg);
  runtime.enable_reload(std::move(values), [args](core::OptionValues& fresh) {
    core::Config next;
    if (!parse(args, next, fresh)) throw core::UsageError("--help on a reload");
    return next;
  });
  runtime.run(true);
  spdlog::info("stopped");
  return kExitOk;
}

}  // namespace gadehold::cli
