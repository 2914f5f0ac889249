#pragma once
// What the scrubber knows about words: given names and surnames (generated gazetteers),
// everyday English and Danish words (Debian's word lists), and the places and venues of
// the cities to keep (config/places/*.txt, plus any files the operator adds). Built once,
// on first use, from data embedded in the binary; read-only afterwards, so any thread
// may use it.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace gadehold::privacy {

// Kinds of name a word can be, as bits.
enum NameKind : std::uint8_t {
  kGiven = 1,           // a given name that is no everyday word: "Jonathan"
  kGivenEveryday = 2,   // a given name that is also a word: "Will", "Per"
  kSurname = 4,         // "Kowalski"
  kSurnameEveryday = 8  // "Smith", "Holm"
};

class Lexicon {
 public:
  // The lexicon of this process, with the shipped places and any added by add_places().
  static const Lexicon& get();

  // Bits of NameKind for `lower`, a lower-cased word; 0 when it is no known name.
  std::uint8_t name_kind(std::string_view lower) const;
  // True when `lower` is an everyday word (listed in lower case in a dictionary).
  bool everyday(std::string_view lower) const;
  // The same in one language's list only: 0 British English, 1 Danish.
  bool everyday_in(std::string_view lower, int language) const;
  // True when `word` is listed capitalised in a dictionary, as a proper noun that is not
  // a listed name: "Irish", "Broadway", "Halloween".
  bool proper_noun(std::string_view word) const;
  // True when `lower` is a compound of two everyday words, as Danish writes them
  // ("ungdomsklubben" = "ungdoms" + "klubben"), with or without a linking "s" or "e".
  bool compound(std::string_view lower) const;
  // How many of the words `lower[from...]` make up the longest known place or venue
  // (0 when none starts there).
  std::size_t place_at(const std::vector<std::string>& lower, std::size_t from) const;

  std::size_t name_count() const { return names_.size(); }
  std::size_t place_count() const { return places_.size(); }

 private:
  Lexicon();
  static Lexicon& instance();
  void add_names(std::string_view text, std::uint8_t kind, std::uint8_t everyday_kind);
  void add_place_text(std::string_view text);
  friend void add_places(std::string_view text);
  // The same for a file; throws core::UsageError naming it when it cannot be read or is not
  // UTF-8.
  void add_places_file(const std::string& path);

  std::unordered_map<std::string, std::uint8_t> names_;
  std::vector<std::string_view> everyday_;                    // sorted; views into the embedded word lists
  std::vector<std::string_view> proper_;                      // the same for capitalised entries
  std::array<std::vector<std::string_view>, 2> by_language_;  // everyday_, per word list
  std::unordered_set<std::string> places_;                    // lower-case words joined by single spaces
  std::size_t longest_place_ = 1;                             // in words
};

// Adds the places of a place file's text (one per line, `#` comments) to the process's
// lexicon. Call before the server starts its threads (serve reads `places-file` then).
void add_places(std::string_view text);
// The same for a file; throws core::UsageError naming it when it cannot be read or is not
// UTF-8.
void add_places_file(const std::string& path);

// Lower-cases UTF-8 text: ASCII and the Latin letters of Europe's alphabets.
std::string lower_utf8(std::string_view text);
// True when the first letter of `word` is an upper-case letter.
bool starts_upper(std::string_view word);
// True when `word` has at least two letters and no lower-case letter: "LFC", "SSP".
bool all_upper(std::string_view word);
// Where the words of `text` are, as [begin, end) byte offsets. A word is a run of letters
// and digits; an apostrophe, a hyphen, "&" or "." inside one joins it ("O'Neill",
// "7-Eleven", "M&S", "H.C.").
std::vector<std::pair<std::size_t, std::size_t>> word_spans(std::string_view text);
// The words of a place or a note, as the scrubber splits them (lower-cased).
std::vector<std::string> split_words(std::string_view text);

}  // namespace gadehold::privacy
