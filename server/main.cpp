// gadehold: one binary, one subcommand per job. See README.md.
#include <iostream>
#include <string>
#include <vector>

#include "server/cli/commands.hpp"
#include "server/core/allocator.hpp"
#include "server/core/version.hpp"

namespace {

void print_usage(std::ostream& out) {
  out << "usage: gadehold <command> [options]\n"
         "\n"
         "commands:\n"
         "  serve    run the server (WebSocket API, /healthz, /metrics)\n"
         "  init     create a new database\n"
         "  check    verify a database: integrity, foreign keys, schema version\n"
         "  invite   print a new invite code for a coordinator, lead or volunteer\n"
         "  revoke   revoke a volunteer or a device\n"
         "  scrub    scrub personal data from text on stdin, as notes are scrubbed\n"
         "  shifts   list a team's shifts and their staffing\n"
         "  purge    apply the retention limits now (serve does it every hour)\n"
         "  stats    export statistics for partner cities (stats export --help)\n"
         "  backup   write a verified copy of a live database\n"
         "  restore  replace a stopped server's database with a verified backup\n"
         "\n"
         "gadehold <command> --help shows a command's options; gadehold --version the build.\n";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace gadehold;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    print_usage(std::cerr);
    return cli::kExitUsage;
  }
  const std::string command = args.front();
  args.erase(args.begin());
  if (command == "--version" || command == "-V" || command == "version") {
    std::cout << "gadehold " << core::version() << " (" << core::git_revision() << ")\n"
              << "allocator: " << core::allocator_name() << '\n';
    return cli::kExitOk;
  }
  if (command == "--help" || command == "-h" || command == "help") {
    print_usage(std::cout);
    return cli::kExitOk;
  }
  if (command == "serve") return cli::guarded(command, cli::serve, args);
  if (command == "init") return cli::guarded(command, cli::init, args);
  if (command == "check") return cli::guarded(command, cli::check, args);
  if (command == "invite") return cli::guarded(command, cli::invite, args);
  if (command == "revoke") return cli::guarded(command, cli::revoke, args);
  if (command == "scrub") return cli::guarded(command, cli::scrub, args);
  if (command == "shifts") return cli::guarded(command, cli::shifts, args);
  if (command == "purge") return cli::guarded(command, cli::purge, args);
  if (command == "stats") return cli::guarded(command, cli::stats, args);
  if (command == "backup") return cli::guarded(command, cli::backup, args);
  if (command == "restore") return cli::guarded(command, cli::restore, args);
  std::cerr << "gadehold: unknown command '" << command << "'; see gadehold --help\n";
  return cli::kExitUsage;
}
