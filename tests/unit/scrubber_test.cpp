// The note scrubber: examples, and recall and false-positive rate on the labelled corpus
// in tests/data/scrubber_corpus.tsv (LABELS<TAB>TEXT; LABELS is a multiset of marker
// names or "-").
#include "server/privacy/scrubber.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <vector>

using namespace gadehold::privacy;

namespace {

std::map<std::string, unsigned> found_markers(const ScrubReport& report) {
  std::map<std::string, unsigned> out;
  for (std::size_t i = 0; i < kMarkerCount; ++i) {
    const auto m = static_cast<Marker>(i);
    if (report.count(m) > 0) out[std::string(marker_name(m))] = report.count(m);
  }
  return out;
}

}  // namespace

TEST_CASE("the scrubber replaces each kind of personal data with its marker") {
  struct Case {
    const char* input;
    const char* expected;
  };
  for (const auto& c : std::initializer_list<Case>{
           {"ring me on 07700 900123", "ring me on [PHONE]"},
           {"hans nummer er +45 12 34 56 78", "hans nummer er [PHONE]"},
           {"mail kim@example.org asap", "mail [EMAIL] asap"},
           {"lives near M1 1AE", "lives near [POSTCODE]"},
           {"staying at 12 Acacia Road", "staying at [ADDRESS]"},
           {"bor på Nørrebrogade 42", "bor på [ADDRESS]"},
           {"NI number QQ 12 34 56 C", "NI number [ID]"},
           {"cpr 010190-1234", "cpr [ID]"},
           {"car was AB12 CDE", "car was [PLATE]"},
           {"she was born 12/03/2009", "she was born [DATE]"},
           {"a lad called jake", "a lad called [NAME]"},
           {"pigen hedder Freja", "pigen hedder [NAME]"},
           {"snap: lilkev09", "snap: [HANDLE]"},
           {"see https://example.com/x", "see [URL]"},
           // Positions typed in: a map app's copy, degrees, plus codes, what3words.
           {"sleeps at 55.6879999 12.5512345 most nights", "sleeps at [ADDRESS] most nights"},
           {"pin 55.6871234, 12.5539876", "pin [ADDRESS]"},
           {"lat 55.68712 lon 12.55398", "lat [ADDRESS]"},
           {"geo:55.6871,12.5539", "geo:[ADDRESS]"},
           {"53.4055, -2.9807 by the bins", "[ADDRESS] by the bins"},
           {"at 55°41'14\"N 12°33'14\"E", "at [ADDRESS]"},
           {"plus code 9F7JMH7V+RC", "plus code [ADDRESS]"},
           {"w3w index.home.raft", "[ADDRESS]"},
           {"meet at ///index.home.raft", "meet at [ADDRESS]"},
       }) {
    CAPTURE(c.input);
    CHECK(scrub(c.input).text == c.expected);
  }
}

TEST_CASE("the scrubber leaves ordinary street-team notes alone") {
  for (const char* text : {"group of 6 lads near Church Street at 22:30", "took the 86 bus to town",
                           "outside Tesco Express, about 8 young people", "called the police on 999",
                           "kl. 21.15 ved Nørrebrogade, ca. 8 unge", "gave them £5 for chips",
                           "walked 2.5 km, 3.75 hours, temperature 4°C",
                           "scored 3-1, 1.000 people at the match", "tea at 21:30, soup at 22.15"}) {
    CAPTURE(text);
    auto r = scrub(text);
    CHECK(r.text == text);
    CHECK(r.report.total() == 0);
  }
}

TEST_CASE("scrubber corpus: recall at least 0.95 and false positives at most 0.02") {
  std::ifstream in(GADEHOLD_TEST_DATA_DIR "/scrubber_corpus.tsv");
  REQUIRE(in.good());
  std::string line;
  unsigned expected_total = 0, found_expected = 0;
  unsigned negatives = 0, negatives_flagged = 0, positives = 0, extra_markers = 0;
  std::map<std::string, std::pair<unsigned, unsigned>> by_type;  // found, expected
  std::vector<std::string> misses;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto tab = line.find('\t');
    REQUIRE(tab != std::string::npos);
    const auto labels = line.substr(0, tab);
    const auto text = line.substr(tab + 1);
    std::map<std::string, unsigned> expected;
    if (labels != "-") {
      std::stringstream ss(labels);
      std::string label;
      while (std::getline(ss, label, ',')) ++expected[label];
    }
    const auto result = scrub(text);
    const auto found = found_markers(result.report);
    if (expected.empty()) {
      ++negatives;
      if (!found.empty()) {
        ++negatives_flagged;
        misses.push_back("false positive: " + result.text);
      }
      continue;
    }
    ++positives;
    for (const auto& [type, n] : expected) {
      const auto it = found.find(type);
      const unsigned got = it == found.end() ? 0 : std::min(it->second, n);
      expected_total += n;
      found_expected += got;
      by_type[type].first += got;
      by_type[type].second += n;
      if (got < n) misses.push_back("missed " + type + ": " + result.text);
    }
    for (const auto& [type, n] : found) {
      const auto it = expected.find(type);
      const unsigned want = it == expected.end() ? 0 : it->second;
      if (n > want) extra_markers += n - want;
    }
  }
  REQUIRE(positives >= 100);
  REQUIRE(negatives >= 100);
  const double recall = static_cast<double>(found_expected) / expected_total;
  const double false_positive_rate = static_cast<double>(negatives_flagged) / negatives;
  for (const auto& m : misses) MESSAGE(m);
  std::ostringstream per_type;
  for (const auto& [type, fe] : by_type) per_type << " " << type << "=" << fe.first << "/" << fe.second;
  MESSAGE("scrubber corpus: " << positives + negatives << " lines (" << positives << " positive, "
                              << negatives << " negative); recall " << recall << " (" << found_expected << "/"
                              << expected_total << "); false-positive rate " << false_positive_rate << " ("
                              << negatives_flagged << "/" << negatives
                              << "); extra markers on positive lines " << extra_markers
                              << "; per type:" << per_type.str());
  CHECK(recall >= 0.95);
  CHECK(false_positive_rate <= 0.02);
}
