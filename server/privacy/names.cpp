#include "server/privacy/names.hpp"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <string_view>
#include <vector>

#include "server/privacy/lexicon.hpp"
#include "server/privacy/name_cues.hpp"

namespace gadehold::privacy {

namespace {

struct Word {
  std::size_t begin = 0, end = 0;  // bytes of the word in the text
  std::size_t bare_end = 0;        // where the possessive ending starts ("Jamie|'s")
  std::string lower, bare;
  std::string gap;  // the text between the previous word and this one
  std::uint8_t kind = 0;
  bool cap = false, caps = false, everyday = false, spaced = false, keep = false, calendar = false;
  bool name = false;           // part of a name found
  bool proper = false;         // listed capitalised in a dictionary: "Irish", "Broadway"
  bool sentence_start = true;  // the first word, or the first after . ! ? : ; a line break or a quote
  bool clause_start = true;    // the same, or the first after a comma
};

std::vector<Word> read_words(const std::string& text) {
  const auto& lex = Lexicon::get();
  std::vector<Word> words;
  for (auto [b, e] : word_spans(text)) {
    Word w;
    w.begin = b;
    w.end = w.bare_end = e;
    const auto raw = std::string_view(text).substr(b, e - b);
    w.lower = lower_utf8(raw);
    w.cap = starts_upper(raw);
    // Acronyms ("LFC", "SSP-konsulenten") and markers are no names.
    w.caps = all_upper(raw.substr(0, raw.find('-'))) || (b > 0 && text[b - 1] == '[');
    w.bare = w.lower;
    for (std::string_view suffix : {"'s", "’s", "'", "’"}) {
      if (ends_with(w.bare, suffix) && w.bare.size() > suffix.size() + 1) {
        w.bare.resize(w.bare.size() - suffix.size());
        w.bare_end = e - suffix.size();
        break;
      }
    }
    w.kind = lex.name_kind(w.bare);
    w.everyday = lex.everyday(w.lower) || lex.everyday(w.bare) || lex.compound(w.lower);
    w.proper = w.cap && lex.proper_noun(raw.substr(0, w.bare_end - b));
    // The Danish genitive: "Mustafas mor".
    const bool after_capital = !words.empty() && words.back().cap && words.back().end + 1 == b;
    if (w.kind == 0 && w.cap && !after_capital && !w.everyday && w.bare.size() > 3 && w.bare.back() == 's') {
      const auto k = lex.name_kind(std::string_view(w.bare).substr(0, w.bare.size() - 1));
      if (k & (kGiven | kSurname)) {
        w.kind = k;
        w.bare.pop_back();
        w.bare_end = w.end - 1;
      }
    }
    // Double names: "Anne-Sofie", "Holm-Nielsen".
    // Every part a name: "Jack-knifed" is no name.
    if (w.kind == 0 && w.bare.find('-') != std::string::npos) {
      std::uint8_t kind = kGiven | kSurname | kGivenEveryday | kSurnameEveryday;
      bool everyday_parts = true;  // "jack-knifed", "sofa-surfing"
      std::size_t from = 0;
      while (from <= w.bare.size()) {
        auto dash = w.bare.find('-', from);
        if (dash == std::string::npos) dash = w.bare.size();
        const auto part = lex.name_kind(std::string_view(w.bare).substr(from, dash - from));
        kind = part == 0 ? 0 : kind;
        everyday_parts = everyday_parts && lex.everyday(std::string_view(w.bare).substr(from, dash - from));
        w.kind |= part & (kGiven | kSurname);
        from = dash + 1;
      }
      if (kind == 0) w.kind = 0;
      w.everyday = w.everyday || (everyday_parts && kind == 0);
    }
    w.calendar = calendar_word(w.bare) || calendar_word(w.bare.substr(0, w.bare.find('-')));  // "Eid-fest"
    if (!words.empty()) {
      const auto gap = std::string_view(text).substr(words.back().end, b - words.back().end);
      w.gap = gap;
      w.spaced = !gap.empty() && gap.find_first_not_of(' ') == std::string_view::npos;
      w.sentence_start = gap.find_first_of(".!?:;\n\"()") != std::string_view::npos;
      // "Mr. Hughes", "hr. Jensen": the dot of a title ends no sentence.
      if (title(words.back().bare) && (gap == ". " || gap == ".")) {
        w.sentence_start = false;
        w.spaced = true;
      }
      w.clause_start = w.sentence_start || gap.find(',') != std::string_view::npos;
    }
    words.push_back(std::move(w));
  }
  return words;
}

// Marks the words of known places and venues, and capitalised words before a place word.
void mark_places(std::vector<Word>& words) {
  std::vector<std::string> lower;
  lower.reserve(words.size());
  for (const auto& w : words) lower.push_back(w.lower);
  const auto& lex = Lexicon::get();
  for (auto& w : words) {  // "Brøndby-fans", "Tesco-posen"
    const auto dash = w.lower.find('-');
    if (dash != std::string::npos && lex.place_at({w.lower.substr(0, dash)}, 0) == 1) w.keep = true;
  }
  for (std::size_t i = 0; i < words.size();) {
    const auto n = lex.place_at(lower, i);
    for (std::size_t k = i; k < i + n; ++k) words[k].keep = true;
    i += n > 0 ? n : 1;
  }
  // "St John Ambulance", "Sankt Hans": a saint's name is a place's or a day's.
  for (std::size_t i = 1; i < words.size(); ++i) {
    if (one_of(words[i - 1].bare, {"st", "saint", "sankt", "skt"}) && words[i].cap && words[i].spaced) {
      words[i - 1].keep = words[i].keep = true;
    }
  }
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (!place_word(words[i].bare)) continue;
    // In lower case only the street words people type so: "Bold st", "Jagtvej" aside.
    const bool typed_lower = one_of(words[i].bare, {"street", "st", "road", "rd", "avenue", "ave", "lane",
                                                    "square", "station", "gade", "vej", "plads", "torv"});
    if (words[i].cap || (typed_lower && i > 0 && words[i - 1].cap && words[i].spaced)) {
      for (std::size_t k = i, steps = 0; k > 0 && steps < 3 && words[k].spaced && words[k - 1].cap;
           --k, ++steps) {
        words[k - 1].keep = true;
        words[i].keep = true;
      }
    }
  }
}

bool name_like(const Word& w) { return w.kind != 0 || !w.everyday; }

// The note's language from its small words: 0 English, 1 Danish, -1 when unclear.
int note_language(const std::vector<Word>& words) {
  int english = 0, danish = 0;
  for (const auto& w : words) {
    english += one_of(w.lower, {"the", "and", "is", "was", "he",   "she",  "his", "her", "with", "said",
                                "to",  "of",  "on", "at",  "from", "they", "we",  "in",  "out",  "not"});
    danish +=
        one_of(w.lower, {"og", "er",  "var", "han", "hun", "hans", "hendes", "med", "sagde", "til", "af",
                         "på", "fra", "de",  "vi",  "ude", "i",    "det",    "den", "ikke",  "har"});
  }
  return english > danish ? 0 : danish > english ? 1 : -1;
}

// A number that can be a young person's age: "Mercy 16", not "Dag 2".
bool young_age(std::string_view w) {
  return (w.size() == 1 && w[0] >= '8' && w[0] <= '9') ||
         (w.size() == 2 && std::isdigit(static_cast<unsigned char>(w[0])) &&
          std::isdigit(static_cast<unsigned char>(w[1])) && w[0] >= '1' && w[0] <= '2');
}

// A lower-case word after a lower-case name that no dictionary knows: "lacey rooney".
bool lower_surname(const Word& w) {
  return w.bare.size() >= 4 && w.bare_end == w.end && std::all_of(w.bare.begin(), w.bare.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || c == '\'';
         });
}

bool starts_name(const std::vector<Word>& words, std::size_t i, int language) {
  const Word& w = words[i];
  if (w.keep || w.caps || title(w.bare) || std::isdigit(static_cast<unsigned char>(w.lower[0]))) return false;
  if (w.cap && not_a_name(w.bare) && w.kind == 0) return false;  // "Tiktok @x", "On Friday"
  const std::string_view w1 = i >= 1 ? std::string_view(words[i - 1].lower) : "";
  const std::string_view w2 = i >= 2 ? std::string_view(words[i - 2].lower) : "";
  const bool cued = strong_cue(w1, w2) && !w.clause_start;
  if (w.calendar) {
    // "May Lin", "June Okafor": a month that is also a given name, before a surname.
    const bool before_name = w.cap && (w.kind & (kGiven | kGivenEveryday)) && i + 1 < words.size() &&
                             words[i + 1].spaced && words[i + 1].cap && !words[i + 1].calendar &&
                             !words[i + 1].keep && !words[i + 1].caps;
    if (!cued && !before_name) return false;
    if (before_name) return true;
  }
  if (cued) {
    const std::string_view before = (w1 == "called" || w1 == "named") ? w2 : "";
    const std::string_view before2 = i >= 3 ? std::string_view(words[i - 3].lower) : "";
    return !not_a_name(w.bare) && !thing_before_cue(before) && !thing_before_cue(before2) &&
           !w.lower.empty() && !std::isdigit(static_cast<unsigned char>(w.lower[0]));
  }
  if (i >= 1 && title(words[i - 1].bare) && words[i].spaced) return w.cap || name_like(w);
  const bool related = (i >= 1 && relation(words[i - 1].bare) && w.spaced) ||
                       (i >= 2 && one_of(w1, {"of", "af", "til"}) && relation(words[i - 2].bare) && w.cap);
  const bool met = i >= 1 && meeting_cue(w1);
  if (w.cap) {
    if (w.kind & (kGiven | kSurname)) return true;
    if (related) return !not_a_name(w.bare);
    if (i >= 2 && words[i - 2].name && one_of(w1, {"and", "og", "&"}) && !w.keep) return true;
    // A given name that is also a word ("Will", "Line", "Holly"): a name in the middle of
    // a sentence, where the word would be in lower case; at its start, when another name
    // or a possessive ending follows ("Holly and Ruby", "Poppy's phone").
    if (w.kind & kGivenEveryday) {
      const bool brand = i + 1 < words.size() && words[i + 1].spaced && words[i + 1].cap &&
                         words[i + 1].everyday && words[i + 1].kind == 0;  // "Sky Sports", "Rose Garden"
      if (!w.sentence_start && !brand) return true;
      if (w.bare_end != w.end) return true;
      // "Mercy (ghanaian, 16)", "Hope, 15,": an age or an aside follows a person.
      if (i + 1 < words.size() && young_age(words[i + 1].lower)) return true;
      if (i + 1 < words.size() && words[i + 1].gap.find('(') != std::string::npos) return true;
      const bool coordinated = i + 2 < words.size() && one_of(words[i + 1].lower, {"and", "og", "&", "+"}) &&
                               words[i + 2].cap && name_like(words[i + 2]) && !words[i + 2].keep;
      if (coordinated) return true;
      if (i + 1 < words.size() && words[i + 1].spaced && says_or_is(words[i + 1].lower)) return true;
    }
    // A name the dictionaries list as a proper noun, doing what people do: "Vigga var ude",
    // "Sofus deler billeder" (places and venues are kept before this).
    if (w.proper && w.kind == 0 && w.clause_start && i + 1 < words.size() && words[i + 1].spaced &&
        says_or_is(words[i + 1].lower)) {
      return true;
    }
    if (!name_like(w)) return false;
    // A capitalised word that no dictionary knows, first in a sentence: in a note, a name
    // ("Hevin kurdish lad 16", "Rojda 15, kurdisk").
    if (w.kind == 0 && !w.everyday && !w.proper && w.clause_start) return true;
    // Before a naming cue: "Signe kaldes Sisse", "Patrick aka Paddy".
    if (i + 1 < words.size() && words[i + 1].spaced &&
        strong_cue(words[i + 1].lower, i + 2 < words.size() ? std::string_view(words[i + 2].lower) : "")) {
      return true;
    }
    const bool pair = i + 1 < words.size() && words[i + 1].spaced && words[i + 1].cap && !words[i + 1].keep &&
                      !words[i + 1].caps && !words[i + 1].calendar && name_like(words[i + 1]);
    if (pair) return true;
    return met && (!w.everyday || (w.kind & kGivenEveryday));
  }
  // Lower case. After an article it is a thing or a venue: "behind the florrie".
  if (one_of(w1, {"the", "a", "an"})) return false;
  if (related) return !w.everyday && !not_a_name(w.bare) && w.bare.size() >= 2;
  if (w.clause_start && !w.everyday && i + 1 < words.size() &&
      strong_cue(words[i + 1].lower, i + 2 < words.size() ? std::string_view(words[i + 2].lower) : "")) {
    return true;  // "jayjay aka Jason Hughes"
  }
  // "Omar og khaled": after a name and "and".
  if (i >= 2 && words[i - 2].name && one_of(w1, {"and", "og", "&"}) && !w.everyday && !not_a_name(w.bare))
    return true;
  // A given name doing what people do, even one that is a word in the other language:
  // "kyle wouldnt say" (Danish "kyle"), not "sky was clear".
  const bool given = (w.kind & kGiven) || ((w.kind & kGivenEveryday) && language >= 0 &&
                                           !Lexicon::get().everyday_in(w.bare, language));
  if (given && w.clause_start && i + 1 < words.size() && words[i + 1].spaced &&
      says_or_is(words[i + 1].lower)) {
    return true;
  }
  if ((w.kind & kGiven) && !w.everyday && i + 1 < words.size() && says_or_is(words[i + 1].lower)) return true;
  // A word no list knows, after "with"/"med": "spoke w/ niamh", "snakkede med hamid".
  if (one_of(w1, {"with", "w", "med", "+"}) && w.kind == 0 && !w.everyday && !w.proper &&
      w.bare.size() >= 3 && lower_surname(w)) {
    return true;
  }
  if ((w.kind & kGiven) && !w.everyday) return w.bare.size() >= 4 || met;
  return false;
}

// A lower-case everyday word that was a name earlier in the note: "grace's phone",
// "grace 07700 …", "tlf grace", "ruby and grace".
bool reads_as_name(const std::vector<Word>& words, std::size_t i) {
  const Word& w = words[i];
  if (w.bare_end != w.end) return true;
  if (i + 1 < words.size() &&
      (std::isdigit(static_cast<unsigned char>(words[i + 1].lower[0])) ||
       one_of(words[i + 1].lower, {"ph", "tlf", "tel", "nr", "mob", "and", "og", "&"}))) {
    return true;
  }
  return i >= 1 &&
         (one_of(words[i - 1].lower, {"and", "og", "&", "with", "med"}) || relation(words[i - 1].bare));
}

}  // namespace

std::string replace_names(const std::string& text, ScrubReport& report) {
  auto words = read_words(text);
  mark_places(words);
  const int language = note_language(words);
  std::vector<std::pair<std::size_t, std::size_t>> spans;  // bytes to replace
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (!starts_name(words, i, language)) continue;
    const bool lower_head = !words[i].cap;
    const bool after_cue =
        i >= 1 && strong_cue(words[i - 1].lower, i >= 2 ? std::string_view(words[i - 2].lower) : "");
    std::size_t j = i;
    while (j + 1 < words.size()) {
      const Word& next = words[j + 1];
      if (!next.spaced || next.keep || next.caps || next.calendar) break;
      const bool given_head = j == i && (words[i].kind & (kGiven | kGivenEveryday)) && !next.sentence_start;
      if (next.cap && (name_like(next) || (next.bare.size() <= 3 && !place_word(next.bare)) ||
                       (given_head && !place_word(next.bare) && !next.proper))) {
        ++j;  // "Sam Li", "May Lin", "Carol Quirk"
      } else if (particle(next.lower) && j + 2 < words.size() && words[j + 2].spaced && words[j + 2].cap &&
                 !words[j + 2].keep) {
        j += 2;
      } else if (!next.cap && lower_head && !next.everyday &&
                 ((next.kind & (kGiven | kSurname)) || after_cue ||
                  (lower_surname(next) && !says_or_is(next.lower)))) {
        ++j;
      } else {
        break;
      }
    }
    for (std::size_t k = i; k <= j; ++k) words[k].name = true;
    spans.emplace_back(words[i].begin, words[j].bare_end);
    i = j;
  }
  if (spans.empty()) return text;
  // Once a name, always a name in the same note: "Grace ... grace ph 07700", "Victors far".
  std::vector<std::string> known;
  for (const auto& w : words) {
    if (w.name && w.bare.size() >= 3 && !particle(w.bare)) known.push_back(w.bare);
  }
  auto is_known = [&](std::string_view b) { return std::find(known.begin(), known.end(), b) != known.end(); };
  for (std::size_t i = 0; i < words.size(); ++i) {
    auto& w = words[i];
    if (w.name || w.caps || w.keep) continue;
    // An everyday word in lower case ("he will come back" after "Will") is the word, unless
    // it reads as the name again: possessive, a number or "og"/"and" around it.
    if (!w.cap && w.everyday && !reads_as_name(words, i)) continue;
    std::size_t end = 0;
    if (is_known(w.bare)) {
      end = w.bare_end;
    } else if (w.bare.size() > 3 && w.bare.back() == 's' &&
               is_known(std::string_view(w.bare).substr(0, w.bare.size() - 1))) {
      end = w.bare_end - 1;
    }
    if (end == 0) continue;
    w.name = true;
    spans.emplace_back(w.begin, end);
  }
  std::sort(spans.begin(), spans.end());
  std::string out;
  out.reserve(text.size());
  std::size_t last = 0;
  for (auto [b, e] : spans) {
    out.append(text, last, b - last);
    out.append(marker_text(Marker::name));
    last = e;
  }
  out.append(text, last, std::string::npos);
  report.counts[static_cast<std::size_t>(Marker::name)] += static_cast<unsigned>(spans.size());
  return out;
}

}  // namespace gadehold::privacy
