#pragma once
// The scrubber's second pass: names of people, decided from the words around them as well
// as from lists. A word is a name when it is
// - a given name or surname that is no everyday word ("Jonathan", "Kowalski"), anywhere;
// - any word after a naming cue ("called jamie", "hedder sara"), a title ("Mrs Hughes"),
//   or a relation ("her mate shannon", "hans ven mo");
// - a capitalised word next to another name-like capitalised word ("Frederikke Holm",
//   "Will Smith"), or after a meeting cue ("met Aoife");
// and a name runs on over the capitalised words and surnames that follow it ("Mads Emil
// Jensen", "[NAME] O'Neill" cannot happen). Known places and venues ("Castle Street",
// "Central Station", "the Cavern Club") and words before a street word stay.
#include <string>

#include "server/privacy/markers.hpp"

namespace gadehold::privacy {

// Replaces every name in `text` by [NAME] (a possessive ending stays: "[NAME]'s"),
// counting them in `report`.
std::string replace_names(const std::string& text, ScrubReport& report);

}  // namespace gadehold::privacy
