// `gadehold scrub`: the note scrubber as a filter, for transparency and testing. Reads
// text on standard input, writes it scrubbed to standard output, and a one-line report
// of what was removed to standard error.
#include <iostream>
#include <iterator>

#include <boost/program_options.hpp>

#include "server/cli/commands.hpp"
#include "server/core/config.hpp"
#include "server/privacy/handle_rules.hpp"
#include "server/privacy/scrubber.hpp"

namespace po = boost::program_options;

namespace gadehold::cli {

int scrub(const Args& args) {
  po::options_description desc("gadehold scrub < notes.txt > scrubbed.txt");
  if (core::parse_options(args, desc)) {
    std::cout << desc << '\n';
    return kExitOk;
  }
  std::string input{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  if (privacy::utf8_length(input) < 0) throw core::UsageError("standard input is not valid UTF-8");
  auto result = privacy::scrub(input);
  std::cout << result.text;
  std::cerr << "scrubbed:";
  for (std::size_t i = 0; i < privacy::kMarkerCount; ++i) {
    const auto marker = static_cast<privacy::Marker>(i);
    if (result.report.count(marker) > 0) std::cerr << ' ' << privacy::marker_name(marker) << '=' << result.report.count(marker);
  }
  if (result.report.total() == 0) std::cerr << " nothing";
  std::cerr << '\n';
  return kExitOk;
}

}  // namespace gadehold::cli
