#pragma once
// The words around a name that the scrubber reads (names.cpp): cues, titles, relations,
// place and calendar words. Every argument is a lower-cased word.
#include <initializer_list>
#include <string_view>

namespace gadehold::privacy {

bool one_of(std::string_view w, std::initializer_list<std::string_view> words);
bool ends_with(std::string_view w, std::string_view suffix);
bool place_word(std::string_view w);
bool calendar_word(std::string_view w);
bool not_a_name(std::string_view w);
bool strong_cue(std::string_view w1, std::string_view w2);
bool thing_before_cue(std::string_view w);
bool title(std::string_view w);
bool relation(std::string_view w);
bool meeting_cue(std::string_view w);
bool says_or_is(std::string_view w);
bool particle(std::string_view w);

}  // namespace gadehold::privacy
