#pragma once
// The embedded texts the scrubber's lexicon is built from (see lexicon_data.cpp).
#include <array>
#include <string_view>

namespace gadehold::privacy {

struct LexiconData {
  std::string_view given_names;              // server/privacy/names/given.txt
  std::string_view surnames;                 // server/privacy/names/surnames.txt
  std::array<std::string_view, 2> places;    // config/places/{liverpool,copenhagen}.txt
  std::array<std::string_view, 2> everyday;  // Debian's British English and Danish word lists
};

LexiconData lexicon_data();

}  // namespace gadehold::privacy
