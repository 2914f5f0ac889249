#include <iostream>

#include <spdlog/spdlog.h>

#include "server/cli/commands.hpp"
#include "server/cli/runtime.hpp"
#include "server/core/logging.hpp"
#include "server/core/version.hpp"

namespace po = boost::program_options;

namespace gadehold::cli {

int serve(const Args& args) {
  core::Config cfg;
  po::options_description desc("gadehold serve [options]");
  core::add_database_options(desc, cfg);
  core::add_retention_options(desc, cfg);
  core::add_serve_options(desc, cfg);
  if (core::parse_options(args, desc)) {
    std::cout << desc << '\n';
    return kExitOk;
  }
  cfg.validate();
  core::setup_logging(cfg.log_level);
  spdlog::info("gadehold {} ({}) starting", core::version(), core::git_revision());
  Runtime runtime(cfg);
  runtime.run(true);
  spdlog::info("stopped");
  return kExitOk;
}

}  // namespace gadehold::cli
