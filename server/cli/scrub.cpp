// `gadehold scrub`: the note scrubber as a filter, for transparency and testing. Reads
// text on standard input, writes it scrubbed to standard output, and a one-line report
// of what was removed to standard error.
#include <boost/program_options.hpp>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "server/cli/commands.hpp"
#include "server/core/config.hpp"
#include "server/privacy/handle_rules.hpp"
#include "server/privacy/lexicon.hpp"
#include "server/privacy/scrubber.hpp"

namespace po = boost::program_options;

namespace gadehold::cli {

int scrub(const Args& args) {
  po::options_description desc("gadehold scrub [--lines] [--places-file F]... < notes.txt > scrubbed.txt");
  bool lines = false;
  std::vector<std::string> place_files;
  desc.add_options()("lines", po::bool_switch(&lines), "scrub each line on its own, as one note each")(
      "places-file", po::value(&place_files)->composing(), "more places and venues to keep (one per line)");
  if (core::parse_options(args, desc)) {
    std::cout << desc << '\n';
    return kExitOk;
  }
  for (const auto& file : place_files) privacy::add_places_file(file);
  std::string input{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  if (privacy::utf8_length(input) < 0) throw core::UsageError("standard input is not valid UTF-8");
  privacy::ScrubResult result;
  if (lines) {
    std::size_t from = 0;
    while (from < input.size()) {
      auto end = input.find('\n', from);
      const bool newline = end != std::string::npos;
      if (!newline) end = input.size();
      auto one = privacy::scrub(std::string_view(input).substr(from, end - from));
      result.text += one.text;
      if (newline) result.text.push_back('\n');
      for (std::size_t i = 0; i < privacy::kMarkerCount; ++i) result.report.counts[i] += one.report.counts[i];
      from = end + 1;
    }
  } else {
    result = privacy::scrub(input);
  }
  std::cout << result.text;
  std::cerr << "scrubbed:";
  for (std::size_t i = 0; i < privacy::kMarkerCount; ++i) {
    const auto marker = static_cast<privacy::Marker>(i);
    if (result.report.count(marker) > 0)
      std::cerr << ' ' << privacy::marker_name(marker) << '=' << result.report.count(marker);
  }
  if (result.report.total() == 0) std::cerr << " nothing";
  std::cerr << '\n';
  return kExitOk;
}

}  // namespace gadehold::cli
